//! The event table: newest first, virtualised (only the rows in view are in the DOM, so 100k+
//! rows scroll smoothly); clicking a row opens its detail.

use leptos::prelude::*;

use crate::ui::format;
use crate::ui::state::use_app_state;

/// Row height in pixels; the CSS uses the same figure.
const ROW_HEIGHT: f64 = 26.0;
/// Height of the scrolling viewport in pixels.
const VIEWPORT_HEIGHT: f64 = 416.0;
/// Rows rendered above and below the viewport.
const OVERSCAN: usize = 8;

/// The table.
#[component]
pub fn EventTable() -> impl IntoView {
    let state = use_app_state();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = NodeRef::<leptos::html::Div>::new();
    let n_rows = Memo::new(move |_| state.selection.with(crate::analytics::Selection::len));
    // A new selection starts at the top.
    Effect::new(move |_| {
        state.selection.track();
        if let Some(element) = viewport.get_untracked() {
            element.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    let window = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_HEIGHT) as usize;
        let start = first.saturating_sub(OVERSCAN);
        let count = (VIEWPORT_HEIGHT / ROW_HEIGHT) as usize + 2 * OVERSCAN;
        (start, count)
    });
    let rows = Memo::new(move |_| {
        let (start, count) = window.get();
        state
            .selection
            .with(|selection| state.engine.rows(selection, start, count))
    });
    view! {
        <section class="tv-card tv-table" data-testid="event-table" data-rows=move || n_rows.get()>
            <header class="tv-card__header">
                <h2>"Events"</h2>
                <span class="tv-card__meta">{move || format!("{} selected · newest first", format::count(n_rows.get() as u64))}</span>
            </header>
            <div class="tv-table__head tv-row">
                <span>"Time (UTC)"</span><span>"Event name"</span><span>"Service"</span><span>"Caller"</span>
                <span>"Source IP"</span><span>"Region"</span><span>"Error"</span>
            </div>
            <div class="tv-table__viewport" node_ref=viewport
                on:scroll=move |ev| { let element: web_sys::Element = event_target(&ev); scroll_top.set(f64::from(element.scroll_top())); }>
                <div class="tv-table__spacer" style=move || format!("height: {}px", n_rows.get() as f64 * ROW_HEIGHT)>
                    {move || {
                        let (start, _) = window.get();
                        let open = state.open_event.get();
                        rows.get().into_iter().enumerate().map(|(offset, row)| {
                            let event_idx = row.event_idx;
                            let top = (start + offset) as f64 * ROW_HEIGHT;
                            view! {
                                <div class="tv-row tv-table__row" class:tv-row--open=open == Some(event_idx)
                                    class:tv-row--error=!row.error_code.is_empty()
                                    data-testid="event-row" data-event-id=row.event_id.clone()
                                    style=format!("top: {top}px")
                                    on:click=move |_| state.open_event.set(Some(event_idx))>
                                    <span class="tv-mono" title=if row.time.is_none() { "undated: no usable eventTime" } else { "" }>{row.time.map_or_else(|| "— undated —".to_owned(), format::time)}</span>
                                    <span title=row.event_name.clone()>{row.event_name.clone()}</span>
                                    <span title=row.event_source.clone()>{row.event_source.trim_end_matches(".amazonaws.com").to_owned()}</span>
                                    <span title=row.caller.clone()>{row.caller.clone()}</span>
                                    <span class="tv-mono" title=row.source_ip.clone()>{row.source_ip.clone()}</span>
                                    <span>{row.region.clone()}</span>
                                    <span class="tv-error-code" title=row.error_code.clone()>{row.error_code.clone()}</span>
                                </div>
                            }
                        }).collect::<Vec<_>>()
                    }}
                </div>
            </div>
        </section>
    }
}
