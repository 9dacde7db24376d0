//! The detail panel: one event's full record as pretty JSON in which every value is a filter
//! (click to include, Alt/Ctrl-click to exclude) and every ARN, key, IP or name under who/what
//! can open its own timeline (the ⤷ after it, drawn by CSS so the text stays the record); the events related to it; a copy button and where it came from.

use leptos::prelude::*;

use crate::analytics::{JsonLine, PathFilter, Query, MAX_COMPARED};
use crate::ui::filters::{apply_path_click, pivot_to};
use crate::ui::format;
use crate::ui::lending::lend_for;
use crate::ui::state::{use_app_state, AppState};

/// The panel; empty until a row is clicked.
#[component]
pub fn EventDetail() -> impl IntoView {
    let state = use_app_state();
    let lending = lend_for(state, move || state.open_event.get().into_iter().collect());
    let detail = Memo::new(move |_| {
        state.revision.track();
        lending.lent.track();
        state.open_event.get().and_then(|event_idx| {
            Some((
                state.engine.event_detail(event_idx)?,
                state.engine.json_lines(event_idx),
                state.engine.related(event_idx),
            ))
        })
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
            detail.with_untracked(|detail| detail.as_ref().map(|(detail, ..)| detail.json.clone()))
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
                Some((detail, lines, related)) => {
                    copied.set(false);
                    let event_idx = detail.event_idx;
                    let picked = move || state.compare.with(|picked| picked.contains(&event_idx));
                    view! {
                        <header class="tv-card__header">
                            <h2>"Event"</h2>
                            <span class="tv-card__meta tv-mono">{detail.event_id.clone()}</span>
                            <button class="tv-button tv-button--small" data-testid="compare-add"
                                disabled=move || !picked() && state.compare.with(|picked| picked.len() >= MAX_COMPARED)
                                title="Pick this event for side-by-side comparison"
                                on:click=move |_| state.compare.update(|picked| {
                                    if let Some(at) = picked.iter().position(|&known| known == event_idx) { picked.remove(at); }
                                    else if picked.len() < MAX_COMPARED { picked.push(event_idx); }
                                })>{move || if picked() { "Picked ✓" } else { "Compare" }}</button>
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
                        {detail.text_note.clone().map(|note| view! {
                            <p class="tv-detail__note" data-testid="event-text-note">{move || lending.problem.get().unwrap_or_else(|| note.clone())}</p>
                        })}
                        {(!related.is_empty()).then(|| view! {
                            <div class="tv-detail__related" data-testid="related">
                                <span class="tv-detail__label">"Related"</span>
                                {related.into_iter().map(|related| {
                                    let filter = PathFilter { path: related.path.clone(), value: related.value.clone(), exclude: false };
                                    view! {
                                        <button class="tv-button tv-button--small" data-testid="related-link" data-path=related.path.clone()
                                            data-value=related.value.clone() data-count=related.count
                                            title=format!("Show the {} events with {} = {}", related.count, related.path, related.value)
                                            on:click=move |_| state.query.set(Query::default().with_path_filter(filter.clone()))>
                                            {format!("{} · {}", related.label, format::count(related.count as u64))}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        })}
                        <pre class="tv-detail__json" data-testid="event-detail" data-event-id=detail.event_id.clone()>
                            {match lines {
                                Some(lines) => lines.into_iter().map(|line| json_line(state, line)).collect_view().into_any(),
                                None => detail.json.clone().into_any(),
                            }}
                        </pre>
                    }.into_any()
                }
            }}
        </aside>
    }
}

/// One line of the record: indentation, the member name, the value (clickable when it is a
/// leaf) and a pivot button where one is offered.
fn json_line(state: AppState, line: JsonLine) -> impl IntoView {
    let indent = "  ".repeat(usize::from(line.depth));
    let key = line
        .key
        .as_ref()
        .map(|key| format!("{}: ", serde_json::Value::String(key.clone())));
    let comma = if line.comma { "," } else { "" };
    let value = match line.leaf {
        Some(leaf) => {
            let (path, value) = (leaf.path.clone(), leaf.value.clone());
            let pivot_value = leaf.value.clone();
            view! {
                <span class="tv-json__value" data-testid="json-value" data-path=leaf.path.clone() data-value=leaf.value.clone()
                    title=format!("{} = {} · click to filter, Alt-click to exclude", leaf.path, leaf.value)
                    on:click=move |ev| apply_path_click(state, path.clone(), value.clone(), &ev)>{line.text}</span>
                {comma}
                {leaf.pivot.then(|| view! {
                    <button class="tv-json__pivot" data-testid="pivot" data-value=pivot_value.clone()
                        title="Open the timeline of everything that references this value" aria-label="Pivot"
                        on:click=move |_| { state.query.set(Query::default()); pivot_to(state, pivot_value.clone()); }></button>
                })}
            }
            .into_any()
        }
        None => view! { <span class="tv-json__punct">{line.text}</span>{comma} }.into_any(),
    };
    view! {
        <span class="tv-json__line">{indent}{key.map(|key| view! { <span class="tv-json__key">{key}</span> })}{value}"\n"</span>
    }
}
