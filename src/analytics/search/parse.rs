//! The entry point that picks the syntax: input whose first non-space character is `{` is a
//! CloudWatch Logs filter pattern, anything else the short syntax, blank input matches all.
//!
//! This file only dispatches; the grammars are in `pattern` and `short`.

use super::cursor::{Cursor, ParseError};
use super::expr::Expr;
use super::{pattern, short};

/// Parses a query in either syntax. Blank input gives [`Expr::MatchAll`].
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let mut cursor = Cursor::new(input);
    cursor.skip_spaces();
    if cursor.at_end() {
        return Ok(Expr::MatchAll);
    }
    if cursor.peek() == Some('{') {
        let expr = pattern::pattern(&mut cursor)?;
        cursor.skip_spaces();
        if !cursor.at_end() {
            return Err(cursor.error("unexpected text after the pattern's closing `}`"));
        }
        return Ok(expr);
    }
    short::query(&mut cursor)
}
