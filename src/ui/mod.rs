//! The Leptos shell: lays out the dashboard and wires the inputs. No analytics logic lives
//! here; every figure comes from [`crate::analytics`] through [`engine::Engine`].

// Component props are moved into the component by the macro; passing by value is the idiom.
#![allow(clippy::needless_pass_by_value)]
// `AppState` is a `Copy` bundle of signal handles, passed by value as Leptos code does; it
// passes clippy's 256-byte line only on 64-bit native builds, not on wasm32 where it runs.
#![allow(clippy::large_types_passed_by_value)]

pub mod chart;
pub mod compare;
pub mod empty_state;
pub mod engine;
pub mod errors_panel;
pub mod event_detail;
pub mod event_table;
pub mod export;
pub mod facets;
pub mod filters;
pub mod format;
pub mod header;
pub mod heap;
pub mod indexer;
pub mod ingest_report;
pub mod lending;
pub mod loader;
pub mod pool;
pub mod query_bar;
pub mod quick_filters;
pub mod state;
pub mod stats;
pub mod timeline;
pub mod top_list;
pub mod url_state;
pub mod worker;

use std::time::Duration;

use leptos::prelude::*;

use crate::analytics::Field;
use crate::ui::compare::ComparePanel;
use crate::ui::empty_state::EmptyState;
use crate::ui::errors_panel::ErrorsPanel;
use crate::ui::event_detail::EventDetail;
use crate::ui::event_table::EventTable;
use crate::ui::facets::Facets;
use crate::ui::filters::{FilterBar, PivotBanner};
use crate::ui::header::Header;
use crate::ui::ingest_report::IngestReport;
use crate::ui::loader::{accept_drop, LoadQueue};
use crate::ui::query_bar::QueryBar;
use crate::ui::quick_filters::QuickFilters;
use crate::ui::state::AppState;
use crate::ui::stats::Stats;
use crate::ui::timeline::Timeline;
use crate::ui::top_list::TopList;

/// A parameter of the page's address (`?name=value`), if given: the pool size and the memory
/// budget can be chosen there.
pub fn address_parameter(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A hint drawn over an empty text box (the box's `aria-label` names it for assistive
/// technology); the box and the hint sit in a `tv-hinted` wrapper.
pub fn input_hint(
    text: &'static str,
    empty: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    view! { <Show when=empty><span class="tv-hinted__text" aria-hidden="true">{text}</span></Show> }
}

/// A search box bound to `text`, with `hint` drawn over it while it is empty.
pub fn search_box(
    class: &'static str,
    test_id: &'static str,
    label: &'static str,
    hint: &'static str,
    text: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class=format!("tv-hinted {class}")>
            <input type="search" class="tv-input" data-testid=test_id
                aria-label=label spellcheck="false" autocomplete="off"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            {input_hint(hint, move || text.with(String::is_empty))}
        </div>
    }
}

/// Mounts the app on the page's body.
pub fn mount() {
    // A pool worker runs the same module, with no document to mount in.
    let Some(window) = web_sys::window() else {
        return;
    };
    // Which build runs: with WebAssembly SIMD, or the baseline one for browsers without it.
    let build = if cfg!(target_feature = "simd128") {
        "simd"
    } else {
        "baseline"
    };
    if let Some(root) = window.document().and_then(|doc| doc.document_element()) {
        // Only a mark for tests and the benchmark: nothing depends on it being set.
        root.set_attribute("data-wasm", build).ok();
    }
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    let queue = LoadQueue::new();
    provide_context(state);
    provide_context(queue);
    url_state::sync(state);
    indexer::keep_indexed(state, queue);
    let dragging = RwSignal::new(false);
    let has_data = Memo::new(move |_| state.has_data());
    // The dashboard is built, hidden, once the welcome has been painted, so that the first
    // events of a load only fill it in: built at first data it was the load's longest task.
    // It waits laid out but invisible (`tv-main--waiting`) rather than not displayed: shown
    // from `display: none`, its first layout was a task of 110-135 ms at 1M events.
    let built = RwSignal::new(false);
    request_animation_frame(move || set_timeout(move || built.set(true), Duration::ZERO));
    view! {
        <div class="tv-app" data-testid="drop-zone" class:tv-app--dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |ev: web_sys::DragEvent| { if ev.related_target().is_none() { dragging.set(false); } }
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(transfer) = ev.data_transfer() { accept_drop(state, queue, &transfer); }
            }>
            <Header />
            <Show when=move || !has_data.get()>
                <EmptyState />
            </Show>
            <Show when=move || built.get() || has_data.get()>
                // Keyed by the dataset's generation, looked at again whenever the data comes or
                // goes: after Clear a new key builds a new dashboard, so nothing of what was shown
                // before carries over (a re-run closure would update the old one in place).
                <For each=move || { has_data.track(); [state.engine.generation()] } key=|generation| *generation let:_generation>
                    <main class="tv-main" class:tv-main--waiting=move || !has_data.get() aria-hidden=move || (!has_data.get()).then_some("true")>
                        <QueryBar />
                        <QuickFilters />
                        <FilterBar />
                        <PivotBanner />
                        <Stats />
                        <div class="tv-body">
                            <aside class="tv-sidebar">
                                <Facets />
                                <TopList field=Field::Caller test_id="top-callers" title="Top callers" />
                                <TopList field=Field::EventName test_id="top-events" title="Top event names" />
                                <TopList field=Field::EventSource test_id="top-services" title="Top services" />
                                <TopList field=Field::ErrorCode test_id="top-errors" title="Top error codes" />
                                <TopList field=Field::SourceIp test_id="top-ips" title="Top source IPs" />
                                <TopList field=Field::Region test_id="top-regions" title="Regions" />
                                <TopList field=Field::Account test_id="top-accounts" title="Accounts" />
                            </aside>
                            <div class="tv-content">
                                <Timeline />
                                <ErrorsPanel />
                                <div class="tv-split" class:tv-split--open=move || state.open_event.get().is_some()>
                                    <EventTable />
                                    <EventDetail />
                                </div>
                                <IngestReport />
                            </div>
                        </div>
                    </main>
                </For>
                <ComparePanel />
            </Show>
            <div class="tv-drop-overlay" aria-hidden="true"><span>"Drop files or folders to add them"</span></div>
        </div>
    }
}
