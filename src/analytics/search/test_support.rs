//! Helpers for this module's unit tests: run a query over a few records through both the naive
//! evaluator and the index, and insist they agree. Test-only; no production code uses it.

use serde_json::Value;

use super::{matches_value, parse, Bitset, TermIndex};

/// The positions of the records `query` selects; panics if the index and the evaluator differ
/// or the query does not parse.
pub(super) fn selected(query: &str, records: &[Value]) -> Vec<u32> {
    let expr = parse(query).unwrap_or_else(|error| panic!("{query}: {error}"));
    let naive: Vec<u32> = records
        .iter()
        .enumerate()
        .filter(|(_, record)| matches_value(&expr, record))
        .map(|(position, _)| position as u32)
        .collect();
    // The index built from parsed values, and from the records' text as the page builds it.
    let mut from_values = TermIndex::new();
    let mut from_text = TermIndex::new();
    for (position, record) in records.iter().enumerate() {
        let position = position as u32;
        assert!(from_values.add(position, record));
        let text = serde_json::to_string(record).unwrap_or_default();
        if from_text.add_text(position, &text).is_none() {
            assert!(from_text.add(position, record));
        }
    }
    for index in [from_values, from_text] {
        let indexed: Vec<u32> = index.execute(&expr, records.len() as u32).iter().collect();
        assert_eq!(naive, indexed, "index and evaluator differ on {query}");
    }
    naive
}

/// Whether `query` selects `record`, checked through both paths.
pub(super) fn selects(query: &str, record: &Value) -> bool {
    selected(query, std::slice::from_ref(record)) == [0]
}

/// The error position of a query that must not parse.
pub(super) fn error_position(query: &str) -> usize {
    match parse(query) {
        Ok(expr) => panic!("{query} parsed as {expr:?}"),
        Err(error) => error.position,
    }
}

/// A universe of `len` events, all selected.
pub(super) fn everything(len: u32) -> Bitset {
    Bitset::from_ids(len, 0..len)
}
