//! The tests a single JSON leaf (string, number, bool, null) passes, shared by the naive
//! evaluator and the index so that both judge every value the same way.
//!
//! Comparisons of text against a number or a bool use the leaf's JSON text (`1.5`, `true`);
//! numeric comparisons never match a string; `null` passes only `IS NULL`. Objects and arrays
//! are not leaves and pass nothing here. This file must not walk records or postings.

use super::expr::{Comparison, TextMatch};

/// One scalar value as both the evaluator and the index see it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Leaf<'a> {
    /// A JSON string.
    String(&'a str),
    /// A JSON number: its JSON text and its value.
    Number(&'a str, f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Leaf<'_> {
    /// The text string comparisons see: the string itself, or a number's or bool's JSON
    /// text; `None` for `null`.
    fn text(&self) -> Option<&str> {
        match self {
            Leaf::String(text) | Leaf::Number(text, _) => Some(text),
            Leaf::Bool(true) => Some("true"),
            Leaf::Bool(false) => Some("false"),
            Leaf::Null => None,
        }
    }
}

/// The JSON text and value of a number, computed the same way everywhere.
pub(super) fn number_parts(number: &serde_json::Number) -> (String, f64) {
    let text = number.to_string();
    let value = number_value(&text);
    (text, value)
}

/// The value of a number's JSON text (NaN, which compares false to everything, if unreadable).
pub(super) fn number_value(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// Whether `leaf` passes a filter-pattern comparison other than `NOT EXISTS` (which is about
/// the absence of values, not a test of one).
pub(super) fn passes_comparison(comparison: &Comparison, leaf: Leaf<'_>) -> bool {
    match comparison {
        Comparison::Text { negated, text } => leaf
            .text()
            .is_some_and(|value| text_matches(text, value) != *negated),
        Comparison::Number { op, value } => match leaf {
            Leaf::Number(_, number) => op.holds(number, *value),
            _ => false,
        },
        Comparison::Regex { negated, regex } => leaf
            .text()
            .is_some_and(|value| regex.is_match(value) != *negated),
        Comparison::IsNull => matches!(leaf, Leaf::Null),
        Comparison::IsTrue => matches!(leaf, Leaf::Bool(true)),
        Comparison::IsFalse => matches!(leaf, Leaf::Bool(false)),
        Comparison::NotExists => false,
    }
}

/// Case-sensitive filter-pattern text matching.
pub(super) fn text_matches(pattern: &TextMatch, value: &str) -> bool {
    match pattern {
        TextMatch::Exact(text) => value == text,
        TextMatch::Prefix(text) => value.starts_with(text.as_str()),
        TextMatch::Suffix(text) => value.ends_with(text.as_str()),
        TextMatch::Contains(text) => value.contains(text.as_str()),
    }
}

/// A short-syntax `field:value` pattern, lower-cased once and split at its `*`s.
pub(super) struct Glob {
    segments: Vec<String>,
}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        Self {
            segments: pattern
                .to_lowercase()
                .split('*')
                .map(str::to_owned)
                .collect(),
        }
    }

    /// Whether the leaf's text equals the pattern, ignoring case, `*` matching any run.
    pub fn matches(&self, leaf: Leaf<'_>) -> bool {
        leaf.text()
            .is_some_and(|text| self.matches_text(&text.to_lowercase()))
    }

    fn matches_text(&self, lowered: &str) -> bool {
        let Some((first, rest)) = self.segments.split_first() else {
            return lowered.is_empty();
        };
        let Some((last, middle)) = rest.split_last() else {
            return lowered == first;
        };
        let Some(mut remaining) = lowered.strip_prefix(first.as_str()) else {
            return false;
        };
        for segment in middle {
            match remaining.split_once(segment.as_str()) {
                Some((_, after)) => remaining = after,
                None => return false,
            }
        }
        remaining.ends_with(last.as_str())
    }
}

/// Whether a free-text needle (already lower-cased) occurs in the leaf: strings and numbers
/// only.
pub(super) fn contains_text(lowered_needle: &str, leaf: Leaf<'_>) -> bool {
    match leaf {
        Leaf::String(text) | Leaf::Number(text, _) => contains_ignoring_case(text, lowered_needle),
        Leaf::Bool(_) | Leaf::Null => false,
    }
}

/// Whether `text`, lower-cased, contains `lowered_needle`. ASCII text is searched in place
/// (lower-casing it is byte by byte); other text is lower-cased first, since a non-ASCII
/// character may lower-case to an ASCII one (the Kelvin sign to `k`).
pub(super) fn contains_ignoring_case(text: &str, lowered_needle: &str) -> bool {
    if !text.is_ascii() {
        return text.to_lowercase().contains(lowered_needle);
    }
    let (haystack, needle) = (text.as_bytes(), lowered_needle.as_bytes());
    if needle.is_empty() {
        return true;
    }
    haystack.windows(needle.len()).any(|window| {
        window
            .iter()
            .zip(needle)
            .all(|(byte, wanted)| byte.to_ascii_lowercase() == *wanted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_ignores_case_in_ascii_and_beyond() {
        let found = |text: &str, needle: &str| contains_text(needle, Leaf::String(text));
        assert!(found("TerraForm/1.5", "terraform"));
        assert!(found("abc", ""));
        assert!(!found("ab", "abc"));
        assert!(!found("TERRA FORM", "terraform"));
        assert!(
            found("\u{212A}ey", "key"),
            "the Kelvin sign lower-cases to k"
        );
        assert!(found("Ärger", "ärg"));
        assert!(found("x ÄRGER", "ärg"));
        assert!(!found("ÄRGER", "ÄRG"), "the needle comes lower-cased");
    }

    #[test]
    fn glob_places_wildcards_anywhere_and_ignores_case() {
        let glob = |pattern: &str, text: &str| Glob::new(pattern).matches(Leaf::String(text));
        assert!(glob("delete*", "DeleteBucket"));
        assert!(glob("*bucket", "DeleteBucket"));
        assert!(glob("d*e*t", "DeleteBucket"));
        assert!(!glob("d*e*x", "DeleteBucket"));
        assert!(!glob("a*a", "a"));
        assert!(glob("a*a", "aa"));
        assert!(glob("*", ""));
        assert!(!glob("abc", "abcd"));
        assert!(glob("1.5", "1.5"));
    }

    #[test]
    fn numbers_compare_by_value_and_text_by_json_text() {
        let (text, value) = number_parts(&serde_json::Number::from_f64(1.5).unwrap());
        assert_eq!((text.as_str(), value), ("1.5", 1.5));
        let leaf = Leaf::Number(&text, value);
        let equal_text = Comparison::Text {
            negated: false,
            text: TextMatch::Exact("1.5".to_owned()),
        };
        assert!(passes_comparison(&equal_text, leaf));
        assert!(passes_comparison(&equal_text, Leaf::String("1.5")));
        let equal_number = Comparison::Number {
            op: super::super::expr::NumberOp::Equal,
            value: 1.5,
        };
        assert!(!passes_comparison(&equal_number, Leaf::String("1.5")));
        assert!(!passes_comparison(&equal_text, Leaf::Null));
    }
}
