//! Builds the field index (facets, query text, path filters) in the background once a batch
//! has loaded, so the page stays responsive and queries are answered meanwhile (events not yet
//! indexed are read one by one, those whose text is in their files once it is indexed: the
//! selection is computed again as indexing goes on). With pool workers, the workers index jobs
//! of records' text the page sends them (reading again the text left in files) and the page
//! merges the parts they return, in order, a few milliseconds at a time; without workers (or
//! should a part be refused) the page indexes in slices of about 12 ms itself, reading files
//! again as it goes. It stops at a memory budget rather than risk the tab.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::loader::{now_ms, LoadQueue};
use crate::ui::pool::Lane;
use crate::ui::state::{AppState, LoadState};

/// Time one slice of indexing on the page aims at.
const SLICE_MS: f64 = 12.0;

/// Time merging one worker's part aims at: each merge is one task on the page.
const MERGE_MS: f64 = 8.0;

/// Jobs given to each worker ahead of the part being merged.
const JOBS_PER_WORKER: usize = 2;

/// Starts indexing whenever events are stored that the index lacks and no batch is loading.
pub fn keep_indexed(state: AppState, queue: LoadQueue) {
    let running = StoredValue::new(false);
    Effect::new(move |_| {
        state.revision.track();
        if loading(state)
            || running.get_value()
            || state.index_stopped.get_untracked()
            || state.index_problem.with_untracked(Option::is_some)
        {
            return;
        }
        running.set_value(true);
        // Room made ahead for events the budget cannot hold would only stop indexing sooner.
        let room = crate::ui::heap::index_budget_bytes() - crate::ui::heap::in_use_bytes();
        state.engine.limit_index_room(room.max(0.0) as usize);
        spawn_local(async move {
            let lanes = queue.pool().lanes();
            if lanes.is_empty() || !index_in_workers(state, &lanes).await {
                index_on_page(state).await;
            }
            let complete = state
                .index_progress
                .with_untracked(|&(indexed, total)| indexed >= total);
            if complete || state.index_stopped.get_untracked() {
                // The text read again to index it is not wanted any more.
                state.engine.release_loans();
                let page = crate::ui::pool::wasm_memory_bytes();
                state.memory.update(|memory| memory.0 = page);
                state.heap.set(crate::ui::heap::in_use_bytes());
            }
            running.set_value(false);
        });
    });
}

fn loading(state: AppState) -> bool {
    state
        .progress
        .with_untracked(|progress| progress.state == LoadState::Loading)
}

/// Whether the page's heap is past the index budget (noted in `index_stopped` if so). The index
/// costs about half a KB per event; wasm32 cannot pass 4 GB, and a failed allocation would lose
/// the tab. Past the budget, what is loaded stays usable and queries read the events not
/// indexed one by one.
fn over_budget(state: AppState) -> bool {
    let over = crate::ui::heap::in_use_bytes() > crate::ui::heap::index_budget_bytes();
    if over {
        state.index_stopped.set(true);
    }
    over
}

/// How often, at most, queries waiting for events still being indexed are answered again.
const ANSWER_AGAIN_MS: f64 = 1_000.0;

/// Notes indexing progress; queries that had to leave out events whose text is in their files
/// are answered again when indexing is done and at most every [`ANSWER_AGAIN_MS`] before.
fn progressed(state: AppState, progress: (u32, u32), last_answer: &mut f64) {
    state.index_progress.set(progress);
    let done = progress.0 >= progress.1;
    if done || now_ms() - *last_answer > ANSWER_AGAIN_MS {
        *last_answer = now_ms();
        let waiting = state
            .selection
            .with_untracked(|selection| selection.unsearched() > 0);
        if done || waiting {
            state.index_epoch.update(|epoch| *epoch += 1);
        }
    }
}

/// Indexes on the page in slices until done, over budget, or a batch starts loading; text left
/// in files is read again a stretch of events ahead.
async fn index_on_page(state: AppState) {
    let generation = state.engine.generation();
    let mut slice = 500usize;
    let mut last_answer = now_ms();
    loop {
        if over_budget(state) {
            break;
        }
        let reads = state.engine.index_reads(slice.max(5_000));
        if !reads.is_empty() {
            if let Err(reason) = state.engine.lend_texts(reads).await {
                state.index_problem.set(Some(reason));
                break;
            }
            if state.engine.generation() != generation {
                break;
            }
        }
        let started = now_ms();
        let (indexed, total) = state.engine.index_some(slice);
        state.indexed_by.set("page");
        progressed(state, (indexed, total), &mut last_answer);
        if indexed >= total {
            break;
        }
        let took = (now_ms() - started).max(0.5);
        slice = ((slice as f64 * SLICE_MS / took) as usize).clamp(50, 50_000);
        TimeoutFuture::new(0).await;
        // A new batch takes the time; indexing resumes when it ends.
        if loading(state) {
            break;
        }
    }
}

/// A job's event count and its part, on its way back.
type Part = (
    usize,
    Pin<Box<dyn Future<Output = Result<Vec<u8>, String>>>>,
);

/// Has the workers index jobs of events, `JOBS_PER_WORKER` each ahead, and merges their parts
/// in order until done, over budget, a batch starts loading or everything is cleared. Returns
/// `false` when a worker failed or a part was refused, for the page to index the rest itself.
async fn index_in_workers(state: AppState, lanes: &[Rc<Lane>]) -> bool {
    let generation = state.engine.generation();
    let mut job_events = 1_000usize;
    let (mut next, _) = state.engine.index_some(0);
    let mut in_flight: VecDeque<Part> = VecDeque::new();
    let mut turn = 0usize;
    let mut last_answer = now_ms();
    loop {
        while in_flight.len() < JOBS_PER_WORKER * lanes.len() {
            let Some((job, files)) = state.engine.index_job(next, job_events) else {
                break;
            };
            let Some(lane) = lanes.get(turn % lanes.len()) else {
                break;
            };
            next = next.saturating_add(job.events);
            turn += 1;
            in_flight.push_back((job.events as usize, Box::pin(lane.index(&job, &files))));
        }
        let Some((events, part)) = in_flight.pop_front() else {
            // No job could be made for what is left (a file not at hand): the page says why.
            let (indexed, total) = state.engine.index_some(0);
            return indexed >= total;
        };
        let part = part.await;
        if state.engine.generation() != generation || loading(state) || over_budget(state) {
            return true;
        }
        let started = now_ms();
        match part.and_then(|part| state.engine.merge_index_part(&part)) {
            Ok(progress) => {
                state.indexed_by.set("workers");
                progressed(state, progress, &mut last_answer);
            }
            Err(reason) => {
                leptos::logging::warn!("indexing on the page instead: {reason}");
                return false;
            }
        }
        // Sized from the last merge's cost per event, changing by at most half or double: the
        // cost varies with how many of a part's values are new.
        let took = (now_ms() - started).max(0.5);
        let sized = (events as f64 * MERGE_MS / took) as usize;
        job_events = sized
            .clamp(job_events / 2, job_events * 2)
            .clamp(200, 10_000);
        TimeoutFuture::new(0).await;
    }
}
