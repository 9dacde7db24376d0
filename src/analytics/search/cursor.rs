//! The character cursor both parsers read with, the parse error, and the pieces of text both
//! syntaxes share: paths and double-quoted strings.
//!
//! Positions are counted in characters, not bytes, so the UI can point at them. This file must
//! not decide what a query means.

use std::fmt;

use super::expr::{is_key_char, Path, Step};

/// Why a query could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The offset of the offending character, in characters from the start of the input
    /// (the input's length when the text ended too early).
    pub position: usize,
    /// What was wrong, in words.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "at character {}: {}",
            self.position, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// How deeply parentheses, `NOT`s and embedded patterns may nest; deeper input is refused so
/// that no later tree walk can exhaust the stack.
pub(super) const MAX_NESTING: usize = 64;

/// A double-quoted string with its escapes resolved.
pub(super) struct Quoted {
    /// The text between the quotes.
    pub text: String,
    /// Whether it began with an unescaped `*`.
    pub starts_with_wildcard: bool,
    /// Whether it ended with an unescaped `*` (not the same one as at the start).
    pub ends_with_wildcard: bool,
}

/// A position in the input.
pub(super) struct Cursor {
    characters: Vec<char>,
    position: usize,
    /// Parentheses, `NOT`s and patterns currently open.
    pub depth: usize,
}

impl Cursor {
    pub fn new(input: &str) -> Self {
        Self {
            characters: input.chars().collect(),
            position: 0,
            depth: 0,
        }
    }

    pub fn position(&self) -> usize {
        self.position
    }

    pub fn set_position(&mut self, position: usize) {
        self.position = position.min(self.characters.len());
    }

    pub fn at_end(&self) -> bool {
        self.position >= self.characters.len()
    }

    pub fn peek(&self) -> Option<char> {
        self.characters.get(self.position).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<char> {
        self.characters.get(self.position + ahead).copied()
    }

    pub fn advance(&mut self) -> Option<char> {
        let character = self.peek()?;
        self.position += 1;
        Some(character)
    }

    pub fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.position += 1;
        }
    }

    /// Consumes `text` if the input continues with it.
    pub fn eat(&mut self, text: &str) -> bool {
        let matches = text
            .chars()
            .enumerate()
            .all(|(offset, expected)| self.peek_at(offset) == Some(expected));
        if matches {
            self.position += text.chars().count();
        }
        matches
    }

    /// Consumes `word` (compared case-insensitively) if it stands alone: not followed by a
    /// letter, digit or `_`.
    pub fn eat_keyword(&mut self, word: &str) -> bool {
        let length = word.chars().count();
        let matches = word.chars().enumerate().all(|(offset, expected)| {
            self.peek_at(offset)
                .is_some_and(|found| found.eq_ignore_ascii_case(&expected))
        });
        let ends = !self
            .peek_at(length)
            .is_some_and(|next| next.is_alphanumeric() || next == '_');
        if matches && ends {
            self.position += length;
        }
        matches && ends
    }

    /// The characters in `[start, end)`.
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.characters
            .get(start..end.min(self.characters.len()))
            .map(|characters| characters.iter().collect())
            .unwrap_or_default()
    }

    pub fn error(&self, message: &str) -> ParseError {
        self.error_at(self.position, message)
    }

    // A method, like `error`, so every error is built the same way at its call site.
    #[allow(clippy::unused_self)]
    pub fn error_at(&self, position: usize, message: &str) -> ParseError {
        ParseError {
            position,
            message: message.to_owned(),
        }
    }

    /// Enters one level of nesting, refusing to go past [`MAX_NESTING`].
    pub fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            Err(self.error("nested too deeply"))
        } else {
            Ok(())
        }
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A double-quoted string starting at the cursor; `\"`, `\\` and `\*` are escapes.
    pub fn quoted(&mut self) -> Result<Quoted, ParseError> {
        let start = self.position;
        if !self.eat("\"") {
            return Err(self.error("expected `\"`"));
        }
        let mut text = String::new();
        let mut starts_with_wildcard = false;
        let mut last_unescaped_star_at = None;
        let mut count = 0usize;
        loop {
            match self.advance() {
                None => return Err(self.error_at(start, "unterminated quoted string")),
                Some('"') => break,
                Some('\\') => match self.advance() {
                    Some(escaped @ ('"' | '\\' | '*')) => text.push(escaped),
                    _ => {
                        return Err(self.error_at(
                            self.position.saturating_sub(1),
                            "only \\\" \\\\ and \\* are escapes inside quotes",
                        ))
                    }
                },
                Some('*') => {
                    if count == 0 {
                        starts_with_wildcard = true;
                    }
                    last_unescaped_star_at = Some(count);
                    text.push('*');
                }
                Some(other) => text.push(other),
            }
            count += 1;
        }
        let ends_with_wildcard = count > 1 && last_unescaped_star_at == Some(count - 1);
        Ok(Quoted {
            text,
            starts_with_wildcard,
            ends_with_wildcard,
        })
    }

    /// A path's steps: a name or bracket first, then `.name` or brackets.
    pub fn path(&mut self) -> Result<Path, ParseError> {
        let mut steps = Vec::new();
        if self.peek() == Some('[') {
            steps.push(self.bracket_step()?);
        } else {
            steps.push(Step::Key(self.key()?));
        }
        self.more_steps(&mut steps)?;
        Ok(Path { steps })
    }

    /// Steps after `$`: each is `.name` or a bracket; at least one.
    pub fn steps_after_root(&mut self) -> Result<Path, ParseError> {
        let mut steps = Vec::new();
        self.more_steps(&mut steps)?;
        if steps.is_empty() {
            return Err(self.error("expected `.name` or `[` after `$`"));
        }
        Ok(Path { steps })
    }

    fn more_steps(&mut self, steps: &mut Vec<Step>) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some('.') => {
                    self.position += 1;
                    steps.push(Step::Key(self.key()?));
                }
                Some('[') => steps.push(self.bracket_step()?),
                _ => return Ok(()),
            }
        }
    }

    fn key(&mut self) -> Result<String, ParseError> {
        let start = self.position;
        while self.peek().is_some_and(is_key_char) {
            self.position += 1;
        }
        if start == self.position {
            return Err(self.error("expected a field name (letters, digits, `_`, `-`, `@`)"));
        }
        Ok(self.slice(start, self.position))
    }

    fn bracket_step(&mut self) -> Result<Step, ParseError> {
        let open = self.position;
        self.position += 1;
        let step = match self.peek() {
            Some(']') => Step::AnyIndex,
            Some('"') => Step::Key(self.quoted()?.text),
            Some(digit) if digit.is_ascii_digit() => {
                let start = self.position;
                while self
                    .peek()
                    .is_some_and(|character| character.is_ascii_digit())
                {
                    self.position += 1;
                }
                let digits = self.slice(start, self.position);
                Step::Index(
                    digits
                        .parse::<u32>()
                        .map_err(|_| self.error_at(start, "array index too large"))?,
                )
            }
            _ => return Err(self.error("expected an index, `]` or a quoted name after `[`")),
        };
        if !self.eat("]") {
            return Err(self.error_at(open, "`[` without its `]`"));
        }
        Ok(step)
    }
}
