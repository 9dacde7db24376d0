//! The event table's columns and sort order.
//!
//! A column is a string key: `"time"`, a [`Field::key`] (`"caller"`, `"eventName"`: the
//! store's column), or otherwise a generalised path (`"requestParameters.bucketName"`,
//! `"resources[].ARN"`) whose values are the record's leaves there.
//!
//! Sort order, for a column other than `time`: events with a value by value, ties by time then
//! event index (arrival), all ascending or all descending (so, among events with a value,
//! descending is exactly ascending reversed); then the events without a value (`""` in a
//! field column; no leaf other than `null` at a path), by time then event index in the same
//! direction. Values compare as text (byte order: `Z` before `a`), except that when every
//! value of the column among the sorted events reads as a number (`12`, `-1.5`, `2e3`; JSON
//! numbers and numeric strings alike) they compare as numbers, equal numbers by text. An event
//! with several values at a path (`resources[].ARN`) sorts by its smallest. For `time`, the
//! undated events are the ones without a value. Sorting by a path reads its values from the
//! search index (the records of events not yet indexed are read instead).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::leaf_texts;
use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::query::Selection;
use crate::analytics::search::{Bitset, Path, Postings};
use crate::analytics::Dataset;

/// The columns the table shows before the user picks any.
pub const DEFAULT_COLUMNS: [&str; 7] = [
    "time",
    "eventName",
    "eventSource",
    "caller",
    "sourceIPAddress",
    "awsRegion",
    "errorCode",
];

/// The key of the time column.
const TIME: &str = "time";

/// A column header: `Time`, a field's label, or the path itself.
pub fn column_label(column: &str) -> String {
    if column == TIME {
        return "Time".to_owned();
    }
    match Field::from_key(column) {
        Some(field) => field.label().to_owned(),
        None => column.to_owned(),
    }
}

/// How the table is ordered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sort {
    /// The column key sorted by.
    pub column: String,
    /// Largest (newest) first.
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first.
    fn default() -> Self {
        Self {
            column: TIME.to_owned(),
            descending: true,
        }
    }
}

/// One row of the event table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The event's position in the store, for asking its detail.
    pub event_idx: u32,
    /// `eventID`.
    pub event_id: String,
    /// Event time; `None` for an undated event.
    pub time: Option<Millis>,
    /// Whether the call failed (a non-empty `errorCode`).
    pub is_error: bool,
    /// One text per requested column: the value, several joined with `", "`, `""` when
    /// missing; the `time` column's cell is `""` (the UI formats [`TableRow::time`]).
    pub cells: Vec<String>,
}

/// What a column key names.
enum Column {
    Time,
    Field(Field),
    /// A generalised path; `None` when the key is not one (no event has a value there).
    Path(Option<Path>),
}

impl Column {
    fn parse(key: &str) -> Self {
        if key == TIME {
            Column::Time
        } else if let Some(field) = Field::from_key(key) {
            Column::Field(field)
        } else {
            Column::Path(Path::parse(key).ok())
        }
    }
}

/// Rank of an event with no value.
const MISSING: u32 = u32::MAX;

/// Ranks values: `items` are (value text, holder) pairs, any number per text; returns each
/// holder with the rank of its text among the distinct texts (0 = smallest), ordered as text,
/// or as numbers (equal numbers by text) when every text reads as one.
fn ranked<T>(items: Vec<(&str, T)>) -> Vec<(u32, T)> {
    let numeric = items.iter().all(|(text, _)| number(text).is_some());
    let mut keyed: Vec<(f64, &str, T)> = items
        .into_iter()
        .map(|(text, holder)| {
            let key = if numeric { number(text) } else { None };
            (key.unwrap_or(0.0), text, holder)
        })
        .collect();
    if numeric {
        keyed.sort_unstable_by(|left, right| {
            left.0.total_cmp(&right.0).then_with(|| left.1.cmp(right.1))
        });
    } else {
        keyed.sort_unstable_by(|left, right| left.1.cmp(right.1));
    }
    let mut rank = 0u32;
    let mut previous: Option<&str> = None;
    keyed
        .into_iter()
        .map(|(_, text, holder)| {
            if previous.is_some_and(|previous| previous != text) {
                rank += 1;
            }
            previous = Some(text);
            (rank, holder)
        })
        .collect()
}

/// The value of a text that reads as a finite number in JSON's notation (a sign, digits, a
/// point, an exponent); `None` otherwise (`inf`, `NaN`, `0x1`, `""`).
fn number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.starts_with(|character: char| character.is_ascii_digit())
        || !digits.chars().all(|character| {
            character.is_ascii_digit() || matches!(character, '.' | 'e' | 'E' | '+' | '-')
        })
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

impl Dataset {
    /// `selection` in display order by `sort` (see the module doc for the order). The default
    /// (time, newest first) is a reverse of the selection.
    pub fn sorted(&self, selection: &Selection, sort: &Sort) -> Selection {
        let by_time = self.in_time_order(selection.ids());
        let ranks = match Column::parse(&sort.column) {
            Column::Time => {
                // Undated events sort first in time order: move them after the dated ones.
                let n_undated =
                    by_time.partition_point(|&event_idx| self.store.time(event_idx) == UNDATED);
                let (undated, dated) = by_time.split_at(n_undated);
                let mut ids: Vec<u32> = Vec::with_capacity(by_time.len());
                if sort.descending {
                    ids.extend(dated.iter().rev());
                    ids.extend(undated.iter().rev());
                } else {
                    ids.extend(dated);
                    ids.extend(undated);
                }
                return Selection::from_ids(ids);
            }
            Column::Field(field) => self.field_ranks(field, &by_time),
            Column::Path(Some(path)) => self.path_ranks(&sort.column, &path, &by_time),
            Column::Path(None) => vec![MISSING; by_time.len()],
        };
        // A counting sort by rank: stable, so ties keep time order; missing values go last.
        let n_ranks = ranks
            .iter()
            .filter(|&&rank| rank != MISSING)
            .max()
            .map_or(0, |&rank| rank as usize + 1);
        let mut next_slot = vec![0usize; n_ranks + 1];
        for &rank in ranks.iter().filter(|&&rank| rank != MISSING) {
            if let Some(count) = next_slot.get_mut(rank as usize + 1) {
                *count += 1;
            }
        }
        for rank in 1..next_slot.len() {
            let before = next_slot.get(rank - 1).copied().unwrap_or(0);
            if let Some(slot) = next_slot.get_mut(rank) {
                *slot += before;
            }
        }
        let n_valued = next_slot.last().copied().unwrap_or(0);
        let mut ids = vec![0u32; by_time.len()];
        let mut next_missing = n_valued;
        for (&event_idx, &rank) in by_time.iter().zip(&ranks) {
            let at = match next_slot.get_mut(rank as usize) {
                Some(slot) if rank != MISSING => slot,
                _ => &mut next_missing,
            };
            if let Some(id) = ids.get_mut(*at) {
                *id = event_idx;
            }
            *at += 1;
        }
        if sort.descending {
            let (valued, missing) = ids.split_at_mut(n_valued.min(by_time.len()));
            valued.reverse();
            missing.reverse();
        }
        Selection::from_ids(ids)
    }

    /// `ids` ordered by time, then event id (undated first): a selection from
    /// [`Dataset::select`] already is, and is borrowed as it is.
    fn in_time_order<'a>(&self, ids: &'a [u32]) -> Cow<'a, [u32]> {
        let key = |event_idx: u32| (self.store.time(event_idx), event_idx);
        if ids.windows(2).all(|pair| match pair {
            [left, right] => key(*left) <= key(*right),
            _ => true,
        }) {
            Cow::Borrowed(ids)
        } else {
            let mut ids = ids.to_vec();
            ids.sort_unstable_by_key(|&event_idx| key(event_idx));
            Cow::Owned(ids)
        }
    }

    /// The rank of each event's value of a store column ([`MISSING`] for `""`).
    fn field_ranks(&self, field: Field, ids: &[u32]) -> Vec<u32> {
        let column = self.store.column(field);
        let dictionary = self.store.dictionary(field);
        let value_id = |event_idx: u32| column.get(event_idx as usize).unwrap_or(0);
        let mut present = vec![false; dictionary.len()];
        for &event_idx in ids {
            if let Some(seen) = present.get_mut(value_id(event_idx) as usize) {
                *seen = true;
            }
        }
        let items: Vec<(&str, usize)> = present
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, &seen)| seen)
            .map(|(id, _)| (dictionary.text(id as u32), id))
            .collect();
        let mut rank_of_id = vec![MISSING; dictionary.len()];
        for (rank, id) in ranked(items) {
            if let Some(slot) = rank_of_id.get_mut(id) {
                *slot = rank;
            }
        }
        ids.iter()
            .map(|&event_idx| {
                rank_of_id
                    .get(value_id(event_idx) as usize)
                    .copied()
                    .unwrap_or(MISSING)
            })
            .collect()
    }

    /// The rank of each event's smallest value at a generalised path ([`MISSING`] for none):
    /// indexed events from the index's postings, the others from their records.
    fn path_ranks(&self, key: &str, path: &Path, ids: &[u32]) -> Vec<u32> {
        /// Who holds a value: a posting list of the index, or an event read from its record.
        enum Holder<'p> {
            Posting(Postings<'p>),
            Event(u32),
        }
        let n_events = self.store.len() as u32;
        let within = Bitset::from_ids(n_events, ids.iter().copied());
        let postings = self.search.path_postings(key);
        let unindexed: Vec<(u32, Vec<String>)> = ids
            .iter()
            .filter(|&&event_idx| event_idx >= self.n_searchable)
            .map(|&event_idx| {
                let values = self
                    .record_value(event_idx)
                    .map(|record| {
                        leaf_texts(&record, path)
                            .into_iter()
                            .map(Cow::into_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                (event_idx, values)
            })
            .collect();
        // Only values some sorted event holds take part (they decide whether all are numbers).
        let mut items: Vec<(&str, Holder<'_>)> = postings
            .iter()
            .filter(|(_, events)| events.iter().any(|event| within.contains(event)))
            .map(|&(text, events)| (self.search.value_text(text), Holder::Posting(events)))
            .collect();
        for (event_idx, values) in &unindexed {
            items.extend(
                values
                    .iter()
                    .map(|value| (value.as_str(), Holder::Event(*event_idx))),
            );
        }
        let mut event_rank = vec![MISSING; n_events as usize];
        let mut lower = |event_idx: u32, rank: u32| {
            if let Some(known) = event_rank.get_mut(event_idx as usize) {
                *known = (*known).min(rank);
            }
        };
        for (rank, holder) in ranked(items) {
            match holder {
                Holder::Posting(events) => {
                    events.iter().for_each(|event_idx| {
                        if within.contains(event_idx) {
                            lower(event_idx, rank);
                        }
                    });
                }
                Holder::Event(event_idx) => lower(event_idx, rank),
            }
        }
        ids.iter()
            .map(|&event_idx| {
                event_rank
                    .get(event_idx as usize)
                    .copied()
                    .unwrap_or(MISSING)
            })
            .collect()
    }

    /// Rows `[start, start + count)` of `ordered`, in its order, with one cell per column key.
    pub fn table_rows(
        &self,
        ordered: &Selection,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> Vec<TableRow> {
        let store = &self.store;
        let parsed: Vec<Column> = columns.iter().map(|key| Column::parse(key)).collect();
        let reads_records = parsed
            .iter()
            .any(|column| matches!(column, Column::Path(Some(_))));
        ordered
            .ids()
            .iter()
            .skip(start)
            .take(count)
            .map(|&event_idx| {
                let record = if reads_records {
                    self.record_value(event_idx)
                } else {
                    None
                };
                let cells = parsed
                    .iter()
                    .map(|column| match column {
                        Column::Time | Column::Path(None) => String::new(),
                        Column::Field(field) => store.value(*field, event_idx).to_owned(),
                        Column::Path(Some(path)) => record
                            .as_ref()
                            .map(|record| leaf_texts(record, path).join(", "))
                            .unwrap_or_default(),
                    })
                    .collect();
                TableRow {
                    event_idx,
                    event_id: store.event_id(event_idx).into_owned(),
                    time: Some(store.time(event_idx)).filter(|&time| time != UNDATED),
                    is_error: store.value_id(Field::ErrorCode, event_idx) != 0,
                    cells,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::{dataset, record};
    use super::*;
    use crate::analytics::query::{PathFilter, Query};

    /// Time order (undated first): 4, 0, 1, 2, 3, 5, 6.
    fn records() -> Vec<Value> {
        vec![
            record(
                0,
                json!({"n": 10, "eventName": "b", "resources": [{"ARN": "z"}]}),
            ),
            record(
                1,
                json!({"n": 9, "eventName": "a", "resources": [{"ARN": "y"}, {"ARN": "a"}]}),
            ),
            record(2, json!({"eventName": "b", "resources": []})),
            record(3, json!({"n": "2", "eventName": ""})),
            record(
                4,
                json!({"n": 10, "eventName": "a", "eventTime": "not a time",
                       "resources": [{"ARN": "b"}]}),
            ),
            record(
                5,
                json!({"n": 10.0, "eventName": "c", "errorCode": "AccessDenied",
                       "resources": [{"ARN": "a"}]}),
            ),
            record(6, json!({"n": "x", "eventName": "c"})),
        ]
    }

    fn sort(column: &str, descending: bool) -> Sort {
        Sort {
            column: column.to_owned(),
            descending,
        }
    }

    /// The order of `query`'s events by `sort`, the same with no, half or the whole index.
    fn order(query: &Query, sort: &Sort) -> Vec<u32> {
        let records = records();
        let mut dataset = dataset(&records);
        let mut orders = Vec::new();
        for slice in [0, 3, usize::MAX] {
            dataset.index_some(slice);
            let selection = dataset.select(query);
            orders.push(dataset.sorted(&selection, sort).ids().to_vec());
        }
        assert!(
            orders.windows(2).all(|pair| pair[0] == pair[1]),
            "{orders:?}"
        );
        orders.swap_remove(0)
    }

    fn all(column: &str, descending: bool) -> Vec<u32> {
        order(&Query::default(), &sort(column, descending))
    }

    #[test]
    fn time_sorts_newest_first_by_default_with_undated_last_both_ways() {
        assert_eq!(Sort::default(), sort("time", true));
        assert_eq!(
            order(&Query::default(), &Sort::default()),
            [6, 5, 3, 2, 1, 0, 4]
        );
        assert_eq!(all("time", false), [0, 1, 2, 3, 5, 6, 4]);
    }

    #[test]
    fn fields_sort_as_text_ties_by_time_and_missing_last() {
        assert_eq!(all("eventName", false), [4, 1, 0, 2, 5, 6, 3]);
        assert_eq!(all("eventName", true), [6, 5, 2, 0, 1, 4, 3]);
        assert_eq!(all("caller", false), [4, 0, 1, 2, 3, 5, 6], "all missing");
        assert_eq!(all("caller", true), [6, 5, 3, 2, 1, 0, 4]);
    }

    #[test]
    fn paths_sort_numerically_only_when_every_value_is_a_number() {
        assert_eq!(
            all("n", false),
            [4, 0, 5, 3, 1, 6, 2],
            "text: 10 < 2 < 9 < x"
        );
        let numbers_only = Query::default().with_path_filter(PathFilter {
            path: "n".to_owned(),
            value: "x".to_owned(),
            exclude: true,
        });
        assert_eq!(order(&numbers_only, &sort("n", false)), [3, 1, 4, 0, 5, 2]);
        assert_eq!(order(&numbers_only, &sort("n", true)), [5, 0, 4, 1, 3, 2]);
    }

    #[test]
    fn several_values_sort_by_the_smallest_and_unknown_paths_keep_time_order() {
        assert_eq!(all("resources[].ARN", false), [1, 5, 4, 0, 2, 3, 6]);
        assert_eq!(all("resources[].ARN", true), [0, 4, 5, 1, 6, 3, 2]);
        assert_eq!(all("no.such[].path", false), [4, 0, 1, 2, 3, 5, 6]);
        assert_eq!(all("not a path", true), [6, 5, 3, 2, 1, 0, 4]);
    }

    #[test]
    fn sorting_a_sorted_selection_starts_from_time_order() {
        let mut dataset = dataset(&records());
        dataset.prepare_search();
        let selection = dataset.select(&Query::default());
        let by_name = dataset.sorted(&selection, &sort("eventName", true));
        let again = dataset.sorted(&by_name, &sort("n", false));
        assert_eq!(again.ids(), [4, 0, 5, 3, 1, 6, 2]);
        assert_eq!(
            dataset.sorted(&by_name, &Sort::default()).ids(),
            [6, 5, 3, 2, 1, 0, 4]
        );
    }

    #[test]
    fn rows_follow_the_given_order_with_one_cell_per_column() {
        let mut dataset = dataset(&records());
        let selection = dataset.select(&Query::default());
        let ordered = dataset.sorted(&selection, &sort("eventName", false));
        let columns: Vec<String> = [
            "time",
            "eventName",
            "resources[].ARN",
            "n",
            "caller",
            "a..b",
        ]
        .map(str::to_owned)
        .to_vec();
        let rows = dataset.table_rows(&ordered, &columns, 1, 2);
        dataset.prepare_search();
        assert_eq!(dataset.table_rows(&ordered, &columns, 1, 2), rows);
        let cells: Vec<(u32, Vec<&str>)> = rows
            .iter()
            .map(|row| {
                (
                    row.event_idx,
                    row.cells.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            cells,
            [
                (1, vec!["", "a", "y, a", "9", "", ""]),
                (0, vec!["", "b", "z", "10", "", ""]),
            ]
        );
        assert_eq!(rows[0].event_id, "e1");
        assert_eq!(rows[0].time, Some(1_709_287_201_000));
        let first = dataset.table_rows(&ordered, &columns, 0, 1);
        assert_eq!((first[0].event_idx, first[0].time), (4, None));
        let error = dataset.table_rows(&ordered, &columns, 4, 1);
        assert_eq!(error[0].event_idx, 5);
        assert!(error[0].is_error && !rows[0].is_error);
        assert_eq!(error[0].cells[3], "10.0");
        assert!(dataset.table_rows(&ordered, &columns, 7, 5).is_empty());
        assert_eq!(dataset.table_rows(&ordered, &[], 0, 10).len(), 7);
    }

    #[test]
    fn labels_and_the_sort_serialise() {
        assert_eq!(column_label("time"), "Time");
        assert_eq!(column_label("sourceIPAddress"), "Source IP");
        assert_eq!(column_label("resources[].ARN"), "resources[].ARN");
        for column in DEFAULT_COLUMNS {
            assert!(
                column == "time" || Field::from_key(column).is_some(),
                "{column}"
            );
        }
        let text = serde_json::to_string(&sort("n", false)).unwrap();
        assert_eq!(text, r#"{"column":"n","descending":false}"#);
        assert_eq!(serde_json::from_str::<Sort>("{}").unwrap(), Sort::default());
    }

    #[test]
    fn numbers_are_read_in_json_notation_only() {
        assert_eq!(number("12"), Some(12.0));
        assert_eq!(number("-1.5e3"), Some(-1500.0));
        for text in ["", "-", "inf", "NaN", "+1", "0x1", "1 ", "1e999", "e1"] {
            assert_eq!(number(text), None, "{text}");
        }
    }
}
