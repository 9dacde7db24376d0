//! The explore features over the search index: index-answered query parts (path filters,
//! Event-history lookups, the pivot; see `matching`), building the index in time slices,
//! facets, sorting and table columns, and related events.
//!
//! Every answer here is the same whatever part of the store is indexed: indexed events are
//! answered from the [`crate::analytics::search::TermIndex`], the others by reading their
//! records, so only the cost depends on [`Dataset::index_progress`]. Deterministic: every
//! ranking breaks ties by key. Pure like all of `analytics`.

pub mod facets;
mod matching;
pub mod related;
pub mod table;

#[cfg(test)]
mod test_support;

use serde_json::Value;

use crate::analytics::query::Query;
use crate::analytics::raw_arena::PackedTexts;
use crate::analytics::search::{Path, Step, TermIndex};
use crate::analytics::Dataset;

impl Dataset {
    /// Whether `query` has a part the search index answers (text, path filters, lookups or a
    /// pivot). Such a query is answered for events not yet indexed by reading their records,
    /// which is slow on a large load: index first ([`Dataset::index_some`]).
    pub fn needs_index(query: &Query) -> bool {
        !query.text.trim().is_empty()
            || !query.paths.is_empty()
            || !query.lookups.is_empty()
            || query.pivot.is_some()
    }

    /// Adds up to `max_events` events not yet in the search index to it, oldest arrival first,
    /// so the index can be built in slices between frames; returns whether every stored event
    /// is now indexed.
    pub fn index_some(&mut self, max_events: usize) -> bool {
        let n_events = self.store.len() as u32;
        let slice = u32::try_from(max_events).unwrap_or(u32::MAX);
        let end = self.n_searchable.saturating_add(slice).min(n_events);
        self.search
            .reserve_ahead(n_events.saturating_sub(self.n_searchable));
        for event_idx in self.n_searchable..end {
            self.index_event(event_idx);
        }
        self.n_searchable = self.n_searchable.max(end);
        self.n_searchable >= n_events
    }

    /// The text of up to `max_events` stored events from `first` on, packed for
    /// [`index_part`] to index elsewhere (a pool worker), and how many events it holds; `None`
    /// when there is no event there.
    pub fn index_job(&self, first: u32, max_events: usize) -> Option<(u32, Vec<u8>)> {
        let n_events = self.store.len() as u32;
        let end = first
            .saturating_add(u32::try_from(max_events).unwrap_or(u32::MAX))
            .min(n_events);
        (first < end).then(|| (end - first, self.store.pack_raw(first, end)))
    }

    /// Adds to the search index a part [`index_part`] made of the job that starts at the first
    /// event not yet indexed, as if [`Dataset::index_some`] had indexed those events here;
    /// returns whether every stored event is now indexed. A part that does not decode or does
    /// not start there is refused with the reason, and the index is left as it was.
    pub fn merge_index_part(&mut self, part: &[u8]) -> Result<bool, String> {
        let n_events = self.store.len() as u32;
        self.search
            .reserve_ahead(n_events.saturating_sub(self.n_searchable));
        let end = self.search.merge_part(part, self.n_searchable..n_events)?;
        self.n_searchable = self.n_searchable.max(end);
        Ok(self.n_searchable >= n_events)
    }

    /// How many stored events are in the search index, and how many are stored.
    pub fn index_progress(&self) -> (u32, u32) {
        (self.n_searchable, self.store.len() as u32)
    }
}

/// Indexes the events of a job made by [`Dataset::index_job`] (in a pool worker) and returns
/// the index part for [`Dataset::merge_index_part`]; a job that does not decode gives an empty
/// buffer, which merging refuses.
pub fn index_part(job: &[u8]) -> Vec<u8> {
    let Some(texts) = PackedTexts::decode(job) else {
        return Vec::new();
    };
    let mut index = TermIndex::new();
    for (event_idx, text) in texts.records() {
        index.add_record_text(event_idx, text);
    }
    index.encode_part(texts.first, texts.end())
}

/// The text a leaf is compared and shown by: a string itself, a number's or bool's JSON text
/// (as the index keeps it); `None` for `null`, objects and arrays.
fn leaf_text(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match value {
        Value::String(text) => Some(Cow::Borrowed(text)),
        Value::Number(number) => Some(Cow::Owned(number.to_string())),
        Value::Bool(true) => Some(Cow::Borrowed("true")),
        Value::Bool(false) => Some(Cow::Borrowed("false")),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

/// The leaf texts a generalised path (`resources[].ARN`) reaches in `record`, in document
/// order: names step into objects only, `[]` into every array element, `[n]` into one; `null`
/// and containers are left out. These are the values the index holds at that path.
fn leaf_texts<'a>(record: &'a Value, path: &Path) -> Vec<std::borrow::Cow<'a, str>> {
    let mut current = vec![record];
    for step in &path.steps {
        let mut next = Vec::new();
        for value in current {
            match (step, value) {
                (Step::Key(name), Value::Object(members)) => next.extend(members.get(name)),
                (Step::Index(index), Value::Array(elements)) => {
                    next.extend(elements.get(*index as usize));
                }
                (Step::AnyIndex, Value::Array(elements)) => next.extend(elements),
                _ => {}
            }
        }
        current = next;
    }
    current.into_iter().filter_map(leaf_text).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::test_support::{dataset, record};
    use super::*;

    #[test]
    fn indexing_in_slices_reaches_every_event_and_reports_progress() {
        let records: Vec<Value> = (0..5).map(|i| record(i, json!({}))).collect();
        let mut dataset = dataset(&records);
        assert_eq!(dataset.index_progress(), (0, 5));
        assert!(!dataset.index_some(2));
        assert_eq!(dataset.index_progress(), (2, 5));
        assert!(!dataset.index_some(0));
        assert_eq!(dataset.index_progress(), (2, 5));
        assert!(dataset.index_some(usize::MAX));
        assert_eq!(dataset.index_progress(), (5, 5));
        assert!(dataset.index_some(1));
        dataset.prepare_search();
        assert_eq!(dataset.index_progress(), (5, 5));
    }

    #[test]
    fn needs_index_only_for_index_answered_parts() {
        let mut query = Query {
            errors_only: true,
            writes_only: true,
            hide_aws_service: true,
            text: "  ".to_owned(),
            ..Query::default()
        };
        assert!(!Dataset::needs_index(&query));
        query.pivot = Some("x".to_owned());
        assert!(Dataset::needs_index(&query));
        query.pivot = None;
        query.text = "x".to_owned();
        assert!(Dataset::needs_index(&query));
    }

    #[test]
    fn leaf_texts_follow_document_order_and_skip_null_and_containers() {
        let value = json!({"r": [{"a": "x"}, {"a": 2}, {"a": null}, {"a": {"b": 1}}, {"a": true}]});
        let texts = |path: &str| -> Vec<String> {
            leaf_texts(&value, &Path::parse(path).unwrap())
                .into_iter()
                .map(std::borrow::Cow::into_owned)
                .collect()
        };
        assert_eq!(texts("r[].a"), ["x", "2", "true"]);
        assert_eq!(texts("r[1].a"), ["2"]);
        assert_eq!(texts("r.a"), [] as [&str; 0]);
        assert_eq!(texts("r[].a.b"), ["1"]);
    }
}
