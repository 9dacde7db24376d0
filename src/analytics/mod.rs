//! The pure analytics core and its façade, [`Dataset`]: the only type the UI talks to.
//!
//! **Architecture invariant:** nothing under `analytics` depends on a web crate, reads a clock,
//! or spawns a thread. The `ui` cargo feature carries every web dependency, so
//! `cargo test --no-default-features` proves it; `clippy.toml` bans clocks and threads.
//!
//! **API boundary:** the UI uses [`Dataset`], [`Query`] and the view-model types re-exported
//! here; it never sees the store's columns.

pub mod aggregate;
pub(crate) mod bytes;
mod dashboard;
pub mod demo;
pub mod explore;
pub mod export;
pub mod generate;
pub mod ingest;
pub mod inspect;
pub mod model;
pub mod query;
pub mod raw_arena;
pub mod search;
pub mod store;
pub mod view_state;

pub use aggregate::errors::{rate_ceiling, CallerErrors, CodeCount, ErrorInsights, ErrorPair};
pub use aggregate::timeline::{Bucket, Timeline};
pub use aggregate::top::{TopItem, TopList};
pub use aggregate::totals::Totals;
pub use explore::facets::{FacetField, FacetValues};
pub use explore::related::Related;
pub use explore::table::{column_label, Sort, TableRow, DEFAULT_COLUMNS};
pub use explore::{index_part, IndexJob};
pub use export::{export_file_name, ExportFormat};
pub use ingest::{FileReport, FileStatus, RejectReason};
pub use inspect::{CompareRow, ComparedEvent, Comparison, JsonLine, LeafRef, MAX_COMPARED};
pub use model::field::Field;
pub use model::time::{format_utc, format_utc_seconds, parse_event_time, Millis};
pub use query::{FieldFilter, Lookup, LookupAttribute, PathFilter, Query, Selection, TimeRange};
pub use search::{ParseError, CIS_FILTERS};
pub use view_state::ViewState;

use std::sync::{Arc, Mutex};

use crate::analytics::ingest::decode::DEFAULT_MAX_DECODED_BYTES;
use crate::analytics::ingest::shard::ShardWriter;
use crate::analytics::ingest::stream::{FileIngest, DEFAULT_PIECE_BYTES};
pub use crate::analytics::raw_arena::{FileRead, Reread, LENT_BUDGET};
use crate::analytics::search::{Bitset, TermIndex};
use crate::analytics::store::{RecordSink, Store};

/// Where records read now go: the shard being written, if any, else the store.
fn sink<'a>(shard: &'a mut Option<ShardWriter>, store: &'a mut Store) -> &'a mut dyn RecordSink {
    match shard {
        Some(writer) => writer,
        None => store,
    }
}

/// Whether `text` is a query the query bar can apply, or where and why it is not.
pub fn check_query_text(text: &str) -> Result<(), ParseError> {
    search::parse(text).map(|_| ())
}

/// The fields the dashboard ranks, in display order.
pub const DASHBOARD_FIELDS: [Field; 7] = [
    Field::Caller,
    Field::EventName,
    Field::EventSource,
    Field::SourceIp,
    Field::Region,
    Field::Account,
    Field::ErrorCode,
];

/// How many items a top list shows.
pub const TOP_N: usize = 10;

/// Everything loaded: the event store and one report per file read.
#[derive(Debug)]
pub struct Dataset {
    store: Store,
    files: Vec<FileReport>,
    max_decoded_bytes: usize,
    piece_bytes: usize,
    /// The file being streamed in, if any.
    reading: Option<Reading>,
    /// The (path, value) index for query text, built on first use.
    search: TermIndex,
    /// Events `0..n_searchable` are in `search`.
    n_searchable: u32,
    /// Events indexed without their text, which could not be read again as loaded.
    unreadable_texts: u64,
    /// Whether the file being read can be read again (see [`Dataset::ingest_bytes_once`]).
    rereadable: bool,
    /// Set for a dataset that reads files for another one ([`Dataset::for_shards`]): records go
    /// here instead of into `store`.
    shard: Option<ShardWriter>,
    /// The dashboard of every committed event, kept until the store changes.
    everything: Mutex<Option<Arc<dashboard::Everything>>>,
}

/// A file whose bytes are arriving.
#[derive(Debug)]
enum Reading {
    /// Too few bytes yet to tell a zip archive from anything else.
    Opening {
        path: String,
        size_bytes: u64,
        head: Vec<u8>,
    },
    /// A zip archive: its directory is at its end, so it is gathered whole (up to the limit).
    Archive {
        path: String,
        size_bytes: u64,
        bytes: Vec<u8>,
    },
    /// Anything else, read as it arrives.
    Stream(Box<FileIngest>),
}

impl Default for Dataset {
    fn default() -> Self {
        Self {
            store: Store::new(),
            files: Vec::new(),
            max_decoded_bytes: DEFAULT_MAX_DECODED_BYTES,
            piece_bytes: DEFAULT_PIECE_BYTES,
            reading: None,
            search: TermIndex::new(),
            n_searchable: 0,
            unreadable_texts: 0,
            rereadable: true,
            shard: None,
            everything: Mutex::new(None),
        }
    }
}

/// The ledger of everything loaded: `read == indexed + duplicates + rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Files read.
    pub n_files: u64,
    /// Records read.
    pub read: u64,
    /// Records kept as events.
    pub indexed: u64,
    /// Identical copies dropped.
    pub duplicates: u64,
    /// Events kept although their `eventID` was taken by different content.
    pub conflicts: u64,
    /// Records that could not be shown.
    pub rejected: u64,
    /// Files listed but not read (loading stopped before them); they hold no records.
    pub not_read: u64,
}

/// The dashboard of a selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    /// Headline numbers.
    pub totals: Totals,
    /// Events over time.
    pub timeline: Timeline,
    /// One list per entry of [`DASHBOARD_FIELDS`].
    pub tops: Vec<TopList>,
    /// Error-rate insights.
    pub errors: ErrorInsights,
}

/// One row of the event table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event's position in the store, for asking its detail.
    pub event_idx: u32,
    /// `eventID`.
    pub event_id: String,
    /// Event time; `None` for an undated event.
    pub time: Option<Millis>,
    /// `eventName`.
    pub event_name: String,
    /// `eventSource`.
    pub event_source: String,
    /// The readable caller.
    pub caller: String,
    /// `sourceIPAddress`.
    pub source_ip: String,
    /// `awsRegion`.
    pub region: String,
    /// `errorCode`.
    pub error_code: String,
}

/// Everything known about one event, for the detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetail {
    /// The event's position in the store.
    pub event_idx: u32,
    /// `eventID`.
    pub event_id: String,
    /// The record, pretty-printed with its keys in their original order.
    pub json: String,
    /// The file it was first read from.
    pub file_path: String,
    /// Identical copies dropped.
    pub duplicates: u32,
    /// Whether another event has the same `eventID` and different content.
    pub conflict: bool,
    /// ARNs in `resources`.
    pub resource_arns: Vec<String>,
    /// A note on the event's time when it is not CloudTrail's own `eventTime`.
    pub time_note: Option<String>,
    /// A note when the record is not CloudTrail's full record (read from a CSV export).
    pub source_note: Option<String>,
    /// Set when the record's text is not at hand: it is being read again from its file, or
    /// the file changed since it was loaded. `json` is empty then.
    pub text_note: Option<String>,
}

impl Dataset {
    /// [`Dataset::ingest_file`] for bytes that will not be at hand again (generated in
    /// memory): every record's text is kept, whatever the budget.
    pub fn ingest_bytes_once(&mut self, path: &str, bytes: &[u8]) -> &FileReport {
        self.rereadable = false;
        let at = self.files.len();
        self.ingest_file(path, bytes);
        self.rereadable = true;
        &self.files[at]
    }

    /// Reads one file and returns its report. The events become visible at [`Dataset::commit`].
    ///
    /// A zip archive gets a row of its own (no records) and one row per entry, each entry read
    /// like a file; the archive's row is returned.
    pub fn ingest_file(&mut self, path: &str, bytes: &[u8]) -> &FileReport {
        self.begin_file(path, bytes.len() as u64);
        // The first report this file pushes: its own, or an archive's row before its entries.
        let at = self.files.len();
        self.push_file_bytes(bytes);
        self.end_reading();
        &self.files[at]
    }

    /// Starts reading a file whose bytes will arrive in chunks through
    /// [`Dataset::push_file_bytes`]; [`Dataset::end_file`] ends it. A file of any size is read
    /// this way without ever being held whole (zip archives excepted). A file still being read
    /// is ended first.
    pub fn begin_file(&mut self, path: &str, size_bytes: u64) {
        self.end_reading();
        self.reading = Some(Reading::Opening {
            path: path.to_owned(),
            size_bytes,
            head: Vec::new(),
        });
    }

    /// Reads the next bytes of the file begun with [`Dataset::begin_file`]; records in them
    /// are stored as soon as a piece of the file is complete (visible at the next commit).
    pub fn push_file_bytes(&mut self, bytes: &[u8]) {
        match &mut self.reading {
            Some(Reading::Opening { head, .. }) => {
                head.extend_from_slice(bytes);
                self.open_when_known(false);
            }
            // Past the limit the archive is refused at its end; its bytes need not be kept.
            Some(Reading::Archive {
                bytes: bytes_so_far,
                ..
            }) if bytes_so_far.len() <= self.max_decoded_bytes => {
                bytes_so_far.extend_from_slice(bytes);
            }
            Some(Reading::Archive { .. }) | None => {}
            Some(Reading::Stream(file)) => file.push(sink(&mut self.shard, &mut self.store), bytes),
        }
    }

    /// Once four bytes are in (or the file ends), tells a zip archive from anything else.
    fn open_when_known(&mut self, ended: bool) {
        let Some(Reading::Opening { head, .. }) = &self.reading else {
            return;
        };
        if head.len() < 4 && !ended {
            return;
        }
        let Some(Reading::Opening {
            path,
            size_bytes,
            head,
        }) = self.reading.take()
        else {
            return;
        };
        if ingest::archive::is_zip(&head) {
            self.reading = Some(Reading::Archive {
                path,
                size_bytes,
                bytes: head,
            });
            return;
        }
        let file_idx = self.files.len() as u32;
        let mut file = FileIngest::new(file_idx, &path, size_bytes, self.max_decoded_bytes)
            .with_piece_bytes(self.piece_bytes);
        if !self.rereadable {
            file = file.not_rereadable();
        }
        file.push(sink(&mut self.shard, &mut self.store), &head);
        self.reading = Some(Reading::Stream(Box::new(file)));
    }

    /// Ends the file begun with [`Dataset::begin_file`] and returns its report (for a zip
    /// archive, the report of its last entry), or `None` when no file was being read.
    pub fn end_file(&mut self) -> Option<&FileReport> {
        if self.end_reading() {
            self.files.last()
        } else {
            None
        }
    }

    /// Ends the file being read, if any; returns whether there was one.
    fn end_reading(&mut self) -> bool {
        self.open_when_known(true);
        match self.reading.take() {
            Some(Reading::Stream(file)) => {
                let report = file.finish(sink(&mut self.shard, &mut self.store));
                self.files.push(report);
            }
            Some(Reading::Archive {
                path,
                size_bytes,
                bytes,
            }) => {
                if bytes.len() > self.max_decoded_bytes {
                    let reason = format!(
                        "a zip archive larger than {} MB, the per-file limit: unzip it and open the folder, or raise the limit",
                        self.max_decoded_bytes >> 20
                    );
                    self.reject_file(&path, size_bytes, &reason);
                } else {
                    self.ingest_archive(&path, &bytes, 0);
                }
            }
            Some(Reading::Opening { .. }) | None => return false,
        }
        true
    }

    /// Ends the file being read early because the rest of it could not be had (`reason`, for
    /// the report): what arrived is kept and the file is partial.
    pub fn interrupt_file(&mut self, reason: &str) -> Option<&FileReport> {
        self.open_when_known(true);
        if let Some(Reading::Stream(file)) = &mut self.reading {
            file.interrupt(reason.to_owned());
        }
        self.end_file()
    }

    /// Sets how much record text is kept (default 256 MB). Once a load passes it, every record
    /// whose text is a slice of its file, loaded before or after, keeps only where it is, and
    /// the text is read again from the file when wanted (see [`Dataset::text_reads`],
    /// [`Dataset::lend_text`]).
    pub fn set_resident_text_budget(&mut self, bytes: usize) {
        self.store.set_resident_budget(bytes);
    }

    /// Sets how much decoded text is gathered before a piece of a file is read (default
    /// [`DEFAULT_PIECE_BYTES`]). Smaller pieces only cost speed; tests use one byte to cut
    /// files at every possible place.
    pub fn set_piece_bytes(&mut self, piece_bytes: usize) {
        self.piece_bytes = piece_bytes.max(1);
    }

    /// One entry of an archive, read whole.
    fn ingest_entry(&mut self, path: &str, bytes: &[u8]) {
        if ingest::archive::is_zip(bytes) {
            self.ingest_archive(path, bytes, 1);
            return;
        }
        let file_idx = self.files.len() as u32;
        let mut file = FileIngest::new(file_idx, path, bytes.len() as u64, self.max_decoded_bytes)
            .with_piece_bytes(self.piece_bytes)
            .not_rereadable();
        let sink = sink(&mut self.shard, &mut self.store);
        file.push(sink, bytes);
        let report = file.finish(sink);
        self.files.push(report);
    }

    /// The most bytes one file may decompress to; beyond it the file is read only that far.
    pub fn decoded_size_limit(&self) -> usize {
        self.max_decoded_bytes
    }

    /// Sets the per-file decompressed size limit for files read from now on (at least 1 MB).
    pub fn set_decoded_size_limit(&mut self, bytes: usize) {
        self.max_decoded_bytes = bytes.max(1 << 20);
    }

    fn ingest_archive(&mut self, path: &str, bytes: &[u8], depth: u8) -> &FileReport {
        let archive_idx = self.files.len();
        let mut archive = FileReport::new(path, bytes.len() as u64);
        archive.format = "zip archive";
        if depth > 0 {
            self.files.push(FileReport {
                status: FileStatus::Rejected,
                message: "an archive inside an archive: open it first".to_owned(),
                ..archive
            });
            return &self.files[archive_idx];
        }
        let entries = match ingest::archive::entries(path, bytes, self.max_decoded_bytes) {
            Ok(entries) => entries,
            Err(reason) => {
                archive.status = FileStatus::Rejected;
                archive.message = reason;
                self.files.push(archive);
                return &self.files[archive_idx];
            }
        };
        archive.message = format!(
            "{} files inside, each listed as archive/path",
            entries.len()
        );
        self.files.push(archive);
        for entry in entries {
            match entry {
                ingest::archive::Entry::File {
                    path,
                    bytes,
                    cut_at_limit,
                } => {
                    let entry_idx = self.files.len();
                    self.ingest_entry(&path, &bytes);
                    if cut_at_limit {
                        let report = &mut self.files[entry_idx];
                        if report.status == FileStatus::Ok {
                            report.status = FileStatus::Partial;
                        }
                        let note = "larger than the per-file limit (raise it in the Files panel and load the archive again): read up to the limit";
                        report.message = if report.message.is_empty() {
                            note.to_owned()
                        } else {
                            format!("{note}; {}", report.message)
                        };
                    }
                }
                ingest::archive::Entry::Unreadable { path, reason } => {
                    self.reject_file(&path, 0, &reason);
                }
            }
        }
        &self.files[archive_idx]
    }

    /// A dataset that reads files for another one, as a worker does: what it reads is kept
    /// only until [`Dataset::take_shard`] hands it over for [`Dataset::absorb_shard`].
    pub fn for_shards() -> Self {
        Self {
            shard: Some(ShardWriter::default()),
            ..Self::default()
        }
    }

    /// The files read since the last call (ending the one being read), with their records, as
    /// one buffer for [`Dataset::absorb_shard`]; the dataset is left empty. Empty for a
    /// dataset not made by [`Dataset::for_shards`].
    pub fn take_shard(&mut self) -> Vec<u8> {
        self.end_reading();
        let files = std::mem::take(&mut self.files);
        self.shard
            .as_mut()
            .map(|writer| writer.finish(&files))
            .unwrap_or_default()
    }

    /// For a dataset made by [`Dataset::for_shards`]: whether records' text that is a slice
    /// of its file is handed over anyway, or left there (see [`Dataset::keeps_text`]).
    pub fn set_keep_text(&mut self, keep_text: bool) {
        if let Some(writer) = &mut self.shard {
            writer.set_keep_text(keep_text);
        }
    }

    /// Whether record text added now would still be kept here (32 MB short of the budget,
    /// [`Dataset::set_resident_text_budget`]), so a reader elsewhere should send it.
    pub fn keeps_text(&self) -> bool {
        self.store.keeps_text(32 << 20)
    }

    /// How file `file_idx` is read again for text left in it, if it can be.
    fn reread(&self, file_idx: u32) -> Option<raw_arena::Reread> {
        self.files.get(file_idx as usize)?.reread
    }

    /// The reads of files that the text of `events` needs and that are not lent now (see
    /// [`Dataset::lend_text`]); empty when every one's text is at hand.
    pub fn text_reads(&self, events: &[u32]) -> Vec<FileRead> {
        self.store
            .text_reads(events.iter().copied(), |file_idx| self.reread(file_idx))
    }

    /// Lends the dataset text read again from a file: `given` holds the bytes
    /// [`FileRead::bytes`] names. An error names the file and says what does not fit (it
    /// changed since it was loaded).
    pub fn lend_text(&mut self, read: &FileRead, given: &[u8]) -> Result<(), String> {
        let path = self
            .files
            .get(read.file_idx as usize)
            .map_or("", |file| file.path.as_str());
        let text = raw_arena::decoded_range(read, given).map_err(|reason| {
            format!("{path} could not be read again for its records' text: {reason}")
        })?;
        self.store.lend(read.file_idx, read.decoded.start, text);
        Ok(())
    }

    /// Bytes held by the events' columns and dictionaries (everything but their text and the
    /// search index), and by their text (kept, or its place in the file and its hash).
    pub fn store_memory_bytes(&self) -> (usize, usize) {
        (
            self.store.core_memory_bytes(),
            self.store.raw_memory_bytes(),
        )
    }

    /// The bytes of each part of the events' columns and dictionaries, by name (for measuring).
    pub fn store_memory_parts(&self) -> Vec<(String, usize)> {
        self.store.core_memory_parts()
    }

    /// Bytes of records' text kept in memory, and how many events' text was left in their files.
    pub fn text_figures(&self) -> (usize, u32) {
        self.store.text_figures()
    }

    /// Drops the text lent from files (read again for a view or the index); it is read again
    /// when next wanted.
    pub fn release_loans(&mut self) {
        self.store.release_loans();
    }

    /// How many records read are held, waiting for text left in files to be compared with
    /// (see [`Dataset::settle_held`]).
    pub fn n_held(&self) -> usize {
        self.store.n_held()
    }

    /// The reads of files that held records wait for.
    pub fn held_reads(&self) -> Vec<FileRead> {
        self.store.held_reads(|file_idx| self.reread(file_idx))
    }

    /// Places the held records whose comparison can be made now that their files' text is lent
    /// ([`Dataset::held_reads`], [`Dataset::lend_text`]), and counts them in their files'
    /// ledgers; with `force`, every one (a record still not comparable is kept as a conflict:
    /// not proven the same). Visible at the next commit.
    pub fn settle_held(&mut self, force: bool) {
        for (file_idx, placement, time) in self.store.settle_held(force) {
            if let Some(report) = self.files.get_mut(file_idx as usize) {
                report.held = report.held.saturating_sub(1);
                ingest::count_placement(report, placement, time);
            }
        }
    }

    /// Adds the files read elsewhere ([`Dataset::take_shard`]) and places their records, as if
    /// they had been read here, after everything read so far; visible at the next commit.
    /// Returns how many file reports were added.
    pub fn absorb_shard(&mut self, shard: &[u8]) -> Result<usize, String> {
        self.end_reading();
        let first = self.files.len() as u32;
        let reports = ingest::shard::absorb(&mut self.store, shard, first)?;
        let added = reports.len();
        self.files.extend(reports);
        Ok(added)
    }

    /// Makes every ingested event visible to queries.
    pub fn commit(&mut self) {
        self.store.commit();
    }

    /// Records a file that could not even be read (the browser refused it), so it is listed.
    pub fn reject_file(&mut self, path: &str, size_bytes: u64, reason: &str) -> &FileReport {
        self.list_unread(path, size_bytes, FileStatus::Rejected, reason)
    }

    /// Records a file that was not read because loading stopped before it, so it is listed
    /// with the reason and counted as not read; it holds no records.
    pub fn skip_file(&mut self, path: &str, size_bytes: u64, reason: &str) -> &FileReport {
        self.list_unread(path, size_bytes, FileStatus::Skipped, reason)
    }

    fn list_unread(
        &mut self,
        path: &str,
        size_bytes: u64,
        status: FileStatus,
        reason: &str,
    ) -> &FileReport {
        self.end_reading();
        self.files.push(FileReport {
            status,
            message: reason.to_owned(),
            ..FileReport::new(path, size_bytes)
        });
        let last = self.files.len() - 1;
        &self.files[last]
    }

    /// Every file read, in the order read.
    pub fn files(&self) -> &[FileReport] {
        &self.files
    }

    /// Makes room for about `events` more events, so that storing them rehashes and moves
    /// nothing already held (see [`Store::reserve_ahead`]).
    pub fn reserve_ahead(&mut self, events: usize) {
        self.store.reserve_ahead(events);
    }

    /// The number of events kept.
    pub fn n_events(&self) -> usize {
        self.store.len()
    }

    /// The totals over every file read.
    pub fn ledger(&self) -> Ledger {
        let mut ledger = Ledger {
            n_files: self.files.len() as u64,
            ..Ledger::default()
        };
        for file in &self.files {
            ledger.read += file.read;
            ledger.indexed += file.indexed;
            ledger.duplicates += file.duplicates;
            ledger.conflicts += file.conflicts;
            ledger.rejected += file.rejected;
            ledger.not_read += u64::from(file.status == FileStatus::Skipped);
        }
        ledger
    }

    /// The events `query` selects. Query text, path filters, lookups and the pivot are
    /// answered from the search index for the events in it (see [`Dataset::prepare_search`],
    /// [`Dataset::index_some`]) and by reading the others' records.
    /// Text that does not parse selects nothing ([`check_query_text`] says why).
    pub fn select(&self, query: &Query) -> Selection {
        if !Self::needs_index(query) {
            return query::select(&self.store, query, None);
        }
        let index_matches = self.index_matches(query);
        query::select(&self.store, query, Some(&index_matches))
            .with_unsearched(self.n_unsearchable())
    }

    /// The events `expr` selects, as a bitset over every stored event.
    fn text_matches(&self, expr: &search::Expr) -> Bitset {
        let n_events = self.store.len() as u32;
        let mut matches = self.search.execute(expr, n_events);
        for event_idx in self.n_searchable..n_events {
            if self
                .record_value(event_idx)
                .is_some_and(|record| search::matches_value(expr, &record))
            {
                matches.insert(event_idx);
            }
        }
        matches
    }

    /// Adds every event not yet in the search index to it, so that query text is answered
    /// from the index, up to the first whose text is in a file not lent now. Called before
    /// selecting with text; the first call reads every record.
    pub fn prepare_search(&mut self) {
        self.index_some(usize::MAX);
    }

    /// Adds one stored event to the search index, read from its text (parsed first only when
    /// the text needs it: see [`search::TermIndex::add_text`]); returns `false`, adding
    /// nothing, when the text is in a file not lent now.
    fn index_event(&mut self, event_idx: u32) -> bool {
        match self.store.text(event_idx) {
            Ok(text) => {
                self.search.add_record_text(event_idx, text);
                true
            }
            Err(raw_arena::Missing::NotLent) => false,
            // The file changed since it was loaded: the event is searchable by its fields only.
            Err(raw_arena::Missing::Changed) => {
                self.unreadable_texts += 1;
                self.search.add_record_text(event_idx, "{}");
                true
            }
        }
    }

    /// One stored record's text; an error says why it is not at hand, naming its file.
    pub(crate) fn record_text(&self, event_idx: u32) -> Result<&str, String> {
        self.store
            .text(event_idx)
            .map_err(|missing| self.text_missing_note(event_idx, missing))
    }

    /// One stored record, parsed; `None` when its text is not JSON or not at hand.
    fn record_value(&self, event_idx: u32) -> Option<serde_json::Value> {
        serde_json::from_str(self.store.text(event_idx).ok()?).ok()
    }

    /// How many events not yet in the search index have their text in a file not lent now:
    /// queries that need the index cannot answer for them yet.
    pub fn n_unsearchable(&self) -> u32 {
        let n_events = self.store.len() as u32;
        (self.n_searchable..n_events)
            .filter(|&event_idx| !self.store.text_at_hand(event_idx))
            .count() as u32
    }

    /// How many events' text could not be read again as it was loaded (their file changed),
    /// so the search index holds only their fields.
    pub fn n_unreadable_texts(&self) -> u64 {
        self.unreadable_texts
    }

    /// Bytes held by the search index (0 until it is first used).
    pub fn search_memory_bytes(&self) -> usize {
        self.search.memory_bytes()
    }

    /// Rows `[start, start + count)` of `selection`, newest first.
    pub fn rows(&self, selection: &Selection, start: usize, count: usize) -> Vec<EventRow> {
        let ids = selection.ids();
        let store = &self.store;
        ids.iter()
            .rev()
            .skip(start)
            .take(count)
            .map(|&event_idx| EventRow {
                event_idx,
                event_id: store.event_id(event_idx).into_owned(),
                time: Some(store.time(event_idx)).filter(|&time| time != model::time::UNDATED),
                event_name: store.value(Field::EventName, event_idx).to_owned(),
                event_source: store.value(Field::EventSource, event_idx).to_owned(),
                caller: store.value(Field::Caller, event_idx).to_owned(),
                source_ip: store.value(Field::SourceIp, event_idx).to_owned(),
                region: store.value(Field::Region, event_idx).to_owned(),
                error_code: store.value(Field::ErrorCode, event_idx).to_owned(),
            })
            .collect()
    }

    /// The full record of one event.
    pub fn event_detail(&self, event_idx: u32) -> Option<EventDetail> {
        let store = &self.store;
        if event_idx as usize >= store.len() {
            return None;
        }
        let (raw, text_note) = match store.text(event_idx) {
            Ok(text) => (text, None),
            Err(missing) => ("", Some(self.text_missing_note(event_idx, missing))),
        };
        // One parse serves the pretty text and the CSV mark.
        let value = serde_json::from_str::<serde_json::Value>(raw).ok();
        let json = value
            .as_ref()
            .and_then(|value| serde_json::to_string_pretty(value).ok())
            .unwrap_or_else(|| raw.to_owned());
        let from_csv = value
            .as_ref()
            .is_some_and(|value| value.get(ingest::csv_export::SOURCE_FIELD).is_some());
        Some(EventDetail {
            event_idx,
            event_id: store.event_id(event_idx).into_owned(),
            json,
            file_path: self
                .files
                .get(store.file_idx(event_idx) as usize)
                .map(|file| file.path.clone())
                .unwrap_or_default(),
            duplicates: store.duplicates(event_idx),
            conflict: store.is_conflict(event_idx),
            resource_arns: store.resource_arns(event_idx).map(str::to_owned).collect(),
            time_note: time_note(raw),
            source_note: from_csv.then(|| ingest::csv_export::SOURCE_NOTE.to_owned()),
            text_note,
        })
    }

    /// Why an event's text is not at hand, naming its file.
    fn text_missing_note(&self, event_idx: u32, missing: raw_arena::Missing) -> String {
        let path = self
            .files
            .get(self.store.file_idx(event_idx) as usize)
            .map_or("", |file| file.path.as_str());
        match missing {
            raw_arena::Missing::NotLent => format!("reading the record from {path}…"),
            raw_arena::Missing::Changed => format!(
                "{path} changed since it was loaded: this record's text is no longer in it (its fields above are as loaded)"
            ),
        }
    }
}

/// Says where an event's time came from when it is not `eventTime`.
fn time_note(raw: &str) -> Option<String> {
    let raw: &serde_json::value::RawValue = serde_json::from_str(raw).ok()?;
    match ingest::normalize::normalize(raw).ok()?.time_source {
        ingest::normalize::TimeSource::EventTime => None,
        ingest::normalize::TimeSource::PipelineTimestamp => {
            Some("eventTime is missing: the time shown is the pipeline's @timestamp".to_owned())
        }
        ingest::normalize::TimeSource::Undated(None) => {
            Some("undated: the record has no eventTime, so it is outside the timeline and the time span".to_owned())
        }
        ingest::normalize::TimeSource::Undated(Some(text)) => Some(format!(
            "undated: eventTime {text:?} is not a date and time, so the event is outside the timeline and the time span"
        )),
    }
}
