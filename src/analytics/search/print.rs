//! The printer: turns a query back into text that parses to the same tree.
//!
//! A query the filter-pattern syntax can write is printed as a pattern; any other in the short
//! syntax, with its pattern-only parts embedded as `{ … }` terms. Every short-syntax value and
//! phrase is quoted so no word is mistaken for a keyword. This file must not parse.

use std::fmt::Write as _;

use super::expr::{quote, Comparison, Expr, TextMatch};

/// Text that [`super::parse`] reads back as `expr`, for every `expr` the parsers produce and
/// every combination of those (and facet queries) built with [`Expr::and`], [`Expr::or`],
/// [`Expr::negate`].
pub fn print(expr: &Expr) -> String {
    if expr.is_pattern_only() {
        let mut text = String::from("{ ");
        pattern_or(expr, &mut text);
        text.push_str(" }");
        return text;
    }
    let mut text = String::new();
    short_or(expr, &mut text);
    // A leading `{` would make the whole input read as a filter pattern.
    if text.starts_with('{') {
        format!("({text})")
    } else {
        text
    }
}

fn pattern_or(expr: &Expr, text: &mut String) {
    if let Expr::Or(parts) = expr {
        join(parts, " || ", text, pattern_and);
    } else {
        pattern_and(expr, text);
    }
}

fn pattern_and(expr: &Expr, text: &mut String) {
    if let Expr::And(parts) = expr {
        join(parts, " && ", text, pattern_primary);
    } else {
        pattern_primary(expr, text);
    }
}

fn pattern_primary(expr: &Expr, text: &mut String) {
    match expr {
        Expr::Compare { path, comparison } => {
            let _ = write!(
                text,
                "(${}{path} ",
                if path_starts_with_key(path) { "." } else { "" }
            );
            comparison_text(comparison, text);
            text.push(')');
        }
        other => {
            text.push('(');
            pattern_or(other, text);
            text.push(')');
        }
    }
}

fn path_starts_with_key(path: &super::expr::Path) -> bool {
    matches!(path.steps.first(), Some(super::expr::Step::Key(name)) if super::expr::is_plain_key(name))
}

fn comparison_text(comparison: &Comparison, text: &mut String) {
    match comparison {
        Comparison::Text {
            negated,
            text: value,
        } => {
            text.push_str(if *negated { "!= " } else { "= " });
            text.push_str(&pattern_string(value));
        }
        Comparison::Number { op, value } => {
            let _ = write!(text, "{} {value:?}", op.symbol());
        }
        Comparison::Regex { negated, regex } => {
            let _ = write!(
                text,
                "{} %{}%",
                if *negated { "!=" } else { "=" },
                regex.source()
            );
        }
        Comparison::IsNull => text.push_str("IS NULL"),
        Comparison::IsTrue => text.push_str("IS TRUE"),
        Comparison::IsFalse => text.push_str("IS FALSE"),
        Comparison::NotExists => text.push_str("NOT EXISTS"),
    }
}

/// A quoted pattern value: wildcards as bare `*`, a literal `*` at either end as `\*`.
fn pattern_string(value: &TextMatch) -> String {
    let (body, wildcard_start, wildcard_end) = match value {
        TextMatch::Exact(body) => (body, false, false),
        TextMatch::Prefix(body) => (body, false, true),
        TextMatch::Suffix(body) => (body, true, false),
        TextMatch::Contains(body) => (body, true, true),
    };
    let characters: Vec<char> = body.chars().collect();
    let last = characters.len().saturating_sub(1);
    let mut quoted = String::from("\"");
    if wildcard_start {
        quoted.push('*');
    }
    for (position, &character) in characters.iter().enumerate() {
        let star_at_edge = character == '*'
            && ((position == 0 && !wildcard_start) || (position == last && !wildcard_end));
        if matches!(character, '"' | '\\') || star_at_edge {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    if wildcard_end {
        quoted.push('*');
    }
    quoted.push('"');
    quoted
}

fn short_or(expr: &Expr, text: &mut String) {
    if let Expr::Or(parts) = expr {
        if !expr.is_pattern_only() {
            join(parts, " OR ", text, short_and);
            return;
        }
    }
    short_and(expr, text);
}

fn short_and(expr: &Expr, text: &mut String) {
    if let Expr::And(parts) = expr {
        if !expr.is_pattern_only() {
            join(parts, " AND ", text, short_unary);
            return;
        }
    }
    short_unary(expr, text);
}

fn short_unary(expr: &Expr, text: &mut String) {
    if expr.is_pattern_only() {
        text.push_str("{ ");
        pattern_or(expr, text);
        text.push_str(" }");
        return;
    }
    match expr {
        Expr::MatchAll => text.push('*'),
        Expr::Not(inner) => {
            text.push_str("NOT ");
            short_unary(inner, text);
        }
        Expr::FieldIs { path, pattern } => {
            let _ = write!(text, "{path}:{}", quote(pattern));
        }
        Expr::FreeText(phrase) => text.push_str(&quote(phrase)),
        Expr::And(_) | Expr::Or(_) | Expr::Compare { .. } => {
            text.push('(');
            short_or(expr, text);
            text.push(')');
        }
    }
}

fn join(parts: &[Expr], separator: &str, text: &mut String, each: fn(&Expr, &mut String)) {
    for (position, part) in parts.iter().enumerate() {
        if position > 0 {
            text.push_str(separator);
        }
        each(part, text);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, print, Expr};

    fn round_trips(query: &str) {
        let expr = parse(query).unwrap();
        let printed = print(&expr);
        assert_eq!(parse(&printed), Ok(expr), "{query} printed as {printed}");
    }

    #[test]
    fn parsed_queries_print_back() {
        for (_, _, pattern) in super::super::CIS_FILTERS {
            round_trips(pattern);
        }
        for query in [
            r#"{ $.a = "*x" || $.b != "y*" && $.c = "*z*" }"#,
            r#"{ $.a = "\*x\*" && $.b = "**" && $.c = "*" && $.d = "" && $.e = "q\"\\" }"#,
            "{ $.n >= -2.5E-1 && $.m < 1e300 && $.o = 0.1 && $.p != 7 }",
            "{ $.r = %^a.*b$% || $.s != %x% }",
            "{ $.a IS NULL && $.b NOT EXISTS && $.c IS TRUE && $.d IS FALSE }",
            r#"{ $.a[0][3].b = x && $["odd key.x"].c = y && $.d[].e = z }"#,
            r#"eventName:Delete* -userIdentity.type:Root "access denied" (a:b OR NOT c)"#,
            r#"x:"with \"quotes\" and \\" AND * AND ["key with space"]:v"#,
            "",
            "NOT NOT x",
        ] {
            round_trips(query);
        }
    }

    #[test]
    fn mixed_queries_print_with_embedded_patterns() {
        let pattern = parse(r#"{ $.a = "x" || $.b = 1 }"#).unwrap();
        let short = parse("c:d").unwrap();
        for expr in [
            Expr::and(pattern.clone(), short.clone()),
            Expr::or(short.clone(), pattern.clone()),
            Expr::negate(pattern.clone()),
            Expr::and(
                Expr::field_equals("resources[].ARN", "*arn*").unwrap(),
                short,
            ),
        ] {
            let printed = print(&expr);
            assert_eq!(parse(&printed), Ok(expr), "printed as {printed}");
        }
        assert!(print(&Expr::and(pattern, Expr::MatchAll)).starts_with('('));
    }
}
