//! The app state: one `Copy` struct of signals in context, and the memos that turn
//! (revision, query) into view-models through the engine. Components only read these.

use leptos::prelude::*;

use crate::analytics::DEFAULT_COLUMNS;
use crate::analytics::{Dashboard, Dataset, FacetField, Ledger, Query, Selection, Sort};
use crate::ui::engine::Engine;

/// Where loading stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoadState {
    /// Nothing has been loaded yet, or everything was cleared.
    #[default]
    Idle,
    /// Files are being read.
    Loading,
    /// The last batch finished.
    Done,
}

impl LoadState {
    /// The state as the page spells it in `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadState::Idle => "idle",
            LoadState::Loading => "loading",
            LoadState::Done => "done",
        }
    }
}

/// Progress of the current (or last) batch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    /// Where loading stands.
    pub state: LoadState,
    /// Files read in this batch.
    pub files_done: u64,
    /// Files in this batch.
    pub files_total: u64,
    /// Bytes read in this batch.
    pub bytes_done: u64,
    /// Bytes in this batch, of the files whose size is known.
    pub bytes_total: u64,
    /// Files of this batch whose size is not known yet (learned as they are read).
    pub unsized_files: u64,
    /// Events kept so far in this batch.
    pub events: u64,
}

/// How long the last batch took.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSummary {
    /// Wall time from the first read to the last commit, in milliseconds.
    pub elapsed_ms: f64,
    /// Events kept by the batch.
    pub events: u64,
    /// Files in the batch.
    pub files: u64,
    /// Bytes read by the batch.
    pub bytes: u64,
    /// From the first read to the first dashboard showing events, in milliseconds.
    pub first_ms: Option<f64>,
    /// When the first file was read, in milliseconds from the page's time origin (as
    /// `performance.now()`), so a first painted dashboard can be timed from it.
    pub first_file_at: Option<f64>,
    /// Pool workers that read files (0: the page read them itself).
    pub workers: usize,
    /// WebAssembly memory at the end, page and workers together, in bytes.
    pub memory_bytes: f64,
    /// Milliseconds the workers spent reading this batch's files, all together.
    pub worker_ms: f64,
    /// Milliseconds the page spent adding what the workers read (absorbing their shards).
    pub absorb_ms: f64,
    /// Why fewer workers read than were asked for, if so.
    pub pool_problem: Option<String>,
    /// Why loading stopped before the batch's end (the memory budget), if it did.
    pub stopped: Option<String>,
    /// Files of the batch listed as not read because loading stopped.
    pub not_read: u64,
    /// Bytes of records' text kept in memory, and events whose text was left in their files,
    /// over everything loaded.
    pub text: (usize, u32),
    /// Bytes the page's heap holds, by the allocator's count.
    pub heap_bytes: f64,
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The seam to the analytics.
    pub engine: Engine,
    /// Bumped whenever the dataset changes; every memo depends on it.
    pub revision: RwSignal<u64>,
    /// What the user is looking at.
    pub query: RwSignal<Query>,
    /// The event open in the detail panel.
    pub open_event: RwSignal<Option<u32>>,
    /// The events picked for side-by-side comparison (at most `MAX_COMPARED`).
    pub compare: RwSignal<Vec<u32>>,
    /// Whether the comparison is shown.
    pub compare_open: RwSignal<bool>,
    /// The table's columns (keys: `time`, a field key, or a path).
    pub columns: RwSignal<Vec<String>>,
    /// The table's order.
    pub sort: RwSignal<Sort>,
    /// Whether times are shown in the browser's time zone instead of UTC.
    pub local_time: RwSignal<bool>,
    /// Events in the field index, and events stored: (indexed, total).
    pub index_progress: RwSignal<(u32, u32)>,
    /// Whether indexing stopped at the memory budget.
    pub index_stopped: RwSignal<bool>,
    /// Who built the last part of the field index: `workers` or `page`.
    pub indexed_by: RwSignal<&'static str>,
    /// Bumped as indexing goes on while the selection leaves out events not yet searchable, so
    /// the query is answered again.
    pub index_epoch: RwSignal<u64>,
    /// Why indexing stopped, when records' text could not be read again from a file.
    pub index_problem: RwSignal<Option<String>>,
    /// WebAssembly memory in bytes: the page's and its workers', as of the last load or the end
    /// of indexing.
    pub memory: RwSignal<(f64, f64)>,
    /// Bytes the page's heap holds by the allocator's count, as of the last load or the end of
    /// indexing (WebAssembly memory never shrinks; this does).
    pub heap: RwSignal<f64>,
    /// Loading progress.
    pub progress: RwSignal<Progress>,
    /// The last finished batch.
    pub last_load: RwSignal<Option<LoadSummary>>,
    /// The events the query selects.
    pub selection: Memo<Selection>,
    /// The selection in the table's order.
    pub ordered: Memo<Selection>,
    /// The dashboard of the selection.
    pub dashboard: Memo<Dashboard>,
    /// Every field of the indexed events, for the facets.
    pub facet_fields: Memo<Vec<FacetField>>,
    /// Totals over everything loaded.
    pub ledger: Memo<Ledger>,
}

impl AppState {
    /// Creates the state and its memos.
    pub fn new() -> Self {
        let engine = Engine::new();
        let revision = RwSignal::new(0u64);
        let query = RwSignal::new(Query::default());
        let index_epoch = RwSignal::new(0u64);
        let selection = Memo::new(move |_| {
            revision.track();
            query.with(|query| {
                if Dataset::needs_index(query) {
                    index_epoch.track();
                }
                engine.select(query)
            })
        });
        let sort = RwSignal::new(Sort::default());
        let ordered = Memo::new(move |_| {
            let selection = selection.get();
            sort.with(|sort| engine.sorted(&selection, sort))
        });
        let dashboard = Memo::new(move |_| {
            let selection = selection.get();
            query.with(|query| engine.dashboard(&selection, query))
        });
        let index_progress = RwSignal::new((0u32, 0u32));
        // Fields are listed again when indexing ends, not at every slice of it (the memo keeps
        // its value, so nothing downstream runs meanwhile).
        let index_stopped = RwSignal::new(false);
        let facet_fields = Memo::new(move |previous: Option<&Vec<FacetField>>| {
            let (indexed, total) = index_progress.get();
            match previous {
                Some(previous) if indexed < total && !index_stopped.get() => previous.clone(),
                _ => engine.facet_fields(),
            }
        });
        let ledger = Memo::new(move |_| {
            revision.track();
            engine.ledger()
        });
        Self {
            engine,
            revision,
            query,
            open_event: RwSignal::new(None),
            compare: RwSignal::new(Vec::new()),
            compare_open: RwSignal::new(false),
            columns: RwSignal::new(DEFAULT_COLUMNS.map(str::to_owned).to_vec()),
            sort,
            local_time: RwSignal::new(false),
            index_progress,
            index_stopped,
            indexed_by: RwSignal::new("page"),
            index_epoch,
            index_problem: RwSignal::new(None),
            memory: RwSignal::new((0.0, 0.0)),
            heap: RwSignal::new(0.0),
            progress: RwSignal::new(Progress::default()),
            last_load: RwSignal::new(None),
            selection,
            ordered,
            dashboard,
            facet_fields,
            ledger,
        }
    }

    /// Whether any file has been read.
    pub fn has_data(&self) -> bool {
        self.ledger.with(|ledger| ledger.n_files > 0)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// The app state from context.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}
