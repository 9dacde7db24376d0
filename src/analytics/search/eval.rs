//! The naive evaluator: the reference meaning of a query, a plain walk over one parsed record.
//!
//! The index must select exactly what this selects. This file must stay simple enough to be
//! obviously right: no caches, no postings.

use serde_json::Value;

use super::expr::{Comparison, Expr, Path, Step};
use super::leaf::{contains_text, number_parts, passes_comparison, Glob, Leaf};

/// Whether `record` is selected by `expr`.
pub fn matches_value(expr: &Expr, record: &Value) -> bool {
    match expr {
        Expr::MatchAll => true,
        Expr::And(parts) => parts.iter().all(|part| matches_value(part, record)),
        Expr::Or(parts) => parts.iter().any(|part| matches_value(part, record)),
        Expr::Not(inner) => !matches_value(inner, record),
        Expr::Compare { path, comparison } => {
            let found = resolve(path, record, false);
            if *comparison == Comparison::NotExists {
                return found.is_empty();
            }
            found
                .into_iter()
                .filter_map(leaf_of)
                .any(|leaf| with_leaf(&leaf, |leaf| passes_comparison(comparison, leaf)))
        }
        Expr::FieldIs { path, pattern } => {
            let glob = Glob::new(pattern);
            resolve(path, record, true)
                .into_iter()
                .filter_map(leaf_of)
                .any(|leaf| with_leaf(&leaf, |leaf| glob.matches(leaf)))
        }
        Expr::FreeText(phrase) => {
            let needle = phrase.to_lowercase();
            let mut pending = vec![record];
            while let Some(value) = pending.pop() {
                match value {
                    Value::Object(members) => pending.extend(members.values()),
                    Value::Array(elements) => pending.extend(elements),
                    scalar => {
                        if leaf_of(scalar).is_some_and(|leaf| {
                            with_leaf(&leaf, |leaf| contains_text(&needle, leaf))
                        }) {
                            return true;
                        }
                    }
                }
            }
            false
        }
    }
}

/// A scalar with its number text computed; `None` for objects and arrays.
enum OwnedLeaf<'a> {
    String(&'a str),
    Number(String, f64),
    Bool(bool),
    Null,
}

fn leaf_of(value: &Value) -> Option<OwnedLeaf<'_>> {
    match value {
        Value::String(text) => Some(OwnedLeaf::String(text)),
        Value::Number(number) => {
            let (text, value) = number_parts(number);
            Some(OwnedLeaf::Number(text, value))
        }
        Value::Bool(flag) => Some(OwnedLeaf::Bool(*flag)),
        Value::Null => Some(OwnedLeaf::Null),
        Value::Object(_) | Value::Array(_) => None,
    }
}

fn with_leaf(leaf: &OwnedLeaf<'_>, predicate: impl Fn(Leaf<'_>) -> bool) -> bool {
    predicate(match leaf {
        OwnedLeaf::String(text) => Leaf::String(text),
        OwnedLeaf::Number(text, value) => Leaf::Number(text, *value),
        OwnedLeaf::Bool(flag) => Leaf::Bool(*flag),
        OwnedLeaf::Null => Leaf::Null,
    })
}

/// Every value `path` reaches in `record`. With `names_look_into_arrays`, a name step applied
/// to an array applies to each element instead (nested arrays included).
fn resolve<'a>(path: &Path, record: &'a Value, names_look_into_arrays: bool) -> Vec<&'a Value> {
    let mut current = vec![record];
    for step in &path.steps {
        let mut next = Vec::new();
        for value in current {
            match step {
                Step::Key(name) => {
                    let mut pending = vec![value];
                    while let Some(value) = pending.pop() {
                        match value {
                            Value::Object(members) => next.extend(members.get(name)),
                            Value::Array(elements) if names_look_into_arrays => {
                                pending.extend(elements.iter().rev());
                            }
                            _ => {}
                        }
                    }
                }
                Step::Index(index) => {
                    if let Value::Array(elements) = value {
                        next.extend(elements.get(*index as usize));
                    }
                }
                Step::AnyIndex => {
                    if let Value::Array(elements) = value {
                        next.extend(elements);
                    }
                }
            }
        }
        current = next;
    }
    current
}
