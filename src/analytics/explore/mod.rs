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
use crate::analytics::raw_arena::{decoded_range, FileRead, PackedTexts};
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
    /// so the index can be built in slices between frames; stops before an event whose text is
    /// in a file not lent now ([`Dataset::index_reads`] names the reads). Returns whether
    /// every stored event is now indexed.
    pub fn index_some(&mut self, max_events: usize) -> bool {
        let n_events = self.store.len() as u32;
        let slice = u32::try_from(max_events).unwrap_or(u32::MAX);
        let end = self.n_searchable.saturating_add(slice).min(n_events);
        self.search
            .reserve_ahead(n_events.saturating_sub(self.n_searchable));
        for event_idx in self.n_searchable..end {
            if !self.index_event(event_idx) {
                break;
            }
            self.n_searchable = event_idx + 1;
        }
        self.n_searchable >= n_events
    }

    /// The reads of files that indexing the next `max_events` events needs and that are not
    /// lent now (see [`Dataset::lend_text`]).
    pub fn index_reads(&self, max_events: usize) -> Vec<FileRead> {
        let n_events = self.store.len() as u32;
        let slice = u32::try_from(max_events).unwrap_or(u32::MAX);
        let end = self.n_searchable.saturating_add(slice).min(n_events);
        let events: Vec<u32> = (self.n_searchable..end).collect();
        self.text_reads(&events)
    }

    /// The text of up to `max_events` stored events from `first` on, packed for
    /// [`index_part`] to index elsewhere (a pool worker); `None` when there is no event there.
    pub fn index_job(&self, first: u32, max_events: usize) -> Option<IndexJob> {
        let n_events = self.store.len() as u32;
        let end = first
            .saturating_add(u32::try_from(max_events).unwrap_or(u32::MAX))
            .min(n_events);
        (first < end).then(|| {
            let (job, reads) = self
                .store
                .pack_raw(first, end, |file_idx| self.reread(file_idx));
            IndexJob {
                events: end - first,
                job,
                reads,
            }
        })
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

    /// Lets the search index grow ahead of need by at most `bytes` more than it holds now (by
    /// default without limit): the page gives what its memory budget leaves, so that room made
    /// for events that will not fit does not stop indexing early.
    pub fn limit_index_room(&mut self, bytes: usize) {
        let held = self.search.memory_bytes();
        self.search.set_memory_cap(held.saturating_add(bytes));
    }

    /// How many stored events are in the search index, and how many are stored.
    pub fn index_progress(&self) -> (u32, u32) {
        (self.n_searchable, self.store.len() as u32)
    }
}

/// A job of indexing made by [`Dataset::index_job`]: the events' text packed, and the reads
/// of files whose bytes must go with it ([`index_part`]'s `given`, in this order).
#[derive(Debug)]
pub struct IndexJob {
    /// How many events it holds.
    pub events: u32,
    /// The packed text.
    pub job: Vec<u8>,
    /// The file reads it needs, in order.
    pub reads: Vec<FileRead>,
}

/// Indexes the events of a job made by [`Dataset::index_job`] (in a pool worker) and returns
/// the index part for [`Dataset::merge_index_part`]. `given` holds the bytes of each of the
/// job's reads ([`FileRead::bytes`]), in order. An error says what did not fit: a job that
/// does not decode, a file that does not hold the text it held when it was loaded. A record
/// whose text changed is indexed by nothing and counted: the part says how many.
pub fn index_part(job: &[u8], given: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let texts = PackedTexts::decode(job)?;
    let reads = texts.file_reads();
    if reads.len() != given.len() {
        return Err(format!(
            "{} files given for a job that reads {}",
            given.len(),
            reads.len()
        ));
    }
    let decoded: Vec<Vec<u8>> = reads
        .iter()
        .zip(given)
        .map(|(read, given)| decoded_range(read, given))
        .collect::<Result<_, _>>()?;
    let mut index = TermIndex::new();
    for (event_idx, text) in texts.records(&decoded) {
        let text = text.ok_or_else(|| {
            format!("the text of event {event_idx} is no longer in its file as it was loaded")
        })?;
        index.add_record_text(event_idx, text);
    }
    Ok(index.encode_part(texts.first, texts.end()))
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
