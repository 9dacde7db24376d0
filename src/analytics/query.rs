//! A query as data (filters on indexed fields and a time range) and its execution into a
//! [`Selection`]: the matching events, oldest first.
//!
//! Semantics: include filters on the same field are alternatives (OR); filters on different
//! fields must all hold (AND); an exclude filter removes events with that value.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::search::Bitset;
use crate::analytics::store::Store;

/// A filter on one indexed field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFilter {
    /// The field.
    pub field: Field,
    /// The exact value (`""` means "no value", e.g. calls without an error code).
    pub value: String,
    /// Whether events with this value are removed instead of kept.
    pub exclude: bool,
}

/// A half-open time range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// First millisecond included.
    pub start: Millis,
    /// First millisecond excluded.
    pub end: Millis,
}

/// What the user is looking at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Field filters.
    pub filters: Vec<FieldFilter>,
    /// Time range, when zoomed.
    pub time_range: Option<TimeRange>,
    /// The query bar's text (a CloudWatch Logs filter pattern or the short syntax; see
    /// [`crate::analytics::search`]); blank selects everything.
    #[serde(default)]
    pub text: String,
}

impl Query {
    /// The query with `filter` added, replacing an opposite filter on the same value.
    #[must_use]
    pub fn with_filter(&self, filter: FieldFilter) -> Query {
        let mut next = self.clone();
        next.filters
            .retain(|known| !(known.field == filter.field && known.value == filter.value));
        next.filters.push(filter);
        next
    }
}

/// The events a query selects, oldest first (ties in arrival order).
///
/// Cheap to clone; two selections are equal when they come from the same execution, which is
/// what a UI memo needs to know.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    ids: Arc<Vec<u32>>,
}

impl PartialEq for Selection {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.ids, &other.ids)
    }
}

impl Selection {
    /// The selected event ids, oldest first.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The number of selected events.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The selected events that have a time, oldest first (undated events sort first and are
    /// left out).
    pub fn dated<'s>(&'s self, store: &Store) -> &'s [u32] {
        let n_undated = self
            .ids
            .partition_point(|&event_idx| store.time(event_idx) == UNDATED);
        self.ids.get(n_undated..).unwrap_or_default()
    }
}

/// Runs `query` over the committed events of `store`; `text_matches`, when given, holds the
/// events the query's text selects.
pub fn select(store: &Store, query: &Query, text_matches: Option<&Bitset>) -> Selection {
    let by_time = store.by_time();
    let (from, to) = match query.time_range {
        Some(range) => (
            by_time.partition_point(|&event_idx| store.time(event_idx) < range.start),
            by_time.partition_point(|&event_idx| store.time(event_idx) < range.end),
        ),
        None => (0, by_time.len()),
    };
    let candidates = by_time.get(from..to.max(from)).unwrap_or_default();

    // Resolve values to ids once. An include group whose values were never seen matches nothing.
    let mut include_groups: Vec<(&[u32], Vec<u32>)> = Vec::new();
    let mut excludes: Vec<(&[u32], u32)> = Vec::new();
    for field in Field::ALL {
        let column = store.column(field);
        let dictionary = store.dictionary(field);
        let mut group = Vec::new();
        let mut has_include = false;
        for filter in query.filters.iter().filter(|filter| filter.field == field) {
            let id = dictionary.lookup(&filter.value);
            if filter.exclude {
                if let Some(id) = id {
                    excludes.push((column, id));
                }
            } else {
                has_include = true;
                group.extend(id);
            }
        }
        if has_include {
            include_groups.push((column, group));
        }
    }

    let matches = |event_idx: u32| {
        let at = event_idx as usize;
        text_matches.is_none_or(|text| text.contains(event_idx))
            && include_groups
                .iter()
                .all(|(column, ids)| column.get(at).is_some_and(|id| ids.contains(id)))
            && excludes
                .iter()
                .all(|(column, id)| column.get(at) != Some(id))
    };
    let ids: Vec<u32> =
        if include_groups.is_empty() && excludes.is_empty() && text_matches.is_none() {
            candidates.to_vec()
        } else {
            candidates
                .iter()
                .copied()
                .filter(|&event_idx| matches(event_idx))
                .collect()
        };
    Selection { ids: Arc::new(ids) }
}
