//! The only seam between the UI and the analytics: a handle to the [`Dataset`] with plain calls
//! that return view-models. When ingest moves to workers, this file changes and the components
//! do not.

use leptos::prelude::*;

use crate::analytics::{
    Comparison, Dashboard, Dataset, EventDetail, ExportFormat, FacetField, FacetValues, FileReport,
    JsonLine, Ledger, Millis, Query, Related, Selection, Sort, TableRow,
};

/// A `Copy` handle to the dataset, owned by the app's reactive owner.
#[derive(Clone, Copy)]
pub struct Engine {
    dataset: StoredValue<Dataset, LocalStorage>,
    /// Changes whenever the dataset is replaced, so work begun on the old one is not applied.
    generation: StoredValue<u32, LocalStorage>,
}

impl Engine {
    /// An engine over an empty dataset.
    pub fn new() -> Self {
        Self {
            dataset: StoredValue::new_local(Dataset::default()),
            generation: StoredValue::new_local(0),
        }
    }

    /// Reads one file; returns the events it added and its status.
    pub fn ingest(&self, path: &str, bytes: &[u8]) -> u64 {
        self.dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                dataset.ingest_file(path, bytes);
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default()
    }

    /// Starts reading a file whose bytes arrive in chunks.
    pub fn begin_file(&self, path: &str, size_bytes: u64) {
        self.dataset
            .update_value(|dataset| dataset.begin_file(path, size_bytes));
    }

    /// Reads the next chunk of the file begun; returns the events it added.
    pub fn push_file_bytes(&self, bytes: &[u8]) -> u64 {
        self.dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                dataset.push_file_bytes(bytes);
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default()
    }

    /// Ends the file begun, early when `interrupted` gives why; returns the events it added.
    pub fn end_file(&self, interrupted: Option<&str>) -> u64 {
        self.dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                match interrupted {
                    Some(reason) => dataset.interrupt_file(reason),
                    None => dataset.end_file(),
                };
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default()
    }

    /// Adds the files a pool worker read (their shard, listed as `(path, size)`); returns the
    /// events they added. A shard that cannot be read lists each of its files as rejected,
    /// saying so.
    pub fn absorb_shard(&self, files: &[(&str, u64)], shard: &[u8]) -> u64 {
        self.dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                if let Err(reason) = dataset.absorb_shard(shard) {
                    let reason =
                        format!("the background reader's result could not be used: {reason}");
                    for &(path, size_bytes) in files {
                        dataset.reject_file(path, size_bytes, &reason);
                    }
                }
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default()
    }

    /// Whether record text added now would be kept compressed, so workers should compress it.
    pub fn wants_compressed_text(&self) -> bool {
        self.dataset.with_value(Dataset::wants_compressed_text)
    }

    /// The number of events kept.
    pub fn n_events(&self) -> usize {
        self.dataset.with_value(Dataset::n_events)
    }

    /// Lists a file the browser could not read.
    pub fn reject(&self, path: &str, size_bytes: u64, reason: &str) {
        self.dataset.update_value(|dataset| {
            dataset.reject_file(path, size_bytes, reason);
        });
    }

    /// Lists a file as not read (loading stopped before it), with the reason.
    pub fn skip_file(&self, path: &str, size_bytes: u64, reason: &str) {
        self.dataset.update_value(|dataset| {
            dataset.skip_file(path, size_bytes, reason);
        });
    }

    /// Makes room for about `events` more events (see `Dataset::reserve_ahead`).
    pub fn reserve_ahead(&self, events: usize) {
        self.dataset
            .update_value(|dataset| dataset.reserve_ahead(events));
    }

    /// Makes ingested events visible to queries.
    pub fn commit(&self) {
        self.dataset.update_value(Dataset::commit);
    }

    /// Drops everything loaded.
    pub fn clear(&self) {
        self.generation.update_value(|generation| *generation += 1);
        self.dataset.update_value(|dataset| {
            let limit = dataset.decoded_size_limit();
            *dataset = Dataset::default();
            dataset.set_decoded_size_limit(limit);
        });
    }

    /// The per-file decompressed size limit, in bytes.
    pub fn decoded_size_limit(&self) -> usize {
        self.dataset.with_value(Dataset::decoded_size_limit)
    }

    /// Sets the per-file decompressed size limit for files read from now on.
    pub fn set_decoded_size_limit(&self, bytes: usize) {
        self.dataset
            .update_value(|dataset| dataset.set_decoded_size_limit(bytes));
    }

    /// The events a query selects. Parts the field index answers are answered from it for
    /// the events indexed so far and by reading the others' records (see [`Engine::index_some`]).
    pub fn select(&self, query: &Query) -> Selection {
        self.dataset.with_value(|dataset| dataset.select(query))
    }

    /// Adds up to `max_events` events to the field index; returns (indexed, total).
    pub fn index_some(&self, max_events: usize) -> (u32, u32) {
        self.dataset
            .try_update_value(|dataset| {
                dataset.index_some(max_events);
                dataset.index_progress()
            })
            .unwrap_or_default()
    }

    /// Which dataset this is: it changes when everything is cleared.
    pub fn generation(&self) -> u32 {
        self.generation.get_value()
    }

    /// The text of up to `max_events` events from `first` on, packed for a worker to index, and
    /// how many events it holds.
    pub fn index_job(&self, first: u32, max_events: usize) -> Option<(u32, Vec<u8>)> {
        self.dataset
            .try_with_value(|dataset| dataset.index_job(first, max_events))
            .flatten()
    }

    /// Merges an index part a worker made; returns (indexed, total), or why it was refused.
    pub fn merge_index_part(&self, part: &[u8]) -> Result<(u32, u32), String> {
        self.dataset
            .try_update_value(|dataset| {
                dataset
                    .merge_index_part(part)
                    .map(|_| dataset.index_progress())
            })
            .unwrap_or_else(|| Err("the dataset is gone".to_owned()))
    }

    /// Every field of the indexed events.
    pub fn facet_fields(&self) -> Vec<FacetField> {
        self.dataset.with_value(Dataset::facet_fields)
    }

    /// The top values of one field in a selection, optionally only those containing `contains`.
    pub fn facet_values(
        &self,
        selection: &Selection,
        path: &str,
        contains: &str,
        n: usize,
    ) -> FacetValues {
        self.dataset
            .with_value(|dataset| dataset.facet_values(selection, path, contains, n))
    }

    /// The selection in table order.
    pub fn sorted(&self, selection: &Selection, sort: &Sort) -> Selection {
        self.dataset
            .with_value(|dataset| dataset.sorted(selection, sort))
    }

    /// Table rows `start..start + count` of an ordered selection.
    pub fn table_rows(
        &self,
        ordered: &Selection,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> Vec<TableRow> {
        self.dataset
            .with_value(|dataset| dataset.table_rows(ordered, columns, start, count))
    }

    /// Events related to one event (same request, access key, session).
    pub fn related(&self, event_idx: u32) -> Vec<Related> {
        self.dataset
            .with_value(|dataset| dataset.related(event_idx))
    }

    /// One event's record as clickable lines.
    pub fn json_lines(&self, event_idx: u32) -> Option<Vec<JsonLine>> {
        self.dataset
            .with_value(|dataset| dataset.json_lines(event_idx))
    }

    /// Events side by side.
    pub fn compare(&self, event_idxs: &[u32]) -> Comparison {
        self.dataset
            .with_value(|dataset| dataset.compare(event_idxs))
    }

    /// A part of an export document.
    pub fn export_part(
        &self,
        ordered: &Selection,
        format: ExportFormat,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> String {
        self.dataset
            .with_value(|dataset| dataset.export_part(ordered, format, columns, start, count))
    }

    /// The first and last event time over everything loaded.
    pub fn time_span(&self) -> Option<(Millis, Millis)> {
        self.dataset.with_value(Dataset::time_span)
    }

    /// The `eventID` of an event.
    pub fn event_id_of(&self, event_idx: u32) -> Option<String> {
        self.dataset
            .with_value(|dataset| dataset.event_id_of(event_idx).map(str::to_owned))
    }

    /// The event carrying an `eventID`.
    pub fn find_event(&self, event_id: &str) -> Option<u32> {
        self.dataset
            .with_value(|dataset| dataset.find_event(event_id))
    }

    /// The dashboard of a selection.
    pub fn dashboard(&self, selection: &Selection, query: &Query) -> Dashboard {
        self.dataset
            .with_value(|dataset| dataset.dashboard(selection, query))
    }

    /// One event's full record.
    pub fn event_detail(&self, event_idx: u32) -> Option<EventDetail> {
        self.dataset
            .with_value(|dataset| dataset.event_detail(event_idx))
    }

    /// Reads every file's report, in the order read, without copying them.
    pub fn with_files<T>(&self, read: impl FnOnce(&[FileReport]) -> T) -> T {
        self.dataset.with_value(|dataset| read(dataset.files()))
    }

    /// Totals over everything loaded.
    pub fn ledger(&self) -> Ledger {
        self.dataset.with_value(Dataset::ledger)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
