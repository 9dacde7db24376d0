//! The only seam between the UI and the analytics: a handle to the [`Dataset`] with plain calls
//! that return view-models. When ingest moves to workers, this file changes and the components
//! do not.

use leptos::prelude::*;

use crate::analytics::{
    Dashboard, Dataset, EventDetail, EventRow, FileReport, Ledger, Query, Selection,
};

/// A `Copy` handle to the dataset, owned by the app's reactive owner.
#[derive(Clone, Copy)]
pub struct Engine {
    dataset: StoredValue<Dataset, LocalStorage>,
}

impl Engine {
    /// An engine over an empty dataset.
    pub fn new() -> Self {
        Self {
            dataset: StoredValue::new_local(Dataset::default()),
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

    /// Lists a file the browser could not read.
    pub fn reject(&self, path: &str, size_bytes: u64, reason: &str) {
        self.dataset.update_value(|dataset| {
            dataset.reject_file(path, size_bytes, reason);
        });
    }

    /// Makes ingested events visible to queries.
    pub fn commit(&self) {
        self.dataset.update_value(Dataset::commit);
    }

    /// Drops everything loaded.
    pub fn clear(&self) {
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

    /// The events a query selects; query text first brings the search index up to date.
    pub fn select(&self, query: &Query) -> Selection {
        if !query.text.trim().is_empty() {
            self.dataset.update_value(Dataset::prepare_search);
        }
        self.dataset.with_value(|dataset| dataset.select(query))
    }

    /// The dashboard of a selection.
    pub fn dashboard(&self, selection: &Selection, query: &Query) -> Dashboard {
        self.dataset
            .with_value(|dataset| dataset.dashboard(selection, query))
    }

    /// A page of table rows, newest first.
    pub fn rows(&self, selection: &Selection, start: usize, count: usize) -> Vec<EventRow> {
        self.dataset
            .with_value(|dataset| dataset.rows(selection, start, count))
    }

    /// One event's full record.
    pub fn event_detail(&self, event_idx: u32) -> Option<EventDetail> {
        self.dataset
            .with_value(|dataset| dataset.event_detail(event_idx))
    }

    /// Every file read.
    pub fn files(&self) -> Vec<FileReport> {
        self.dataset.with_value(|dataset| dataset.files().to_vec())
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
