//! Builds the field index (facets, query text, path filters) in the background once a batch
//! has loaded: in slices sized to about 12 ms each, yielding between them, so the page stays
//! responsive and queries are answered meanwhile (events not yet indexed are read one by one).

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
        if loading || running.get_value() {
            return;
        }
        running.set_value(true);
        spawn_local(async move {
            let mut slice = 500usize;
            loop {
                let started = now_ms();
                let (indexed, total) = state.engine.index_some(slice);
                state.index_progress.set((indexed, total));
                if indexed >= total {
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
