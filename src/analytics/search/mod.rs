//! Search: a query language with two front-ends (CloudWatch Logs JSON filter patterns and a
//! short syntax for typing), a printer, a naive evaluator over parsed records, and a term
//! index whose executor must select exactly what the evaluator selects.
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
mod print;
mod short;

pub use bitset::Bitset;
pub use cis::CIS_FILTERS;
pub use cursor::ParseError;
pub use eval::matches_value;
pub use expr::{Comparison, Expr, NumberOp, Path, RegexPattern, Step, TextMatch};
pub use index::TermIndex;
pub use parse::parse;
pub use print::print;

#[cfg(test)]
mod test_support;
