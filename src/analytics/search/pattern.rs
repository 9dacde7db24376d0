//! The CloudWatch Logs JSON filter-pattern parser: `{ ($.a = "x") || ($.b.c > 1e3) && … }`.
//!
//! Precedence is `()` over `&&` over `||`, so `a || b && c` reads `a || (b && c)`. Two small
//! extensions let the printer write every query: `[]` (any element) and `["odd name"]` steps in
//! selectors, and `\"`, `\\`, `\*` escapes in quoted values. This file must not evaluate.

use super::cursor::{Cursor, ParseError};
use super::expr::{Comparison, Expr, NumberOp, RegexPattern, TextMatch};

/// How many `%regex%` values one pattern may hold.
const MAX_REGEXES: usize = 2;

/// Parses a whole pattern, `{` to `}`, at the cursor; the cursor ends after the `}`.
pub(super) fn pattern(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    cursor.skip_spaces();
    let open = cursor.position();
    if !cursor.eat("{") {
        return Err(cursor.error("a filter pattern starts with `{`"));
    }
    cursor.enter()?;
    let mut regexes = 0usize;
    let expr = or_expr(cursor, &mut regexes)?;
    cursor.skip_spaces();
    if !cursor.eat("}") {
        return Err(if cursor.at_end() {
            cursor.error_at(open, "`{` without its `}`")
        } else {
            cursor.error("expected `&&`, `||` or `}`")
        });
    }
    cursor.leave();
    Ok(expr)
}

fn or_expr(cursor: &mut Cursor, regexes: &mut usize) -> Result<Expr, ParseError> {
    let mut expr = and_expr(cursor, regexes)?;
    loop {
        cursor.skip_spaces();
        if !cursor.eat("||") {
            return Ok(expr);
        }
        expr = Expr::or(expr, and_expr(cursor, regexes)?);
    }
}

fn and_expr(cursor: &mut Cursor, regexes: &mut usize) -> Result<Expr, ParseError> {
    let mut expr = primary(cursor, regexes)?;
    loop {
        cursor.skip_spaces();
        if !cursor.eat("&&") {
            return Ok(expr);
        }
        expr = Expr::and(expr, primary(cursor, regexes)?);
    }
}

fn primary(cursor: &mut Cursor, regexes: &mut usize) -> Result<Expr, ParseError> {
    cursor.skip_spaces();
    let start = cursor.position();
    if cursor.eat("(") {
        cursor.enter()?;
        let expr = or_expr(cursor, regexes)?;
        cursor.skip_spaces();
        if !cursor.eat(")") {
            return Err(if cursor.at_end() {
                cursor.error_at(start, "`(` without its `)`")
            } else {
                cursor.error("expected `&&`, `||` or `)`")
            });
        }
        cursor.leave();
        return Ok(expr);
    }
    if !cursor.eat("$") {
        return Err(cursor.error("expected a selector starting with `$`, or `(`"));
    }
    let path = cursor.steps_after_root()?;
    cursor.skip_spaces();
    let comparison = comparison(cursor, regexes)?;
    Ok(Expr::Compare { path, comparison })
}

fn comparison(cursor: &mut Cursor, regexes: &mut usize) -> Result<Comparison, ParseError> {
    let keyword_at = cursor.position();
    if cursor.eat_keyword("IS") {
        cursor.skip_spaces();
        return if cursor.eat_keyword("NULL") {
            Ok(Comparison::IsNull)
        } else if cursor.eat_keyword("TRUE") {
            Ok(Comparison::IsTrue)
        } else if cursor.eat_keyword("FALSE") {
            Ok(Comparison::IsFalse)
        } else {
            Err(cursor.error("expected NULL, TRUE or FALSE after IS"))
        };
    }
    if cursor.eat_keyword("NOT") {
        cursor.skip_spaces();
        return if cursor.eat_keyword("EXISTS") {
            Ok(Comparison::NotExists)
        } else {
            Err(cursor.error("expected EXISTS after NOT"))
        };
    }
    let op = [
        ("!=", NumberOp::NotEqual),
        ("<=", NumberOp::LessOrEqual),
        (">=", NumberOp::GreaterOrEqual),
        ("=", NumberOp::Equal),
        ("<", NumberOp::Less),
        (">", NumberOp::Greater),
    ]
    .into_iter()
    .find_map(|(symbol, op)| cursor.eat(symbol).then_some(op))
    .ok_or_else(|| {
        cursor.error_at(
            keyword_at,
            "expected an operator (= != < > <= >=), IS NULL, IS TRUE, IS FALSE or NOT EXISTS",
        )
    })?;
    cursor.skip_spaces();
    let value_at = cursor.position();
    let textual = matches!(op, NumberOp::Equal | NumberOp::NotEqual);
    let negated = op == NumberOp::NotEqual;
    match cursor.peek() {
        Some('"') => {
            let quoted = cursor.quoted()?;
            if !textual {
                return Err(cursor.error_at(value_at, "`<`, `>`, `<=` and `>=` need a number"));
            }
            let text = quoted.text;
            let inner = |from: usize, to_end: usize| -> String {
                let characters: Vec<char> = text.chars().collect();
                characters
                    .get(from..characters.len().saturating_sub(to_end))
                    .map(|part| part.iter().collect())
                    .unwrap_or_default()
            };
            let text_match = match (quoted.starts_with_wildcard, quoted.ends_with_wildcard) {
                (true, true) => TextMatch::Contains(inner(1, 1)),
                (true, false) => TextMatch::Suffix(inner(1, 0)),
                (false, true) => TextMatch::Prefix(inner(0, 1)),
                (false, false) => TextMatch::Exact(text.clone()),
            };
            Ok(Comparison::Text {
                negated,
                text: text_match,
            })
        }
        Some('%') => {
            if !textual {
                return Err(cursor.error_at(value_at, "a regular expression needs `=` or `!=`"));
            }
            *regexes += 1;
            if *regexes > MAX_REGEXES {
                return Err(cursor.error_at(value_at, "at most 2 regular expressions per pattern"));
            }
            cursor.advance();
            let start = cursor.position();
            while cursor.peek().is_some_and(|character| character != '%') {
                cursor.advance();
            }
            if !cursor.eat("%") {
                return Err(cursor.error_at(value_at, "`%` without its closing `%`"));
            }
            let source = cursor.slice(start, cursor.position() - 1);
            if let Some(offset) = source.chars().position(|c| c == '(' || c == ')') {
                return Err(cursor.error_at(
                    start + offset,
                    "groups `( )` are not allowed in a regular expression",
                ));
            }
            let regex = RegexPattern::new(&source).map_err(|message| {
                cursor.error_at(start, &format!("bad regular expression: {message}"))
            })?;
            Ok(Comparison::Regex { negated, regex })
        }
        _ => unquoted(cursor, op, value_at),
    }
}

/// An unquoted value: a number (numeric comparison) or letters, digits, `.`, `-`, `_`, `+`
/// (string comparison, exact).
fn unquoted(cursor: &mut Cursor, op: NumberOp, value_at: usize) -> Result<Comparison, ParseError> {
    while cursor
        .peek()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
    {
        cursor.advance();
    }
    let text = cursor.slice(value_at, cursor.position());
    let stops_cleanly = cursor
        .peek()
        .is_none_or(|c| c.is_whitespace() || matches!(c, ')' | '}' | '&' | '|'));
    if !stops_cleanly {
        return Err(cursor.error(
            "a value with characters other than letters, digits, `.`, `-`, `_` must be double-quoted",
        ));
    }
    if text.is_empty() {
        return Err(cursor.error_at(value_at, "expected a value"));
    }
    if is_number_literal(&text) {
        let value: f64 = text
            .parse()
            .map_err(|_| cursor.error_at(value_at, "not a number"))?;
        if !value.is_finite() {
            return Err(cursor.error_at(value_at, "number out of range"));
        }
        return Ok(Comparison::Number { op, value });
    }
    if !matches!(op, NumberOp::Equal | NumberOp::NotEqual) {
        return Err(cursor.error_at(value_at, "`<`, `>`, `<=` and `>=` need a number"));
    }
    Ok(Comparison::Text {
        negated: op == NumberOp::NotEqual,
        text: TextMatch::Exact(text),
    })
}

/// Whether `text` is a JSON-style number: `-?digits(.digits)?([eE][+-]?digits)?`.
pub(super) fn is_number_literal(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0usize;
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    if !digits(&mut at) {
        return false;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return false;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if !digits(&mut at) {
            return false;
        }
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{error_position, selected, selects};

    #[test]
    fn and_binds_tighter_than_or() {
        let records = [
            json!({"a": 1, "b": 0, "c": 0}),
            json!({"a": 0, "b": 1, "c": 0}),
            json!({"a": 0, "b": 1, "c": 1}),
            json!({"a": 0, "b": 0, "c": 1}),
        ];
        assert_eq!(
            selected("{ $.a = 1 || $.b = 1 && $.c = 1 }", &records),
            [0, 2]
        );
        assert_eq!(
            selected("{ ($.a = 1 || $.b = 1) && $.c = 1 }", &records),
            [2]
        );
        assert_eq!(
            selected("{ $.b = 1 && $.c = 1 || $.a = 1 }", &records),
            [0, 2]
        );
    }

    #[test]
    fn wildcards_work_only_at_the_ends() {
        let records = [
            json!({"e": "Client.UnauthorizedOperation"}),
            json!({"e": "AccessDeniedException"}),
            json!({"e": "a*b"}),
            json!({"e": "axb"}),
            json!({"e": "xUnauthorizedy"}),
        ];
        assert_eq!(
            selected(r#"{ $.e = "*UnauthorizedOperation" }"#, &records),
            [0]
        );
        assert_eq!(selected(r#"{ $.e = "AccessDenied*" }"#, &records), [1]);
        assert_eq!(selected(r#"{ $.e = "*Unauthorized*" }"#, &records), [0, 4]);
        assert_eq!(selected(r#"{ $.e = "a*b" }"#, &records), [2]);
        assert_eq!(selected(r#"{ $.e = "*" }"#, &records), [0, 1, 2, 3, 4]);
        assert_eq!(
            selected(r#"{ $.e != "AccessDenied*" }"#, &records),
            [0, 2, 3, 4]
        );
        assert_eq!(selected(r#"{ $.e = "\*" }"#, &records), [] as [u32; 0]);
    }

    #[test]
    fn not_exists_and_is_null_tell_null_missing_and_objects_apart() {
        let records = [
            json!({"k": null}),
            json!({}),
            json!({"k": {"inner": 1}}),
            json!({"k": []}),
            json!({"k": "v"}),
        ];
        assert_eq!(selected("{ $.k IS NULL }", &records), [0]);
        assert_eq!(selected("{ $.k NOT EXISTS }", &records), [1]);
        assert_eq!(selected("{ $.k.inner NOT EXISTS }", &records), [0, 1, 3, 4]);
        assert_eq!(selected(r#"{ $.k != "x" }"#, &records), [4]);
        assert_eq!(selected("{ $.k = 1 }", &records), [] as [u32; 0]);
        assert_eq!(selected(r#"{ $.k != "v" }"#, &records), [] as [u32; 0]);
    }

    #[test]
    fn numbers_compare_by_value_with_exponents() {
        let records = [
            json!({"n": 1000}),
            json!({"n": 999.5}),
            json!({"n": -0.25}),
            json!({"n": "1000"}),
            json!({"n": 1e3}),
        ];
        assert_eq!(selected("{ $.n = 1e3 }", &records), [0, 4]);
        assert_eq!(selected("{ $.n >= 1E3 }", &records), [0, 4]);
        assert_eq!(selected("{ $.n < 1000 }", &records), [1, 2]);
        assert_eq!(selected("{ $.n <= -2.5E-1 }", &records), [2]);
        assert_eq!(selected("{ $.n > -2.5e-1 }", &records), [0, 1, 4]);
        assert_eq!(selected("{ $.n != 1000 }", &records), [1, 2]);
        // A quoted value is a string comparison: against a number, its JSON text.
        assert_eq!(selected(r#"{ $.n = "1000" }"#, &records), [0, 3]);
        assert_eq!(selected(r#"{ $.n = "999.5" }"#, &records), [1]);
    }

    #[test]
    fn is_true_and_is_false_want_booleans() {
        let records = [
            json!({"b": true}),
            json!({"b": false}),
            json!({"b": "true"}),
        ];
        assert_eq!(selected("{ $.b IS TRUE }", &records), [0]);
        assert_eq!(selected("{ $.b IS FALSE }", &records), [1]);
        assert_eq!(selected("{ $.b = true }", &records), [0, 2]);
    }

    #[test]
    fn regexes_search_and_are_limited_to_two() {
        let records = [json!({"e": "DeleteBucket"}), json!({"e": "PutBucket"})];
        assert_eq!(selected("{ $.e = %Delete.*% }", &records), [0]);
        assert_eq!(selected("{ $.e != %^Delete% }", &records), [1]);
        assert_eq!(selected("{ $.e = %Bucket% && $.e = %^P% }", &records), [1]);
        let third = "{ $.e = %a% || $.e = %b% || $.e = %c% }";
        assert_eq!(error_position(third), third.find("%c").unwrap());
        assert_eq!(error_position("{ $.e = %(a)% }"), 9);
        assert_eq!(error_position("{ $.e = %[% }"), 9);
    }

    #[test]
    fn selectors_on_objects_and_arrays_never_match() {
        let record = json!({"o": {"a": "x"}, "arr": ["x", "y"]});
        assert!(!selects(r#"{ $.o = "x" }"#, &record));
        assert!(!selects(r#"{ $.o != "x" }"#, &record));
        assert!(!selects(r#"{ $.arr != "x" }"#, &record));
        assert!(!selects("{ $.o IS NULL }", &record));
        assert!(selects(r#"{ $.arr[1] = "y" }"#, &record));
        assert!(!selects(r#"{ $.arr[0] = "y" }"#, &record));
        assert!(!selects(r#"{ $.arr[2] != "y" }"#, &record));
    }

    #[test]
    fn array_indexes_nest() {
        let record = json!({"m": [[1, 2], [3, {"k-1_@": "v"}]]});
        assert!(selects("{ $.m[0][1] = 2 }", &record));
        assert!(selects("{ $.m[1][1].k-1_@ = v }", &record));
        assert!(!selects("{ $.m[1][0] = 2 }", &record));
    }

    #[test]
    fn matching_is_case_sensitive() {
        let record = json!({"eventName": "CreateTrail"});
        assert!(selects("{ $.eventName = CreateTrail }", &record));
        assert!(!selects("{ $.eventName = createtrail }", &record));
        assert!(!selects("{ $.eventname = CreateTrail }", &record));
        assert!(!selects(r#"{ $.eventName = "create*" }"#, &record));
    }

    #[test]
    fn a_missing_selector_never_matches_a_comparison() {
        let record = json!({"a": 1});
        assert!(!selects(r#"{ $.b != "x" }"#, &record));
        assert!(!selects("{ $.b != 1 }", &record));
        assert!(selects("{ $.b NOT EXISTS }", &record));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(error_position("{ ($.a = 1 }"), 11);
        assert_eq!(error_position("{ ($.a = 1"), 2);
        assert_eq!(error_position("{ $.a = 1"), 0);
        assert_eq!(error_position("{ $.a = }"), 8);
        assert_eq!(error_position("{ $.a = foo/bar }"), 11);
        assert_eq!(error_position("{ $.a = 1 } x"), 12);
        assert_eq!(error_position("{ $.a = 1 ) }"), 10);
        assert_eq!(error_position("{ $.a < \"x\" }"), 8);
        assert_eq!(error_position("{ $.a < abc }"), 8);
        assert_eq!(error_position("{ }"), 2);
        assert_eq!(error_position("{ a = 1 }"), 2);
        assert_eq!(error_position("{ $ = 1 }"), 3);
        assert_eq!(error_position("{ $.a IS MAYBE }"), 9);
        assert_eq!(error_position("{ $.a = 1e999 }"), 8);
        assert_eq!(error_position("{ $.é = 1 }"), 4);
        // Positions count characters, not bytes.
        assert_eq!(error_position("{ $.a = \"é\" && x }"), 15);
        let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(100), ")".repeat(100));
        assert!(super::super::parse(&deep).is_err());
    }

    #[test]
    fn unquoted_values_may_hold_dots_dashes_and_underscores() {
        let record = json!({"eventSource": "kms.amazonaws.com", "v": "a-b_c"});
        assert!(selects("{ $.eventSource=kms.amazonaws.com }", &record));
        assert!(selects("{$.v=a-b_c}", &record));
    }
}
