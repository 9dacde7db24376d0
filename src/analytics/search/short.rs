//! The short syntax for fast typing: `eventName:Delete* -userIdentity.type:Root "access denied"
//! (errorCode:AccessDenied OR errorCode:*Unauthorized*)`.
//!
//! Adjacent terms are joined by an implicit `AND`; `NOT` and `-` bind tightest, then `AND`,
//! then `OR`. A `{ … }` term embeds a filter pattern (the printer uses it to write queries
//! that mix both syntaxes); a lone `*` is the match-all query. This file must not evaluate.

use super::cursor::{Cursor, ParseError};
use super::expr::Expr;
use super::pattern::pattern;

/// Parses a whole short-syntax query; the input must not be blank.
pub(super) fn query(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    let expr = or_expr(cursor)?;
    cursor.skip_spaces();
    if cursor.at_end() {
        Ok(expr)
    } else if cursor.peek() == Some(')') {
        Err(cursor.error("`)` without its `(`"))
    } else {
        Err(cursor.error("unexpected text"))
    }
}

/// Whether a character can be part of a bare word.
fn is_word_char(character: char) -> bool {
    !character.is_whitespace() && !matches!(character, '(' | ')' | '"')
}

/// The bare word at the cursor, without consuming it.
fn peek_word(cursor: &Cursor) -> String {
    let mut word = String::new();
    let mut ahead = 0;
    while let Some(character) = cursor.peek_at(ahead).filter(|&c| is_word_char(c)) {
        word.push(character);
        ahead += 1;
    }
    word
}

fn or_expr(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    let mut expr = and_expr(cursor)?;
    loop {
        cursor.skip_spaces();
        if peek_word(cursor) != "OR" {
            return Ok(expr);
        }
        cursor.eat("OR");
        expr = Expr::or(expr, and_expr(cursor)?);
    }
}

fn and_expr(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    let mut expr = unary(cursor)?;
    loop {
        cursor.skip_spaces();
        let word = peek_word(cursor);
        if cursor.at_end() || cursor.peek() == Some(')') || word == "OR" {
            return Ok(expr);
        }
        if word == "AND" {
            cursor.eat("AND");
        }
        expr = Expr::and(expr, unary(cursor)?);
    }
}

fn unary(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    cursor.skip_spaces();
    let negation = if peek_word(cursor) == "NOT" {
        cursor.eat("NOT");
        true
    } else {
        cursor.peek() == Some('-')
            && cursor
                .peek_at(1)
                .is_some_and(|next| !next.is_whitespace() && next != ')')
            && cursor.eat("-")
    };
    if negation {
        cursor.enter()?;
        let inner = unary(cursor)?;
        cursor.leave();
        return Ok(Expr::negate(inner));
    }
    primary(cursor)
}

fn primary(cursor: &mut Cursor) -> Result<Expr, ParseError> {
    cursor.skip_spaces();
    let start = cursor.position();
    match cursor.peek() {
        None => Err(cursor.error("expected a term")),
        Some('(') => {
            cursor.advance();
            cursor.enter()?;
            cursor.skip_spaces();
            if cursor.peek() == Some(')') {
                return Err(cursor.error("empty parentheses"));
            }
            let expr = or_expr(cursor)?;
            cursor.skip_spaces();
            if !cursor.eat(")") {
                return Err(if cursor.at_end() {
                    cursor.error_at(start, "`(` without its `)`")
                } else {
                    cursor.error("expected `)`")
                });
            }
            cursor.leave();
            Ok(expr)
        }
        Some(')') => Err(cursor.error("`)` without its `(`")),
        Some('{') => pattern(cursor),
        Some('"') => Ok(Expr::FreeText(cursor.quoted()?.text)),
        Some(_) => {
            let word = peek_word(cursor);
            if matches!(word.as_str(), "AND" | "OR") {
                return Err(cursor.error(&format!("expected a term before `{word}`")));
            }
            if word == "*" {
                cursor.advance();
                return Ok(Expr::MatchAll);
            }
            if let Some(field) = field_term(cursor)? {
                return Ok(field);
            }
            for _ in word.chars() {
                cursor.advance();
            }
            Ok(Expr::FreeText(word))
        }
    }
}

/// `path:value` or `path:"value"` at the cursor; `None` (cursor unmoved) when the word there
/// is not a path followed by `:`.
fn field_term(cursor: &mut Cursor) -> Result<Option<Expr>, ParseError> {
    let start = cursor.position();
    let Ok(path) = cursor.path() else {
        cursor.set_position(start);
        return Ok(None);
    };
    if !cursor.eat(":") {
        cursor.set_position(start);
        return Ok(None);
    }
    let pattern = if cursor.peek() == Some('"') {
        cursor.quoted()?.text
    } else {
        let value = peek_word(cursor);
        if value.is_empty() {
            return Err(cursor.error("missing value after `:`"));
        }
        for _ in value.chars() {
            cursor.advance();
        }
        value
    };
    Ok(Some(Expr::FieldIs { path, pattern }))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::expr::{Expr, Path, Step};
    use super::super::parse;
    use super::super::test_support::{error_position, selected};

    fn records() -> Vec<Value> {
        vec![
            json!({
                "eventName": "DeleteBucket",
                "userIdentity": {"type": "Root"},
                "requestParameters": {"bucketName": "payroll-archive"},
                "resources": [{"ARN": "arn:aws:s3:::payroll-archive"}, {"ARN": "arn:aws:s3:::logs"}],
            }),
            json!({
                "eventName": "PutObject",
                "userIdentity": {"type": "IAMUser", "userName": "Alice Smith"},
                "requestParameters": {"bucketName": "logs", "size": 1024},
                "resources": [{"ARN": "arn:aws:s3:::logs"}],
            }),
            json!({
                "eventName": "ConsoleLogin",
                "userIdentity": {"type": "IAMUser"},
                "additionalEventData": {"MFAUsed": "No"},
            }),
        ]
    }

    #[test]
    fn field_value_ignores_case_and_takes_wildcards_anywhere() {
        let records = records();
        assert_eq!(selected("eventName:deletebucket", &records), [0]);
        assert_eq!(selected("eventName:*Object", &records), [1]);
        assert_eq!(selected("eventName:*o*n", &records), [2]);
        assert_eq!(selected("eventName:Delete", &records), [] as [u32; 0]);
        assert_eq!(selected("additionalEventData.MFAUsed:no", &records), [2]);
        assert_eq!(selected("requestParameters.size:1024", &records), [1]);
        assert_eq!(selected("missing.field:*", &records), [] as [u32; 0]);
    }

    #[test]
    fn negation_includes_events_without_the_field() {
        let records = records();
        assert_eq!(selected("-userIdentity.type:root", &records), [1, 2]);
        assert_eq!(
            selected("-additionalEventData.MFAUsed:No", &records),
            [0, 1]
        );
        assert_eq!(selected("NOT eventName:PutObject", &records), [0, 2]);
    }

    #[test]
    fn quoted_values_and_phrases() {
        let records = records();
        assert_eq!(
            selected(r#"userIdentity.userName:"alice smith""#, &records),
            [1]
        );
        assert_eq!(selected(r#""ice sm""#, &records), [1]);
        assert_eq!(selected(r#""alice jones""#, &records), [] as [u32; 0]);
    }

    #[test]
    fn free_text_finds_nested_strings_and_numbers_not_keys() {
        let records = records();
        assert_eq!(selected("PAYROLL", &records), [0]);
        assert_eq!(selected("logs", &records), [0, 1]);
        assert_eq!(selected("102", &records), [1]);
        assert_eq!(selected("bucketName", &records), [] as [u32; 0]);
        assert_eq!(selected("payroll logs", &records), [0]);
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tightest() {
        let records = records();
        assert_eq!(
            selected(
                "eventName:PutObject OR eventName:ConsoleLogin userIdentity.type:root",
                &records
            ),
            [1]
        );
        assert_eq!(
            selected(
                "(eventName:PutObject OR eventName:ConsoleLogin) AND userIdentity.type:iamuser",
                &records
            ),
            [1, 2]
        );
        assert_eq!(
            selected(
                "NOT eventName:PutObject AND userIdentity.type:iamuser",
                &records
            ),
            [2]
        );
        assert_eq!(
            selected(
                "NOT (eventName:PutObject OR userIdentity.type:root)",
                &records
            ),
            [2]
        );
        assert_eq!(selected("logs OR MFAUsed:no", &records), [0, 1]);
        assert_eq!(selected("*", &records), [0, 1, 2]);
    }

    #[test]
    fn array_paths_look_into_every_element_or_one() {
        let records = records();
        assert_eq!(selected("resources[].ARN:*logs", &records), [0, 1]);
        assert_eq!(selected("resources.ARN:*logs", &records), [0, 1]);
        assert_eq!(selected("resources[0].ARN:*logs", &records), [1]);
        assert_eq!(selected("resources[1].ARN:*logs", &records), [0]);
        assert_eq!(selected("resources.ARN:*payroll*", &records), [0]);
        assert_eq!(selected("-resources.ARN:*payroll*", &records), [1, 2]);
    }

    #[test]
    fn parses_to_the_expected_tree() {
        let expected = Expr::And(vec![
            Expr::FieldIs {
                path: Path {
                    steps: vec![
                        Step::Key("resources".into()),
                        Step::AnyIndex,
                        Step::Key("ARN".into()),
                    ],
                },
                pattern: "a b".into(),
            },
            Expr::negate(Expr::FreeText("x".into())),
            Expr::FreeText("and".into()),
        ]);
        assert_eq!(parse(r#"resources[].ARN:"a b" -x and"#), Ok(expected));
        assert_eq!(parse("   "), Ok(Expr::MatchAll));
        assert_eq!(parse("-"), Ok(Expr::FreeText("-".into())));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(error_position("(a OR b"), 0);
        assert_eq!(error_position("a OR b)"), 6);
        assert_eq!(error_position("eventName: x"), 10);
        assert_eq!(error_position("a AND"), 5);
        assert_eq!(error_position("OR a"), 0);
        assert_eq!(error_position("a \"b"), 2);
        assert_eq!(error_position("()"), 1);
        assert_eq!(error_position("x {$.a = 1"), 2);
    }
}
