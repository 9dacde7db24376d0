//! The only seam between the UI and the analytics: a handle to the [`Dataset`] with plain calls
//! that return view-models. When ingest moves to workers, this file changes and the components
//! do not.
//!
//! It also keeps the `File` each file report was read from, for the records' text the dataset
//! leaves in its files past its budget: [`Engine::lend_texts`] reads what a view needs again.

use std::borrow::Cow;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::analytics::{
    Comparison, Dashboard, Dataset, EventDetail, ExportFormat, FacetField, FacetValues, FileRead,
    FileReport, IndexJob, JsonLine, Ledger, Millis, Query, Related, Selection, Sort, TableRow,
};

/// The most text an export part reads again from files at once: half of what the dataset keeps
/// lent, so one part's loans never push each other out.
const EXPORT_LENT_BYTES: u64 = (crate::analytics::LENT_BUDGET / 2) as u64;

/// A `Copy` handle to the dataset, owned by the app's reactive owner.
#[derive(Clone, Copy)]
pub struct Engine {
    dataset: StoredValue<Dataset, LocalStorage>,
    /// The `File` of each file report, by index, when it was read from one.
    handles: StoredValue<Vec<Option<File>>, LocalStorage>,
    /// Changes whenever the dataset is replaced, so work begun on the old one is not applied.
    generation: StoredValue<u32, LocalStorage>,
}

impl Engine {
    /// An engine over an empty dataset.
    pub fn new() -> Self {
        Self {
            dataset: StoredValue::new_local(fresh_dataset()),
            handles: StoredValue::new_local(Vec::new()),
            generation: StoredValue::new_local(0),
        }
    }

    /// Notes the `File` of each file report added since the last call, found among
    /// `candidates` (path, file) by its path, in order; a report none matches (an archive's
    /// entry, a file the browser refused) has none.
    fn note_handles(&self, candidates: &[(&str, &File)]) {
        let n_reports = self.dataset.with_value(|dataset| dataset.files().len());
        let mut unused: Vec<(&str, &File)> = candidates.to_vec();
        let new: Vec<Option<File>> = self.dataset.with_value(|dataset| {
            let known = self.handles.with_value(Vec::len);
            dataset.files()[known.min(n_reports)..]
                .iter()
                .map(|report| {
                    let at = unused.iter().position(|(path, _)| *path == report.path)?;
                    Some(unused.remove(at).1.clone())
                })
                .collect()
        });
        self.handles.update_value(|handles| {
            handles.truncate(n_reports);
            handles.extend(new);
        });
    }

    /// Reads again the text `reads` name from their files and lends it to the dataset; an
    /// error names a file that could not be read (gone, or changed since it was loaded). Work
    /// begun on a dataset since cleared is dropped.
    pub async fn lend_texts(&self, reads: Vec<FileRead>) -> Result<(), String> {
        let generation = self.generation();
        for read in reads {
            let handle = self
                .handles
                .with_value(|handles| handles.get(read.file_idx as usize).cloned().flatten());
            let path = self.with_files(|files| {
                files
                    .get(read.file_idx as usize)
                    .map(|file| file.path.clone())
                    .unwrap_or_default()
            });
            let Some(file) = handle else {
                return Err(format!("{path} is not at hand to read again"));
            };
            let bytes = read_bytes(&file, &read)
                .await
                .map_err(|why| format!("{path} could not be read again: {why}"))?;
            if self.generation() != generation {
                return Ok(());
            }
            self.dataset
                .try_update_value(|dataset| dataset.lend_text(&read, &bytes))
                .unwrap_or(Ok(()))?;
        }
        Ok(())
    }

    /// The reads of files the text of `events` needs and that are not lent now.
    pub fn text_reads(&self, events: &[u32]) -> Vec<FileRead> {
        self.dataset
            .with_value(|dataset| dataset.text_reads(events))
    }

    /// Places the records held for a comparison with text left in files, reading that text
    /// again first; returns the events they added. Should a file not be read again, its
    /// records are kept apart (as conflicts: not proven the same) and the reason logged.
    pub async fn settle_held(&self) -> u64 {
        let before = self.n_events();
        loop {
            let reads = self
                .dataset
                .with_value(|dataset| (dataset.n_held() > 0).then(|| dataset.held_reads()));
            let Some(reads) = reads else { break };
            let force = reads.is_empty()
                || self.lend_texts(reads).await.is_err_and(|reason| {
                    leptos::logging::warn!("{reason}");
                    true
                });
            self.dataset
                .update_value(|dataset| dataset.settle_held(force));
        }
        (self.n_events() - before) as u64
    }
    /// Reads one file held in memory (the demo); returns the events it added.
    pub fn ingest(&self, path: &str, bytes: &[u8]) -> u64 {
        let added = self
            .dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                dataset.ingest_bytes_once(path, bytes);
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default();
        self.note_handles(&[]);
        added
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

    /// Ends the file begun (read from `file`, listed as `path`), early when `interrupted`
    /// gives why; returns the events it added.
    pub fn end_file(&self, path: &str, file: &File, interrupted: Option<&str>) -> u64 {
        let added = self
            .dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                match interrupted {
                    Some(reason) => dataset.interrupt_file(reason),
                    None => dataset.end_file(),
                };
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default();
        self.note_handles(&[(path, file)]);
        added
    }

    /// Adds the files a pool worker read (their shard, listed as `(path, size, file)`); returns
    /// the events they added. A shard that cannot be read lists each of its files as
    /// rejected, saying so.
    pub fn absorb_shard(&self, files: &[(&str, u64, &File)], shard: &[u8]) -> u64 {
        let added = self
            .dataset
            .try_update_value(|dataset| {
                let before = dataset.n_events();
                if let Err(reason) = dataset.absorb_shard(shard) {
                    let reason =
                        format!("the background reader's result could not be used: {reason}");
                    for &(path, size_bytes, _) in files {
                        dataset.reject_file(path, size_bytes, &reason);
                    }
                }
                (dataset.n_events() - before) as u64
            })
            .unwrap_or_default();
        let candidates: Vec<(&str, &File)> =
            files.iter().map(|&(path, _, file)| (path, file)).collect();
        self.note_handles(&candidates);
        added
    }

    /// Whether record text added now would still be kept, so workers should send it even when
    /// it is a slice of its file.
    pub fn keeps_text(&self) -> bool {
        self.dataset.with_value(Dataset::keeps_text)
    }

    /// Bytes of records' text kept, and events whose text is left in their files.
    pub fn text_figures(&self) -> (usize, u32) {
        self.dataset.with_value(Dataset::text_figures)
    }

    /// Drops the text read again from files.
    pub fn release_loans(&self) {
        self.dataset.update_value(Dataset::release_loans);
    }

    /// How many records wait for a comparison with text left in files.
    pub fn n_held(&self) -> usize {
        self.dataset.with_value(Dataset::n_held)
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
        self.note_handles(&[]);
    }

    /// Lists a file as not read (loading stopped before it), with the reason.
    pub fn skip_file(&self, path: &str, size_bytes: u64, reason: &str) {
        self.dataset.update_value(|dataset| {
            dataset.skip_file(path, size_bytes, reason);
        });
        self.note_handles(&[]);
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
            *dataset = fresh_dataset();
            dataset.set_decoded_size_limit(limit);
        });
        self.handles.update_value(Vec::clear);
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

    /// The reads of files that indexing the next `max_events` events on the page needs.
    pub fn index_reads(&self, max_events: usize) -> Vec<FileRead> {
        self.dataset
            .with_value(|dataset| dataset.index_reads(max_events))
    }

    /// Lets the field index grow ahead of need by at most `bytes` more than it holds now.
    pub fn limit_index_room(&self, bytes: usize) {
        self.dataset
            .update_value(|dataset| dataset.limit_index_room(bytes));
    }

    /// How many events not yet indexed have their text in a file not lent now.
    pub fn n_unsearchable(&self) -> u32 {
        self.dataset.with_value(Dataset::n_unsearchable)
    }

    /// Adds up to `max_events` events to the field index (stopping at text in a file not lent
    /// now: see [`Engine::index_reads`]); returns (indexed, total).
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

    /// The text of up to `max_events` events from `first` on, packed for a worker to index, the
    /// `File`s and ranges it reads (see [`IndexJob`]), and how many events it holds.
    pub fn index_job(&self, first: u32, max_events: usize) -> Option<(IndexJob, Vec<File>)> {
        let job = self
            .dataset
            .try_with_value(|dataset| dataset.index_job(first, max_events))
            .flatten()?;
        let files = self.handles.with_value(|handles| {
            job.reads
                .iter()
                .map(|read| handles.get(read.file_idx as usize).cloned().flatten())
                .collect::<Option<Vec<File>>>()
        })?;
        Some((job, files))
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

    /// A part of an export document of up to `count` events from `start` on, and how many it
    /// holds: fewer when the records' text it needs from their files would not be lent at once
    /// (that text is read again first). An error names a file that could not be read.
    pub async fn export_part(
        &self,
        ordered: &Selection,
        format: ExportFormat,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> Result<(String, usize), String> {
        let mut count = count.max(1);
        let reads = loop {
            let reads = self
                .dataset
                .with_value(|dataset| dataset.export_reads(ordered, format, columns, start, count));
            let wanted: u64 = reads
                .iter()
                .map(|read| read.decoded.end - read.decoded.start)
                .sum();
            if count == 1 || wanted <= EXPORT_LENT_BYTES {
                break reads;
            }
            count /= 2;
        };
        self.lend_texts(reads).await?;
        let part = self
            .dataset
            .try_with_value(|dataset| dataset.export_part(ordered, format, columns, start, count))
            .unwrap_or_else(|| Err("everything was cleared".to_owned()))?;
        Ok((part, count))
    }

    /// The first and last event time over everything loaded.
    pub fn time_span(&self) -> Option<(Millis, Millis)> {
        self.dataset.with_value(Dataset::time_span)
    }

    /// The `eventID` of an event.
    pub fn event_id_of(&self, event_idx: u32) -> Option<String> {
        self.dataset
            .with_value(|dataset| dataset.event_id_of(event_idx).map(Cow::into_owned))
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

/// An empty dataset, keeping as much record text as `?text-budget=MB` in the page's address
/// says (by default 256 MB; past it, text that is a slice of its file is left there).
fn fresh_dataset() -> Dataset {
    let mut dataset = Dataset::default();
    if let Some(megabytes) =
        crate::ui::address_parameter("text-budget").and_then(|value| value.parse::<usize>().ok())
    {
        dataset.set_resident_text_budget(megabytes << 20);
    }
    dataset
}

/// The bytes of `file` a read names (the whole file, or a range of it).
async fn read_bytes(file: &File, read: &FileRead) -> Result<Vec<u8>, String> {
    let blob: web_sys::Blob = match read.bytes() {
        None => file.clone().into(),
        Some(range) => file
            .slice_with_f64_and_f64(range.start as f64, range.end as f64)
            .map_err(|error| crate::ui::pool::describe(&error))?,
    };
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|error| crate::ui::pool::describe(&error))?;
    let buffer: js_sys::ArrayBuffer = buffer
        .dyn_into()
        .map_err(|_| "the browser gave no bytes".to_owned())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
