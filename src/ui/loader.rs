//! Getting files into the engine: the file and folder inputs, dropped files and folders (walked
//! recursively), and the built-in demo. Two lanes per pool worker take files from the queue as
//! their worker frees up (small files in batches): the worker reads them and the page absorbs
//! the shard. Without
//! workers (or for the demo and very large files) the page reads a file itself, in slices of
//! [`SLICE_BYTES`] (a file is never held whole), yielding to the browser every few milliseconds
//! of work so the page stays responsive and the progress bar moves.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use futures::future::join_all;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
    HtmlInputElement,
};

use crate::analytics::demo::demo_files;
use crate::ui::format;
use crate::ui::heap;
use crate::ui::pool::{
    self, Lane, Pool, BATCH_BYTES, BATCH_FILES, MAX_WORKER_FILE_BYTES, SMALL_FILE_BYTES,
};
use crate::ui::state::{AppState, LoadState, LoadSummary};

/// Where a file's bytes come from.
pub enum Source {
    /// A file the user gave the browser.
    Browser(File),
    /// Bytes already in memory (the demo).
    Memory(Vec<u8>),
}

/// One file waiting to be read.
pub struct InputFile {
    /// The path shown in the ingest report (relative to the chosen folder's parent).
    pub path: String,
    /// Size in bytes, when known: a file's size costs the browser a round trip to the disk
    /// (about 0.3 ms), so it is asked a few files at a time once chosen, and past
    /// [`SIZED_FILES`] files of one choice it is learned when the file is read, off the page
    /// when a worker reads it.
    pub size: Option<u64>,
    /// Its bytes.
    pub source: Source,
}

/// Files waiting to be read, shared by every way of adding files, and the workers that read
/// them.
#[derive(Clone, Copy)]
pub struct LoadQueue {
    pending: StoredValue<VecDeque<InputFile>, LocalStorage>,
    running: StoredValue<bool, LocalStorage>,
    pool: StoredValue<Rc<Pool>, LocalStorage>,
}

impl LoadQueue {
    /// An empty queue, with the reader pool started ([`pool::wanted_workers`]).
    pub fn new() -> Self {
        Self {
            pending: StoredValue::new_local(VecDeque::new()),
            running: StoredValue::new_local(false),
            pool: StoredValue::new_local(Rc::new(Pool::start(pool::wanted_workers()))),
        }
    }

    /// The reader pool.
    pub fn pool(&self) -> Rc<Pool> {
        self.pool.get_value()
    }
}

impl Default for LoadQueue {
    fn default() -> Self {
        Self::new()
    }
}

/// Adds files to the queue and starts reading them if nothing is being read.
pub fn load(state: AppState, queue: LoadQueue, inputs: Vec<InputFile>) {
    load_since(state, queue, inputs, now_ms());
}

/// Generates the built-in demo trail and loads it; its load time includes the generation.
pub fn load_demo(state: AppState, queue: LoadQueue) {
    let started = now_ms();
    let inputs = demo_files()
        .into_iter()
        .map(|file| InputFile {
            path: file.path,
            size: Some(file.bytes.len() as u64),
            source: Source::Memory(file.bytes),
        })
        .collect();
    load_since(state, queue, inputs, started);
}

/// [`load`], with the batch's clock started at `started` (if it starts a batch).
fn load_since(state: AppState, queue: LoadQueue, inputs: Vec<InputFile>, started: f64) {
    if inputs.is_empty() {
        return;
    }
    let n_files = inputs.len() as u64;
    let n_bytes: u64 = inputs.iter().filter_map(|input| input.size).sum();
    let n_unsized = inputs.iter().filter(|input| input.size.is_none()).count() as u64;
    let running = queue.running.get_value();
    state.progress.update(|progress| {
        if !running {
            *progress = crate::ui::state::Progress {
                state: LoadState::Loading,
                ..Default::default()
            };
        }
        progress.files_total += n_files;
        progress.bytes_total += n_bytes;
        progress.unsized_files += n_unsized;
    });
    queue.pending.update_value(|pending| pending.extend(inputs));
    // The first files' sizes now, as the lanes take them at once (a file of unknown size may be
    // batched as small); the others' a slice at a time, so choosing a folder is no long task.
    size_pending(state, queue, SIZED_AT_ONCE, f64::INFINITY);
    if n_unsized > SIZED_AT_ONCE as u64 {
        spawn_local(async move {
            let mut left = SIZED_FILES - SIZED_AT_ONCE;
            while left > 0 {
                TimeoutFuture::new(0).await;
                let (sized, more) = size_pending(state, queue, left, YIELD_EVERY_MS / 2.0);
                left = left.saturating_sub(sized);
                if !more {
                    break;
                }
            }
        });
    }
    if !running {
        queue.running.set_value(true);
        spawn_local(run(state, queue, started));
    }
}

/// How often, at most, the progress bar moves between refreshes of the dashboard.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// How often, at most, the dashboard is refreshed while files are still arriving: every 300 ms
/// at first, then every quarter of the time since it first showed events, up to 1.2 s. A
/// refresh costs the page about the same at any size (at 1M events, some 35 ms of script and
/// as much rendering), and on two cores the page's time is taken from the workers; a long load
/// learns little from each refresh that the progress bar does not already say.
const REFRESH_MIN_MS: f64 = 300.0;
/// The longest wait between refreshes while files arrive (see [`REFRESH_MIN_MS`]).
const REFRESH_MAX_MS: f64 = 1200.0;
/// How long the loop may work before it yields to the browser: well under one 50 ms long task,
/// and rarely enough that the timer's minimum delay (about 4 ms) does not dominate small files.
const YIELD_EVERY_MS: f64 = 12.0;

/// How much of a file is read from the browser at a time: a file of any size is read in slices
/// and never held whole.
const SLICE_BYTES: u64 = 8 << 20;

/// The batch's clocks and what it has loaded, shared by the lanes reading it.
struct Pace {
    state: AppState,
    started: f64,
    last_refresh: Cell<f64>,
    last_yield: Cell<f64>,
    /// When the dashboard first showed events of this batch.
    first_shown: Cell<Option<f64>>,
    /// When the first file of this batch was read (by a worker or the page).
    first_file: Cell<Option<f64>>,
    /// Whether the page's own dataset is in the middle of reading a file (between
    /// `begin_file` and `end_file`): nothing else may be added to it then.
    page_reading: Cell<bool>,
    events: Cell<u64>,
    files: Cell<u64>,
    bytes: Cell<u64>,
    /// Milliseconds spent absorbing shards.
    absorb_ms: Cell<f64>,
    /// Heap bytes in use past which loading stops ([`heap::load_budget_bytes`]).
    budget: f64,
    /// Why loading stopped part-way, once it has.
    stopped: RefCell<Option<String>>,
    /// Files of the batch listed as not read because loading stopped.
    not_read: Cell<u64>,
    /// Whether room has been made for the rest of the batch's events.
    reserved: Cell<bool>,
    /// Bytes, events and files counted but not yet shown by the progress bar.
    unshown: Cell<(u64, u64, u64)>,
    /// When the progress bar last moved.
    last_progress: Cell<f64>,
}

impl Pace {
    /// Counts `bytes` read and `events` added, and refreshes the dashboard as soon as the batch
    /// has its first events, then now and then. The progress bar moves with each refresh and at
    /// most every [`PROGRESS_EVERY_MS`] between them: each move costs the browser a rendering
    /// update, and files can land every few milliseconds.
    fn count(&self, bytes: u64, events: u64, files: u64) {
        let (unshown_bytes, unshown_events, unshown_files) = self.unshown.get();
        self.unshown.set((
            unshown_bytes + bytes,
            unshown_events + events,
            unshown_files + files,
        ));
        let refresh = self.refresh_due(events);
        if refresh || now_ms() - self.last_progress.get() > PROGRESS_EVERY_MS {
            self.show_progress();
        }
        self.reserve_for_the_rest();
        if refresh {
            self.state.engine.commit();
            self.state.revision.update(|revision| *revision += 1);
            self.last_refresh.set(now_ms());
            if self.state.engine.n_events() > 0 && self.first_shown.get().is_none() {
                self.first_shown.set(Some(now_ms()));
            }
        }
    }

    /// Whether the dashboard should be refreshed once `events` more are counted: as soon as the
    /// batch has its first events, then at the pace of [`REFRESH_MIN_MS`] and [`REFRESH_MAX_MS`].
    fn refresh_due(&self, events: u64) -> bool {
        let now = now_ms();
        let every = self.first_shown.get().map_or(REFRESH_MIN_MS, |first| {
            ((now - first) / 4.0).clamp(REFRESH_MIN_MS, REFRESH_MAX_MS)
        });
        (events > 0 && self.first_shown.get().is_none()) || now - self.last_refresh.get() > every
    }

    /// Moves the progress bar by what has been counted since it last moved.
    fn show_progress(&self) {
        let (bytes, events, files) = self.unshown.take();
        if (bytes, events, files) == (0, 0, 0) {
            return;
        }
        self.state.progress.update(|progress| {
            progress.files_done += files;
            progress.bytes_done += bytes;
            progress.events += events;
        });
        self.last_progress.set(now_ms());
    }

    /// Once a sixteenth of the batch's files (and 5,000 events) are in, makes room for as many
    /// events again per file in the files left, and a tenth more (no more than the memory budget
    /// could hold): the store's tables then grow once, early, instead of doubling as they fill,
    /// each doubling a long task.
    fn reserve_for_the_rest(&self) {
        if self.reserved.get() {
            return;
        }
        let (_, unshown_events, unshown_files) = self.unshown.get();
        let (done, total, events) = self.state.progress.with_untracked(|progress| {
            (
                progress.files_done + unshown_files,
                progress.files_total,
                progress.events + unshown_events,
            )
        });
        if done == 0 || done * 16 < total || events < 5_000 || done >= total {
            return;
        }
        self.reserved.set(true);
        let ahead = events.saturating_mul(total - done) / done;
        let ahead = ahead.saturating_add(ahead / 10) as f64;
        // No more than the memory budget could hold at the bytes per event held so far: room
        // made for events that will not fit would only make loading stop sooner.
        let in_use = heap::in_use_bytes().max(1.0);
        let stored = self.state.engine.n_events().max(1) as f64;
        let fit = (self.budget - in_use).max(0.0) / (in_use / stored);
        self.state.engine.reserve_ahead(ahead.min(fit) as usize);
    }

    /// [`Pace::count`], then a yield to the browser once a slice of work is done. A refresh
    /// after the first gets a task of its own rather than ending the task that absorbed or read
    /// the events: together they would more often be one long task.
    async fn step(&self, bytes: u64, events: u64, files: u64) {
        if self.first_shown.get().is_some() && self.refresh_due(events) {
            TimeoutFuture::new(0).await;
            self.last_yield.set(now_ms());
        }
        self.count(bytes, events, files);
        if now_ms() - self.last_yield.get() > YIELD_EVERY_MS {
            TimeoutFuture::new(0).await;
            self.last_yield.set(now_ms());
        }
    }

    /// Notes that a file has been read (its events are not yet added).
    fn file_read(&self) {
        if self.first_file.get().is_none() {
            self.first_file.set(Some(now_ms()));
        }
    }

    /// Why loading must stop, once the page's heap holds more than the budget: files not yet
    /// read are then listed as not read, and what is loaded stays usable.
    fn over_budget(&self) -> Option<String> {
        let in_use = heap::in_use_bytes();
        if in_use <= self.budget {
            return None;
        }
        let reason = format!(
            "the page's memory budget for loading was reached ({} in use, budget {}); what is \
             loaded stays usable. Load the rest in another tab, or fewer files at a time",
            format::bytes(in_use as u64),
            format::bytes(self.budget as u64)
        );
        self.stopped
            .borrow_mut()
            .get_or_insert_with(|| reason.clone());
        Some(reason)
    }

    /// Lists a file as not read, for `reason`, and counts it done.
    async fn skip(&self, path: &str, size: u64, reason: &str) {
        self.claim_page().await;
        self.state
            .engine
            .skip_file(path, size, &format!("not read: {reason}"));
        self.page_reading.set(false);
        self.not_read.set(self.not_read.get() + 1);
        self.step(size, 0, 1).await;
    }

    /// Waits until the page's dataset is not in the middle of a file, then claims it.
    async fn claim_page(&self) {
        while self.page_reading.get() {
            TimeoutFuture::new(5).await;
        }
        self.page_reading.set(true);
    }
}

async fn run(state: AppState, queue: LoadQueue, started: f64) {
    let pace = Rc::new(Pace {
        state,
        started,
        last_refresh: Cell::new(started),
        last_yield: Cell::new(started),
        first_shown: Cell::new(None),
        first_file: Cell::new(None),
        page_reading: Cell::new(false),
        events: Cell::new(0),
        files: Cell::new(0),
        bytes: Cell::new(0),
        absorb_ms: Cell::new(0.0),
        budget: heap::load_budget_bytes(),
        stopped: RefCell::new(None),
        not_read: Cell::new(0),
        reserved: Cell::new(false),
        unshown: Cell::new((0, 0, 0)),
        last_progress: Cell::new(started),
    });
    let pool = queue.pool();
    let busy_before = pool.busy_ms();
    let lanes = pool.lanes();
    let workers = lanes.len();
    if lanes.is_empty() {
        read_lane(pace.clone(), queue, None, 1).await;
    } else {
        // Two lanes per worker: one file being read while the page absorbs the other's shard.
        join_all(
            lanes
                .iter()
                .chain(&lanes)
                .map(|lane| read_lane(pace.clone(), queue, Some(lane.clone()), 2 * workers)),
        )
        .await;
    }
    pace.show_progress();
    state.engine.commit();
    state.revision.update(|revision| *revision += 1);
    let elapsed_ms = now_ms() - started;
    queue.running.set_value(false);
    state
        .progress
        .update(|progress| progress.state = LoadState::Done);
    let memory = (pool::wasm_memory_bytes(), pool.memory_bytes());
    state.memory.set(memory);
    state.heap.set(heap::in_use_bytes());
    state.last_load.set(Some(LoadSummary {
        elapsed_ms,
        events: pace.events.get(),
        files: pace.files.get(),
        bytes: pace.bytes.get(),
        first_ms: pace.first_shown.get().map(|at| at - pace.started),
        first_file_at: pace.first_file.get(),
        workers,
        memory_bytes: memory.0 + memory.1,
        worker_ms: pool.busy_ms() - busy_before,
        absorb_ms: pace.absorb_ms.get(),
        pool_problem: pool.problem(),
        stopped: pace.stopped.borrow().clone(),
        not_read: pace.not_read.get(),
        text: state.engine.text_figures(),
        heap_bytes: heap::in_use_bytes(),
    }));
}

/// Takes files from the queue until it is empty: with a worker, each browser file is read by
/// it and its shard absorbed here; without one (or for in-memory and very large files), the
/// page reads the file itself in slices.
async fn read_lane(pace: Rc<Pace>, queue: LoadQueue, lane: Option<Rc<Lane>>, n_lanes: usize) {
    let engine = pace.state.engine;
    while let Some(input) = queue
        .pending
        .try_update_value(VecDeque::pop_front)
        .flatten()
    {
        if let Some(reason) = pace.over_budget() {
            if input.size.is_none() {
                count_sizes(pace.state, 1, 0);
            }
            pace.skip(&input.path, input.size.unwrap_or(0), &reason)
                .await;
            continue;
        }
        let worker = lane.as_ref().filter(|lane| {
            lane.broken().is_none() && input.size.is_none_or(|size| size <= MAX_WORKER_FILE_BYTES)
        });
        let (added, files, bytes) = match (input.source, worker) {
            (Source::Memory(bytes), _) => {
                let size = bytes.len() as u64;
                pace.claim_page().await;
                let added = engine.ingest(&input.path, &bytes);
                pace.file_read();
                pace.page_reading.set(false);
                pace.step(size, added, 1).await;
                (added, 1, size)
            }
            (Source::Browser(file), Some(worker)) => {
                let batch = take_batch(queue, (file, input.path, input.size), n_lanes);
                read_by_worker(&pace, worker, batch).await
            }
            (Source::Browser(file), None) => {
                let size = input.size.unwrap_or_else(|| {
                    let size = file.size() as u64;
                    count_sizes(pace.state, 1, size);
                    size
                });
                pace.claim_page().await;
                let added = read_in_slices(&pace, &input.path, size, file).await;
                pace.page_reading.set(false);
                pace.step(0, 0, 1).await;
                (added, 1, size)
            }
        };
        pace.events.set(pace.events.get() + added);
        pace.files.set(pace.files.get() + files);
        pace.bytes.set(pace.bytes.get() + bytes);
    }
}

/// A file handed to a worker: the file, its path, and its size if known.
type Handed = (File, String, Option<u64>);

/// `first`, and if it may be small, the browser files right behind it in the queue that may
/// be small too (at most [`SMALL_FILE_BYTES`], or of unknown size: a trail's files are small,
/// and a batch's files are read whole): up to [`BATCH_FILES`] and [`BATCH_BYTES`] of known
/// sizes, and no more than an even share of the queue among the lanes, so a short queue still
/// keeps every worker busy.
fn take_batch(queue: LoadQueue, first: Handed, n_lanes: usize) -> Vec<Handed> {
    let small = |size: Option<u64>| size.is_none_or(|size| size <= SMALL_FILE_BYTES);
    if !small(first.2) {
        return vec![first];
    }
    let mut bytes = first.2.unwrap_or(0);
    let mut batch = vec![first];
    let share = queue
        .pending
        .with_value(|pending| pending.len() / n_lanes.max(1))
        .clamp(1, BATCH_FILES);
    while batch.len() < share {
        let next = queue
            .pending
            .try_update_value(|pending| {
                let fits = pending.front().is_some_and(|next| {
                    matches!(next.source, Source::Browser(_))
                        && small(next.size)
                        && bytes + next.size.unwrap_or(0) <= BATCH_BYTES
                });
                if fits {
                    pending.pop_front()
                } else {
                    None
                }
            })
            .flatten();
        let Some(InputFile {
            path,
            size,
            source: Source::Browser(file),
        }) = next
        else {
            break;
        };
        bytes += size.unwrap_or(0);
        batch.push((file, path, size));
    }
    batch
}

/// Has `worker` read `batch` (one file, or several small ones) and absorbs the shard; returns
/// the events added, the files and their bytes. Sizes not known before are learned from the
/// worker.
async fn read_by_worker(pace: &Pace, worker: &Lane, batch: Vec<Handed>) -> (u64, u64, u64) {
    let engine = pace.state.engine;
    let limit = engine.decoded_size_limit();
    let keep_text = engine.keeps_text();
    let read = match batch.as_slice() {
        [(file, path, _)] => worker.read(file, path, limit, keep_text).await,
        _ => worker.read_batch(&batch, limit, keep_text).await,
    };
    pace.file_read();
    let learned = read.as_ref().map_or(&[][..], |(_, sizes)| sizes.as_slice());
    let (mut n_learned, mut bytes_learned) = (0, 0);
    let files: Vec<(&str, u64, &File)> = batch
        .iter()
        .enumerate()
        .map(|(index, (file, path, size))| {
            let size = size.unwrap_or_else(|| {
                let size = learned.get(index).copied().unwrap_or(0);
                n_learned += 1;
                bytes_learned += size;
                size
            });
            (path.as_str(), size, file)
        })
        .collect();
    count_sizes(pace.state, n_learned, bytes_learned);
    let bytes = files.iter().map(|&(_, size, _)| size).sum();
    // Absorbing is what grows the page: the budget is checked again once the worker is done.
    if let Some(reason) = pace.over_budget() {
        for &(path, size, _) in &files {
            pace.skip(path, size, &reason).await;
        }
        return (0, 0, 0);
    }
    pace.claim_page().await;
    let mut added = match read {
        Ok((shard, _)) => {
            let started = now_ms();
            let added = engine.absorb_shard(&files, &shard);
            pace.absorb_ms
                .set(pace.absorb_ms.get() + now_ms() - started);
            added
        }
        Err(reason) => {
            let reason = format!("the background reader failed on this file: {reason}");
            for &(path, size, _) in &files {
                engine.reject(path, size, &reason);
            }
            0
        }
    };
    added += settle_held(pace).await;
    pace.page_reading.set(false);
    pace.step(bytes, added, files.len() as u64).await;
    (added, files.len() as u64, bytes)
}

/// Reads a browser file slice by slice into the page's dataset, counting progress as it goes;
/// returns the events it added (progress already counts them).
async fn read_in_slices(pace: &Pace, path: &str, size: u64, file: File) -> u64 {
    let engine = pace.state.engine;
    let blob = gloo_file::Blob::from(file.clone());
    let mut offset = 0;
    let mut added = 0;
    loop {
        if offset > 0 {
            if let Some(reason) = pace.over_budget() {
                let reason = format!("loading stopped at byte {offset} of this file: {reason}");
                return added + end_early(pace, path, &file, size - offset, &reason).await;
            }
        }
        let end = (offset + SLICE_BYTES).min(size);
        let read = gloo_file::futures::read_as_bytes(&blob.slice(offset, end)).await;
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(error) if offset == 0 => {
                engine.reject(
                    path,
                    size,
                    &format!("the browser could not read the file: {error}"),
                );
                pace.file_read();
                pace.step(size, 0, 0).await;
                return 0;
            }
            Err(error) => {
                let reason =
                    format!("the browser could not read the file past byte {offset}: {error}");
                return added + end_early(pace, path, &file, size - offset, &reason).await;
            }
        };
        if offset == 0 {
            engine.begin_file(path, size);
        }
        let events = engine.push_file_bytes(&bytes);
        added += events;
        offset = end;
        if offset >= size || bytes.is_empty() {
            let last = engine.end_file(path, &file, None) + settle_held(pace).await;
            pace.file_read();
            pace.step(bytes.len() as u64, events + last, 0).await;
            return added + last;
        }
        pace.step(bytes.len() as u64, events, 0).await;
    }
}

/// Ends the file the page is reading (`file`, listed as `path`) before its last `unread` bytes,
/// keeping what was read and saying why; returns the events its last piece added.
async fn end_early(pace: &Pace, path: &str, file: &File, unread: u64, reason: &str) -> u64 {
    let last = pace.state.engine.end_file(path, file, Some(reason)) + settle_held(pace).await;
    pace.file_read();
    pace.step(unread, last, 0).await;
    last
}

/// Places the records held for a comparison with text left in files (a copy of a kept event
/// whose text differs, which is rare), reading that text again; returns the events they added.
/// The caller has claimed the page.
async fn settle_held(pace: &Pace) -> u64 {
    if pace.state.engine.n_held() == 0 {
        return 0;
    }
    pace.state.engine.settle_held().await
}

/// Milliseconds from the page's time origin.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// The files chosen in a file or folder input, with their paths relative to the chosen folder's
/// parent when a folder was chosen.
pub fn inputs_from_element(input: &HtmlInputElement) -> Vec<InputFile> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .map(input_from_file)
        .collect()
}

/// Of the files chosen at once, how many have their size asked of the browser (about 0.3 ms
/// each): the first [`SIZED_AT_ONCE`] when chosen, the others in slices while loading starts
/// (the progress bar moves by bytes once every size is known). Past it, sizes are learned as
/// files are read.
const SIZED_FILES: usize = 1_000;
/// How many files have their size asked in the task that chose them.
const SIZED_AT_ONCE: usize = 16;

/// Asks the size of up to `max_files` browser files waiting without one, for at most `max_ms`,
/// and counts them in the progress bar's total; returns how many it sized and whether any
/// waiting file is still without a size.
fn size_pending(state: AppState, queue: LoadQueue, max_files: usize, max_ms: f64) -> (usize, bool) {
    let started = now_ms();
    let (sized, bytes, more) = queue
        .pending
        .try_update_value(|pending| {
            let (mut sized, mut bytes) = (0, 0);
            let mut waiting = pending.iter_mut().filter_map(|input| match &input.source {
                Source::Browser(file) if input.size.is_none() => Some((&mut input.size, file)),
                _ => None,
            });
            while sized < max_files && now_ms() - started < max_ms {
                let Some((size, file)) = waiting.next() else {
                    return (sized, bytes, false);
                };
                let asked = file.size() as u64;
                *size = Some(asked);
                sized += 1;
                bytes += asked;
            }
            (sized, bytes, waiting.next().is_some())
        })
        .unwrap_or_default();
    count_sizes(state, sized as u64, bytes);
    (sized, more)
}

/// Counts the sizes of `files` files chosen without them, now that they are known (`bytes` in
/// all), in the progress bar's total.
fn count_sizes(state: AppState, files: u64, bytes: u64) {
    if files == 0 {
        return;
    }
    state.progress.update(|progress| {
        progress.bytes_total += bytes;
        progress.unsized_files = progress.unsized_files.saturating_sub(files);
    });
}

fn input_from_file(file: File) -> InputFile {
    let relative = js_sys::Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_default();
    let path = if relative.is_empty() {
        file.name()
    } else {
        relative
    };
    InputFile {
        path,
        size: None,
        source: Source::Browser(file),
    }
}

/// Takes what was dropped: entries must be taken while the event is being handled, files and
/// folders are then read asynchronously (folders recursively) and queued.
pub fn accept_drop(state: AppState, queue: LoadQueue, transfer: &DataTransfer) {
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    let items = transfer.items();
    for index in 0..items.length() {
        let Some(item) = items.get(index) else {
            continue;
        };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => entries.push(entry),
            _ => loose.extend(item.get_as_file().ok().flatten()),
        }
    }
    if entries.is_empty() && loose.is_empty() {
        if let Some(list) = transfer.files() {
            loose.extend((0..list.length()).filter_map(|index| list.get(index)));
        }
    }
    spawn_local(async move {
        let mut inputs: Vec<InputFile> = loose.into_iter().map(input_from_file).collect();
        inputs.extend(walk(entries).await);
        load(state, queue, inputs);
    });
}

/// Every file under the dropped entries, depth first.
async fn walk(roots: Vec<FileSystemEntry>) -> Vec<InputFile> {
    let mut inputs = Vec::new();
    let mut stack = roots;
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // readEntries hands out a directory in chunks; an empty chunk means the end.
            while let Ok(chunk) = read_entries(&reader).await {
                if chunk.length() == 0 {
                    break;
                }
                stack.extend(chunk.iter().map(JsCast::unchecked_into::<FileSystemEntry>));
            }
        } else if let Ok(file) = entry_file(&entry.unchecked_into::<FileSystemFileEntry>()).await {
            let path = if path.is_empty() { file.name() } else { path };
            inputs.push(InputFile {
                path,
                size: None,
                source: Source::Browser(file),
            });
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs
}

async fn read_entries(
    reader: &web_sys::FileSystemDirectoryReader,
) -> Result<js_sys::Array, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(error) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
            reject.call1(&JsValue::NULL, &error).ok();
        }
    });
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

async fn entry_file(entry: &FileSystemFileEntry) -> Result<File, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    Ok(JsFuture::from(promise).await?.unchecked_into())
}
