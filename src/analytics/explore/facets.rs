//! Facets: every generalised path of the indexed records, and the most frequent values of one
//! path in a selection. A value's count is exactly the number of events the
//! [`PathFilter`](crate::analytics::PathFilter) `{path, value}` then selects within it.
//!
//! Facets read the search index only: they cover indexed events ([`Dataset::index_some`]).

use crate::analytics::query::Selection;
use crate::analytics::search::{Bitset, Postings};
use crate::analytics::Dataset;

/// A generalised path (`resources[].ARN`) and how many indexed events have a value there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetField {
    /// The generalised path, as a [`PathFilter`](crate::analytics::PathFilter) takes it.
    pub path: String,
    /// Indexed events with at least one leaf at the path (`null` included, though `null` is
    /// not a facet value).
    pub n_events: usize,
}

/// The most frequent values of one path in a selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetValues {
    /// The generalised path.
    pub path: String,
    /// Values with the number of selected events holding each, most frequent first, ties by
    /// value (byte order).
    pub values: Vec<(String, u32)>,
    /// How many values match the `contains` filter with a count above zero.
    pub distinct: usize,
}

impl Dataset {
    /// Every generalised path holding a value in an indexed event, sorted by path; empty
    /// until events are indexed.
    pub fn facet_fields(&self) -> Vec<FacetField> {
        self.search
            .paths()
            .map(|(path, n_events)| FacetField {
                path: path.to_owned(),
                n_events,
            })
            .collect()
    }

    /// The `n` most frequent values at `path` among the indexed events of `selection` whose
    /// text contains `contains` ignoring case (`""` for all), with counts. A value is a string,
    /// or a number's or bool's JSON text (the string `"1"` and the number `1` count together);
    /// `null` is not a value. Each event counts once per value.
    ///
    /// Cost: one bitset of the selection, one pass over the path's postings, a sort of the
    /// values the selection holds; texts are copied only for the `n` values returned (and
    /// lower-cased only when not ASCII).
    pub fn facet_values(
        &self,
        selection: &Selection,
        path: &str,
        contains: &str,
        n: usize,
    ) -> FacetValues {
        let within = Bitset::from_ids(self.store.len() as u32, selection.ids().iter().copied());
        // Terms no selected event holds drop out before the sort that groups terms by text.
        let mut postings: Vec<(u32, Postings<'_>, usize)> = self
            .search
            .path_postings(path)
            .into_iter()
            .filter_map(|(text, events)| {
                let count = events
                    .iter()
                    .filter(|&event| within.contains(event))
                    .count();
                (count > 0).then_some((text, events, count))
            })
            .collect();
        postings.sort_unstable_by_key(|&(text, _, _)| text);
        let needle = contains.to_lowercase();
        let mut counted: Vec<(u32, u32)> = Vec::new();
        let mut scratch: Vec<u32> = Vec::new();
        for group in postings.chunk_by(|left, right| left.0 == right.0) {
            let Some(&(text, _, first_count)) = group.first() else {
                continue;
            };
            if !contains_ignoring_case(self.search.value_text(text), &needle) {
                continue;
            }
            let count = if group.len() == 1 {
                first_count
            } else {
                // One event can hold a value at several concrete paths: count it once.
                scratch.clear();
                for (_, events, _) in group {
                    scratch.extend(events.iter().filter(|&event| within.contains(event)));
                }
                scratch.sort_unstable();
                scratch.dedup();
                scratch.len()
            };
            counted.push((text, count as u32));
        }
        let distinct = counted.len();
        let order = |left: &(u32, u32), right: &(u32, u32)| {
            right.1.cmp(&left.1).then_with(|| {
                self.search
                    .value_text(left.0)
                    .cmp(self.search.value_text(right.0))
            })
        };
        if n < counted.len() {
            if n > 0 {
                counted.select_nth_unstable_by(n - 1, order);
            }
            counted.truncate(n);
        }
        counted.sort_unstable_by(order);
        FacetValues {
            path: path.to_owned(),
            values: counted
                .into_iter()
                .map(|(text, count)| (self.search.value_text(text).to_owned(), count))
                .collect(),
            distinct,
        }
    }
}

/// Whether `text` lower-cased contains `lowered_needle` (already lower-cased); allocation-free
/// when both are ASCII.
fn contains_ignoring_case(text: &str, lowered_needle: &str) -> bool {
    if lowered_needle.is_empty() {
        return true;
    }
    if text.is_ascii() && lowered_needle.is_ascii() {
        let needle = lowered_needle.as_bytes();
        return text
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    text.to_lowercase().contains(lowered_needle)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::{dataset, record};
    use super::*;
    use crate::analytics::query::{PathFilter, Query};

    fn records() -> Vec<Value> {
        vec![
            record(
                0,
                json!({"resources": [{"ARN": "x"}, {"ARN": "x"}], "n": 1}),
            ),
            record(
                1,
                json!({"resources": [{"ARN": "y"}, {"ARN": "X"}], "n": "1"}),
            ),
            record(2, json!({"resources": [{"ARN": "x"}], "n": null})),
            record(3, json!({"resources": [], "n": true, "é": "Été"})),
        ]
    }

    #[test]
    fn fields_appear_once_indexed() {
        let mut dataset = dataset(&records());
        assert!(dataset.facet_fields().is_empty());
        dataset.prepare_search();
        let fields = dataset.facet_fields();
        let arn = fields
            .iter()
            .find(|field| field.path == "resources[].ARN")
            .unwrap();
        assert_eq!(arn.n_events, 3);
        let n = fields.iter().find(|field| field.path == "n").unwrap();
        assert_eq!(n.n_events, 4, "a null leaf counts as present");
        assert!(fields.iter().any(|field| field.path == r#"["é"]"#));
        let mut sorted = fields.clone();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(fields, sorted);
    }

    #[test]
    fn values_are_counted_once_per_event_ranked_and_filtered() {
        let mut dataset = dataset(&records());
        dataset.prepare_search();
        let all = dataset.select(&Query::default());
        let values = dataset.facet_values(&all, "resources[].ARN", "", 10);
        assert_eq!(
            values,
            FacetValues {
                path: "resources[].ARN".to_owned(),
                values: vec![
                    ("x".to_owned(), 2),
                    ("X".to_owned(), 1),
                    ("y".to_owned(), 1)
                ],
                distinct: 3,
            }
        );
        let top = dataset.facet_values(&all, "resources[].ARN", "", 1);
        assert_eq!(top.values, [("x".to_owned(), 2)]);
        assert_eq!(top.distinct, 3);
        assert!(dataset
            .facet_values(&all, "resources[].ARN", "", 0)
            .values
            .is_empty());
        let filtered = dataset.facet_values(&all, "resources[].ARN", "X", 10);
        assert_eq!(filtered.values, [("x".to_owned(), 2), ("X".to_owned(), 1)]);
        assert_eq!(filtered.distinct, 2);
        let numbers = dataset.facet_values(&all, "n", "", 10);
        assert_eq!(
            numbers.values,
            [("1".to_owned(), 2), ("true".to_owned(), 1)]
        );
        let accents = dataset.facet_values(&all, r#"["é"]"#, "éTÉ", 10);
        assert_eq!(accents.values, [("Été".to_owned(), 1)]);
        let unknown = dataset.facet_values(&all, "nope", "", 10);
        assert_eq!((unknown.values.len(), unknown.distinct), (0, 0));
    }

    #[test]
    fn counts_are_within_the_selection_and_equal_what_the_filter_selects() {
        let mut dataset = dataset(&records());
        dataset.prepare_search();
        let base = Query {
            pivot: Some("y".to_owned()),
            ..Query::default()
        };
        let narrowed = dataset.select(&base);
        assert_eq!(narrowed.ids(), [1]);
        let values = dataset.facet_values(&narrowed, "resources[].ARN", "", 10);
        assert_eq!(values.values, [("X".to_owned(), 1), ("y".to_owned(), 1)]);
        for (value, count) in values.values {
            let clicked = base.with_path_filter(PathFilter {
                path: "resources[].ARN".to_owned(),
                value,
                exclude: false,
            });
            assert_eq!(dataset.select(&clicked).len(), count as usize);
        }
    }

    #[test]
    fn ascii_and_unicode_containment_agree_with_lowercasing() {
        for (text, needle) in [
            ("GetObject", "tob"),
            ("GetObject", ""),
            ("Get", "getobject"),
            ("ÉTÉ", "été"),
            ("\u{212A}elvin", "kel"),
            ("abc", "\u{212A}"),
        ] {
            let lowered = needle.to_lowercase();
            assert_eq!(
                contains_ignoring_case(text, &lowered),
                text.to_lowercase().contains(&lowered),
                "{text} {needle}"
            );
        }
    }
}
