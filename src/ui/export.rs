//! Export of the current selection, in the table's order, as a file the browser saves: the
//! document is built in parts (yielding between them) into a `Blob`, never one string.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::analytics::{export_file_name, ExportFormat, Selection};
use crate::ui::state::{use_app_state, AppState};

/// Events per part of an export.
const PART_EVENTS: usize = 20_000;

/// The export buttons.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let state = use_app_state();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    view! {
        <div class="tv-export" role="group" aria-label="Export the selection">
            <span class="tv-export__label">"Export"</span>
            {ExportFormat::ALL.into_iter().map(|format| view! {
                <button class="tv-button tv-button--small" data-testid=format!("export-{}", format.extension())
                    disabled=move || busy.get()
                    title=move || format!("Save the {} selected events as {}", state.selection.with(Selection::len), format.label())
                    on:click=move |_| {
                        busy.set(true);
                        problem.set(None);
                        spawn_local(async move {
                            problem.set(save(state, format).await.err());
                            busy.set(false);
                        });
                    }>{format.label()}</button>
            }).collect_view()}
            {move || problem.get().map(|problem| view! {
                <span class="tv-export__problem" role="alert" data-testid="export-problem">
                    {format!("Export stopped: {problem}")}
                </span>
            })}
        </div>
    }
}

/// Builds the file part by part and hands it to the browser; an error says why it stopped (a
/// file whose records' text could not be read again).
async fn save(state: AppState, format: ExportFormat) -> Result<(), String> {
    let ordered = state.ordered.get_untracked();
    let columns = state.columns.get_untracked();
    let range = state
        .query
        .with_untracked(|query| query.time_range.map(|range| (range.start, range.end)))
        .or_else(|| {
            state
                .dashboard
                .with_untracked(|dashboard| dashboard.totals.time_span)
        });
    let name = export_file_name(range, ordered.len(), format);
    let parts = js_sys::Array::new();
    let mut start = 0;
    loop {
        let (part, count) = state
            .engine
            .export_part(&ordered, format, &columns, start, PART_EVENTS)
            .await?;
        parts.push(&wasm_bindgen::JsValue::from_str(&part));
        start += count;
        if start >= ordered.len() {
            break;
        }
        TimeoutFuture::new(0).await;
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(format.media_type());
    let describe = |error| crate::ui::pool::describe(&error);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let anchor = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("a").ok())
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(anchor) = anchor {
        anchor.set_href(&url);
        anchor.set_download(&name);
        anchor.click();
    }
    // The browser has taken the file once the click is handled; the URL can go a moment later.
    TimeoutFuture::new(1_000).await;
    let _revoked = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
