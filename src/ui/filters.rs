//! The active filters as removable chips, and the shared action of adding a filter from a click
//! (a modifier key turns include into exclude).

use leptos::prelude::*;

use crate::analytics::{format_utc_seconds, Field, FieldFilter};
use crate::ui::format;
use crate::ui::state::{use_app_state, AppState};

/// Adds `field = value` to the query; with Alt, Ctrl or Cmd held, excludes it instead.
pub fn apply_click(state: AppState, field: Field, value: String, event: &web_sys::MouseEvent) {
    let exclude = event.alt_key() || event.ctrl_key() || event.meta_key();
    state.query.update(|query| {
        *query = query.with_filter(FieldFilter {
            field,
            value,
            exclude,
        });
    });
}

/// The chips row.
#[component]
pub fn FilterBar() -> impl IntoView {
    let state = use_app_state();
    let query = state.query;
    view! {
        <div class="tv-filters" aria-label="Active filters">
            {move || {
                let current = query.get();
                if current.filters.is_empty() && current.time_range.is_none() {
                    return view! {
                        <span class="tv-filters__hint">"Click any value to filter to it; Alt- or Ctrl-click to exclude it; drag across the timeline to zoom."</span>
                    }.into_any();
                }
                let chips = current.filters.iter().enumerate().map(|(position, filter)| {
                    let label = if filter.value.is_empty() { "(none)".to_owned() } else { filter.value.clone() };
                    view! {
                        <span class="tv-chip" class:tv-chip--exclude=filter.exclude data-testid="filter-chip"
                            data-field=filter.field.key() data-value=filter.value.clone() data-exclude=filter.exclude.to_string()>
                            <span class="tv-chip__field">{filter.field.label()}</span>
                            <span class="tv-chip__op">{if filter.exclude { "≠" } else { "=" }}</span>
                            <span class="tv-chip__value">{label}</span>
                            <button class="tv-chip__remove" data-testid="filter-chip-remove" title="Remove filter"
                                on:click=move |_| query.update(|query| { query.filters.remove(position); })>"×"</button>
                        </span>
                    }
                }).collect_view();
                let range = current.time_range.map(|range| view! {
                    <span class="tv-chip" data-testid="filter-chip" data-field="time" data-value=format!("{}/{}", format_utc_seconds(range.start), format_utc_seconds(range.end)) data-exclude="false">
                        <span class="tv-chip__field">"Time"</span>
                        <span class="tv-chip__value">{format!("{} → {} ({})", format::time(range.start), format::time(range.end), format::span(range.end - range.start))}</span>
                        <button class="tv-chip__remove" data-testid="filter-chip-remove" title="Zoom out"
                            on:click=move |_| query.update(|query| query.time_range = None)>"×"</button>
                    </span>
                });
                view! {
                    {chips}
                    {range}
                    <button class="tv-button tv-button--quiet tv-button--small" on:click=move |_| query.set(crate::analytics::Query::default())>"Clear filters"</button>
                }.into_any()
            }}
        </div>
    }
}
