//! The detail panel: one event's full record as pretty JSON, with a copy button and where it
//! came from.

use leptos::prelude::*;

use crate::ui::format;
use crate::ui::state::use_app_state;

/// The panel; empty until a row is clicked.
#[component]
pub fn EventDetail() -> impl IntoView {
    let state = use_app_state();
    let detail = Memo::new(move |_| {
        state.revision.track();
        state
            .open_event
            .get()
            .and_then(|event_idx| state.engine.event_detail(event_idx))
    });
    let copied = RwSignal::new(false);
    // Escape closes the panel, wherever the focus is.
    let close_on_escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            state.open_event.set(None);
        }
    });
    on_cleanup(move || close_on_escape.remove());
    let copy = move |_| {
        let Some(text) =
            detail.with_untracked(|detail| detail.as_ref().map(|detail| detail.json.clone()))
        else {
            return;
        };
        if let Some(window) = web_sys::window() {
            // The promise's outcome is reflected by the label only; a refusal leaves the text selectable.
            let _promise = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <aside class="tv-card tv-detail">
            {move || match detail.get() {
                None => view! { <p class="tv-empty tv-detail__empty">"Click an event to see its full record."</p> }.into_any(),
                Some(detail) => {
                    copied.set(false);
                    view! {
                        <header class="tv-card__header">
                            <h2>"Event"</h2>
                            <span class="tv-card__meta tv-mono">{detail.event_id.clone()}</span>
                            <button class="tv-button tv-button--small" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy JSON" }}</button>
                            <button class="tv-button tv-button--small tv-button--quiet" title="Close (Esc)" on:click=move |_| state.open_event.set(None)>"×"</button>
                        </header>
                        <p class="tv-detail__source">
                            "From " <span class="tv-mono">{detail.file_path.clone()}</span>
                            {(detail.duplicates > 0).then(|| format!(" · {} identical {} dropped", format::count(u64::from(detail.duplicates)), if detail.duplicates == 1 { "copy" } else { "copies" }))}
                            {detail.conflict.then(|| view! { <span class="tv-warning">" · eventID conflict: another event has this ID with different content"</span> })}
                        </p>
                        {detail.time_note.clone().map(|note| view! { <p class="tv-detail__note tv-warning" data-testid="event-time-note">{note}</p> })}
                        {detail.source_note.clone().map(|note| view! { <p class="tv-detail__note tv-warning" data-testid="event-source-note">{note}</p> })}
                        <pre class="tv-detail__json" data-testid="event-detail" data-event-id=detail.event_id.clone()>{detail.json.clone()}</pre>
                    }.into_any()
                }
            }}
        </aside>
    }
}
