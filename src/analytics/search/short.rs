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
