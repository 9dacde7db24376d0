//! Search: a query language with two front-ends (CloudWatch Logs JSON filter patterns and a
//! short syntax for typing), a printer, a naive evaluator over parsed records, and a term
//! index whose executor must select exactly what the evaluator selects.
//!
//! Meaning, where the CloudWatch rules leave a choice:
//! - a leaf holds when any value its path reaches passes (paths with `[]` reach several);
//! - a comparison, `!=` included, never matches a path that reaches nothing, an object or an
//!   array; `NOT EXISTS` holds exactly when the path reaches nothing, `IS NULL` on JSON `null`;
//! - text comparisons see a number's or bool's JSON text (`1.5`, `true`); numeric comparisons
//!   never match a string; `null` passes only `IS NULL`; `%regex%` searches (unanchored);
//! - short-syntax `-x` and `NOT x` select every event `x` does not, those lacking the field too;
//! - blank input parses to [`Expr::MatchAll`].
//!
//! Pure like all of `analytics`: no clock, no threads, no web crate, and no panic on any
//! input; parse errors are values.

mod bitset;
mod cis;
mod cursor;
mod eval;
mod expr;
mod index;
mod leaf;
mod parse;
mod pattern;
mod postings;
mod print;
mod scan;
mod short;
mod walk;

pub use bitset::Bitset;
pub use cis::CIS_FILTERS;
pub use cursor::ParseError;
pub use eval::matches_value;
pub use expr::{Comparison, Expr, NumberOp, Path, RegexPattern, Step, TextMatch};
pub use index::TermIndex;
pub use parse::parse;
pub use postings::{Postings, PostingsIter};
pub use print::print;

#[cfg(test)]
mod test_support;
