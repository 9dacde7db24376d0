//! The top bar: the name, the ways to load files (files, folder, demo), Clear, and progress.

use leptos::prelude::*;

use crate::ui::format;
use crate::ui::loader::{inputs_from_element, load, load_demo, LoadQueue};
use crate::ui::state::{use_app_state, LoadState, Progress};

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_app_state();
    let queue = expect_context::<LoadQueue>();
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        load(state, queue, inputs_from_element(&input));
        // Clearing the value lets the same files be chosen again.
        input.set_value("");
    };
    let on_clear = move |_| {
        state.engine.clear();
        state.query.set(crate::analytics::Query::default());
        state.open_event.set(None);
        state.compare.set(Vec::new());
        state.index_stopped.set(false);
        state.index_problem.set(None);
        state.compare_open.set(false);
        state.progress.set(Progress::default());
        state.last_load.set(None);
        state.revision.update(|revision| *revision += 1);
    };
    view! {
        <header class="tv-header">
            <div class="tv-brand">
                <span class="tv-brand__mark">"◆"</span>
                <span class="tv-brand__name">"trailview"</span>
                <span class="tv-brand__tag">"CloudTrail in your browser · nothing leaves this tab"</span>
            </div>
            <div class="tv-actions">
                <label class="tv-button tv-button--primary" title="Open .json.gz or .json trail files">
                    <input type="file" multiple data-testid="file-input" class="tv-hidden-input" on:change=on_pick />
                    "Open files"
                </label>
                <label class="tv-button" title="Open a whole AWSLogs folder">
                    <input type="file" multiple prop:webkitdirectory=true data-testid="folder-input" class="tv-hidden-input" on:change=on_pick />
                    "Open folder"
                </label>
                <button class="tv-button" data-testid="demo-button" on:click=move |_| load_demo(state, queue)>
                    "Load demo trail"
                </button>
                <button class="tv-button tv-button--quiet" data-testid="clear-button" on:click=on_clear>
                    "Clear"
                </button>
            </div>
            <ProgressBar />
        </header>
    }
}

/// What the progress bar says when loading stopped at the memory budget.
fn stopped_notice(not_read: u64) -> String {
    match not_read {
        0 => "Stopped at the memory budget: the last file read in part".to_owned(),
        1 => "Stopped at the memory budget: 1 file not read".to_owned(),
        n => format!(
            "Stopped at the memory budget: {} files not read",
            format::count(n)
        ),
    }
}

/// Files, bytes and events of the batch being read; stays, full, once the batch is done.
#[component]
fn ProgressBar() -> impl IntoView {
    let state = use_app_state();
    let progress = state.progress;
    let width = move || {
        let progress = progress.get();
        // By bytes when every file's size is known, else by files (sizes are learned as read).
        let share = if progress.unsized_files > 0 && progress.files_total > 0 {
            progress.files_done as f64 / progress.files_total as f64
        } else if progress.bytes_total == 0 {
            0.0
        } else {
            progress.bytes_done as f64 / progress.bytes_total as f64
        };
        format!("width: {:.1}%", share * 100.0)
    };
    let label = move || {
        let progress = progress.get();
        match progress.state {
            LoadState::Idle => String::new(),
            LoadState::Loading if progress.unsized_files > 0 => format!(
                "Reading {} of {} files · {} read · {} events",
                format::count(progress.files_done),
                format::count(progress.files_total),
                format::bytes(progress.bytes_done),
                format::count(progress.events)
            ),
            LoadState::Loading => format!(
                "Reading {} of {} files · {} of {} · {} events",
                format::count(progress.files_done),
                format::count(progress.files_total),
                format::bytes(progress.bytes_done),
                format::bytes(progress.bytes_total),
                format::count(progress.events)
            ),
            LoadState::Done => state.last_load.get().map_or_else(String::new, |last| {
                let per_second = if last.elapsed_ms > 0.0 {
                    last.events as f64 * 1000.0 / last.elapsed_ms
                } else {
                    0.0
                };
                format!(
                    "Loaded {} events from {} files ({}) in {} · {} events/s",
                    format::count(last.events),
                    format::count(last.files),
                    format::bytes(last.bytes),
                    format::elapsed(last.elapsed_ms),
                    format::count(per_second as u64)
                )
            }),
        }
    };
    view! {
        <div
            class="tv-progress"
            data-testid="progress"
            data-state=move || progress.get().state.as_str()
            data-done=move || progress.get().bytes_done
            data-total=move || progress.get().bytes_total
            data-files-done=move || progress.get().files_done
            data-files-total=move || progress.get().files_total
            data-events=move || progress.get().events
        >
            <div class="tv-progress__track"><div class="tv-progress__bar" style=width></div></div>
            <span class="tv-progress__label" title=label>{label}</span>
            {move || {
                let done = progress.get().state == LoadState::Done;
                state.last_load.get().filter(|_| done).and_then(|last| {
                    last.stopped.map(|reason| view! {
                        <span class="tv-progress__stopped" data-testid="load-stopped" data-not-read=last.not_read title=reason>
                            {stopped_notice(last.not_read)}
                        </span>
                    })
                })
            }}
            {move || {
                state.last_load.get().map(|last| {
                    view! {
                        <span
                            class="tv-hidden"
                            data-testid="load-summary"
                            data-ms=format!("{:.1}", last.elapsed_ms)
                            data-events=last.events
                            data-files=last.files
                            data-bytes=last.bytes
                            data-first-ms=last.first_ms.map(|ms| format!("{ms:.1}"))
                            data-first-file-at=last.first_file_at.map(|at| format!("{at:.1}"))
                            data-workers=last.workers
                            data-memory=last.memory_bytes
                            data-worker-ms=format!("{:.1}", last.worker_ms)
                            data-absorb-ms=format!("{:.1}", last.absorb_ms)
                            data-text-kept=last.text.0
                            data-text-in-files=last.text.1
                            data-heap=last.heap_bytes
                        ></span>
                    }
                })
            }}
        </div>
    }
}
