//! The query tree both front-ends produce, and the constructors that keep it in the one shape
//! the parsers build (`And`/`Or` flattened, never nested in themselves).
//!
//! This file only describes queries; it must not match records (see `eval` and `index`) nor
//! parse text (see `parse`).

use std::fmt;

/// One step of a path into a JSON record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// An object member by name.
    Key(String),
    /// One element of an array by position.
    Index(u32),
    /// Every element of an array (written `[]`).
    AnyIndex,
}

/// A path into a JSON record: `userIdentity.type`, `resources[0].ARN`, `resources[].ARN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path {
    /// The steps from the record's root; never empty in a parsed query.
    pub steps: Vec<Step>,
}

/// How a string value is compared in a filter pattern: `*` is a wildcard only at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    /// `"abc"`: the whole text.
    Exact(String),
    /// `"abc*"`: the text starts with it.
    Prefix(String),
    /// `"*abc"`: the text ends with it.
    Suffix(String),
    /// `"*abc*"`: the text contains it.
    Contains(String),
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl NumberOp {
    /// The operator as written in a filter pattern.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::NotEqual => "!=",
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
        }
    }

    /// Whether `left op right` holds.
    // Exact comparison is the meaning of `=` on numbers read from the same text.
    #[allow(clippy::float_cmp)]
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Self::Equal => left == right,
            Self::NotEqual => left != right,
            Self::Less => left < right,
            Self::LessOrEqual => left <= right,
            Self::Greater => left > right,
            Self::GreaterOrEqual => left >= right,
        }
    }
}

/// A compiled regular expression that compares equal by its source text.
#[derive(Clone)]
pub struct RegexPattern {
    source: String,
    compiled: regex_lite::Regex,
}

impl RegexPattern {
    /// Compiles `source`; the error is the compiler's message.
    pub fn new(source: &str) -> Result<Self, String> {
        regex_lite::Regex::new(source)
            .map(|compiled| Self {
                source: source.to_owned(),
                compiled,
            })
            .map_err(|error| error.to_string())
    }

    /// The text between the `%` signs.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the expression matches somewhere in `text` (unanchored, like a search).
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled.is_match(text)
    }
}

impl PartialEq for RegexPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for RegexPattern {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "%{}%", self.source)
    }
}

/// What a filter-pattern comparison asks of the value at its selector.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// `= "text"` (`negated`: `!= "text"`); case-sensitive.
    Text {
        /// `!=` rather than `=`.
        negated: bool,
        /// The text and where its wildcards are.
        text: TextMatch,
    },
    /// `= 1`, `< 2.5e3`, …
    Number {
        /// The operator.
        op: NumberOp,
        /// The number compared against; always finite.
        value: f64,
    },
    /// `= %regex%` (`negated`: `!= %regex%`).
    Regex {
        /// `!=` rather than `=`.
        negated: bool,
        /// The expression.
        regex: RegexPattern,
    },
    /// `IS NULL`: the value is JSON `null`.
    IsNull,
    /// `IS TRUE`
    IsTrue,
    /// `IS FALSE`
    IsFalse,
    /// `NOT EXISTS`: the selector resolves to nothing at all.
    NotExists,
}

/// A parsed query.
///
/// Leaves hold a single path; a path with `[]` steps (or, for [`Expr::FieldIs`], a name step
/// applied to an array) resolves to several values, and the leaf holds when any of them passes.
/// `NOT EXISTS` is the exception: it holds when the path resolves to nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every event (the empty query, or `*` in the short syntax).
    MatchAll,
    /// All of at least two sub-queries, none itself an `And`.
    And(Vec<Expr>),
    /// Any of at least two sub-queries, none itself an `Or`.
    Or(Vec<Expr>),
    /// The events the sub-query does not select.
    Not(Box<Expr>),
    /// A filter-pattern comparison (`$.a.b = "x"`): strict path, case-sensitive.
    Compare {
        /// The selector, without its `$`.
        path: Path,
        /// The test applied to the values found there.
        comparison: Comparison,
    },
    /// A short-syntax `field:value`: case-insensitive equality, `*` matching any run of
    /// characters anywhere; a name step applied to an array looks into every element.
    FieldIs {
        /// The field path.
        path: Path,
        /// The value, `*` included.
        pattern: String,
    },
    /// A short-syntax bare word or quoted phrase: a case-insensitive substring of any string
    /// value of the record, or of the JSON text of any number.
    FreeText(String),
}

impl Expr {
    /// `left AND right`, flattened so an `And` never directly holds an `And`.
    #[must_use]
    pub fn and(left: Expr, right: Expr) -> Expr {
        let mut parts = Vec::new();
        for part in [left, right] {
            match part {
                Expr::And(inner) => parts.extend(inner),
                other => parts.push(other),
            }
        }
        Expr::And(parts)
    }

    /// `left OR right`, flattened so an `Or` never directly holds an `Or`.
    #[must_use]
    pub fn or(left: Expr, right: Expr) -> Expr {
        let mut parts = Vec::new();
        for part in [left, right] {
            match part {
                Expr::Or(inner) => parts.extend(inner),
                other => parts.push(other),
            }
        }
        Expr::Or(parts)
    }

    /// `NOT inner`.
    #[must_use]
    pub fn negate(inner: Expr) -> Expr {
        Expr::Not(Box::new(inner))
    }

    /// The query a facet click makes: the value at `generalised_path` (as listed by
    /// `TermIndex::paths`, `[]` for any element) is exactly `value_text`, case-sensitively.
    /// It selects exactly the events `TermIndex::top_values` counted for that value.
    pub fn field_equals(
        generalised_path: &str,
        value_text: &str,
    ) -> Result<Expr, super::ParseError> {
        Ok(Expr::Compare {
            path: Path::parse(generalised_path)?,
            comparison: Comparison::Text {
                negated: false,
                text: TextMatch::Exact(value_text.to_owned()),
            },
        })
    }

    /// Whether the filter-pattern syntax alone can write this query (no `NOT`, no short-syntax
    /// leaves, no match-all).
    pub fn is_pattern_only(&self) -> bool {
        match self {
            Expr::Compare { .. } => true,
            Expr::And(parts) | Expr::Or(parts) => parts.iter().all(Expr::is_pattern_only),
            Expr::MatchAll | Expr::Not(_) | Expr::FieldIs { .. } | Expr::FreeText(_) => false,
        }
    }
}

impl Path {
    /// Parses a path as written after `$` in a filter pattern or before `:` in the short
    /// syntax: `a.b`, `a[0].b`, `a[].b`, `["odd key"].b`.
    pub fn parse(text: &str) -> Result<Path, super::ParseError> {
        let mut cursor = super::cursor::Cursor::new(text);
        let path = cursor.path()?;
        cursor.skip_spaces();
        if cursor.at_end() {
            Ok(path)
        } else {
            Err(cursor.error("unexpected text after the path"))
        }
    }
}

impl fmt::Display for Path {
    /// Plain names joined by `.`, other names as `["…"]`, indexes `[n]`, any element `[]`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(name) if is_plain_key(name) => {
                    if position > 0 {
                        formatter.write_str(".")?;
                    }
                    formatter.write_str(name)?;
                }
                Step::Key(name) => write!(formatter, "[{}]", quote(name))?,
                Step::Index(index) => write!(formatter, "[{index}]")?,
                Step::AnyIndex => formatter.write_str("[]")?,
            }
        }
        Ok(())
    }
}

/// Whether a member name can be written bare in a path.
pub(super) fn is_plain_key(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_key_char)
}

/// The characters of a bare member name.
pub(super) fn is_key_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '_' | '-' | '@')
}

/// `text` in double quotes, with `"` and `\` escaped.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        if matches!(character, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    quoted.push('"');
    quoted
}
