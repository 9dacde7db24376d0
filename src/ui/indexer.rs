//! Builds the field index (facets, query text, path filters) in the background once a batch
//! has loaded: in slices sized to about 12 ms each, yielding between them, so the page stays
//! responsive and queries are answered meanwhile (events not yet indexed are read one by one).
//! It stops at a memory budget rather than risk the tab.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::loader::now_ms;
use crate::ui::state::{AppState, LoadState};

/// Time one slice of indexing aims at.
const SLICE_MS: f64 = 12.0;

/// Starts indexing whenever events are stored that the index lacks and no batch is loading.
pub fn keep_indexed(state: AppState) {
    let running = StoredValue::new(false);
    Effect::new(move |_| {
        state.revision.track();
        let loading = state
            .progress
            .with(|progress| progress.state == LoadState::Loading);
        if loading || running.get_value() || state.index_stopped.get_untracked() {
            return;
        }
        running.set_value(true);
        spawn_local(async move {
            let mut slice = 500usize;
            loop {
                // The index costs about half a KB per event; wasm32 cannot pass 4 GB, and a
                // failed allocation would lose the tab. Past the budget, what is loaded stays
                // usable and queries read the events not indexed one by one.
                if crate::ui::heap::in_use_bytes() > crate::ui::heap::index_budget_bytes() {
                    state.index_stopped.set(true);
                    break;
                }
                let started = now_ms();
                let (indexed, total) = state.engine.index_some(slice);
                state.index_progress.set((indexed, total));
                if indexed >= total {
                    let page = crate::ui::pool::wasm_memory_bytes();
                    state.memory.update(|memory| memory.0 = page);
                    break;
                }
                let took = (now_ms() - started).max(0.5);
                slice = ((slice as f64 * SLICE_MS / took) as usize).clamp(50, 50_000);
                TimeoutFuture::new(0).await;
                // A new batch takes the time; indexing resumes when it ends.
                if state
                    .progress
                    .with_untracked(|progress| progress.state == LoadState::Loading)
                {
                    break;
                }
            }
            running.set_value(false);
        });
    });
}
