//! The active filters as removable chips, and the shared action of adding a filter from a click
//! (a modifier key turns include into exclude).

use leptos::prelude::*;

use crate::analytics::{format_utc_seconds, Field, FieldFilter, PathFilter, Query};
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

/// Adds `path = value` (a field of the record, nested included); excluded with Alt, Ctrl or
/// Cmd held.
pub fn apply_path_click(state: AppState, path: String, value: String, event: &web_sys::MouseEvent) {
    let exclude = event.alt_key() || event.ctrl_key() || event.meta_key();
    add_path_filter(state, path, value, exclude);
}

/// Adds `path = value`, or `path ≠ value` when `exclude`.
pub fn add_path_filter(state: AppState, path: String, value: String, exclude: bool) {
    state.query.update(|query| {
        *query = query.with_path_filter(PathFilter {
            path,
            value,
            exclude,
        });
    });
}

/// Opens the timeline of everything that references `value`.
pub fn pivot_to(state: AppState, value: String) {
    state.query.update(|query| query.pivot = Some(value));
}

/// One removable chip.
fn chip(
    field_key: String,
    label: String,
    operator: &'static str,
    value: String,
    exclude: bool,
    remove: impl Fn() + 'static,
) -> impl IntoView {
    let shown = if value.is_empty() {
        "(none)".to_owned()
    } else {
        value.clone()
    };
    let title = shown.clone();
    view! {
        <span class="tv-chip" class:tv-chip--exclude=exclude data-testid="filter-chip"
            data-field=field_key data-value=value data-exclude=exclude.to_string()>
            <span class="tv-chip__field">{label}</span>
            <span class="tv-chip__op">{operator}</span>
            <span class="tv-chip__value" title=title>{shown}</span>
            <button class="tv-chip__remove" data-testid="filter-chip-remove" title="Remove filter"
                on:click=move |_| remove()>"×"</button>
        </span>
    }
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
                let local = state.local_time.get();
                let narrowed = !current.filters.is_empty() || current.time_range.is_some() || !current.paths.is_empty()
                    || !current.lookups.is_empty() || current.pivot.is_some()
                    || current.errors_only || current.writes_only || current.hide_aws_service;
                if !narrowed {
                    return view! {
                        <span class="tv-filters__hint">"Click any value to filter to it; Alt- or Ctrl-click to exclude it; drag across the timeline to zoom."</span>
                    }.into_any();
                }
                let fields = current.filters.iter().enumerate().map(|(position, filter)| {
                    chip(filter.field.key().to_owned(), filter.field.label().to_owned(), if filter.exclude { "≠" } else { "=" },
                        filter.value.clone(), filter.exclude, move || query.update(|query| { query.filters.remove(position); }))
                }).collect_view();
                let paths = current.paths.iter().enumerate().map(|(position, filter)| {
                    chip(filter.path.clone(), filter.path.clone(), if filter.exclude { "≠" } else { "=" },
                        filter.value.clone(), filter.exclude, move || query.update(|query| { query.paths.remove(position); }))
                }).collect_view();
                let lookups = current.lookups.iter().enumerate().map(|(position, lookup)| {
                    chip(format!("lookup:{}", lookup.attribute.key()), lookup.attribute.label().to_owned(), "=",
                        lookup.value.clone(), false, move || query.update(|query| { query.lookups.remove(position); }))
                }).collect_view();
                let pivot = current.pivot.clone().map(|value| {
                    chip("pivot".to_owned(), "References".to_owned(), "∋", value, false, move || query.update(|query| query.pivot = None))
                });
                let toggles = [
                    (current.errors_only, "errors", "Errors only", (|query: &mut Query| query.errors_only = false) as fn(&mut Query)),
                    (current.writes_only, "writes", "Writes only", |query: &mut Query| query.writes_only = false),
                    (current.hide_aws_service, "hide-aws-service", "AWS services hidden", |query: &mut Query| query.hide_aws_service = false),
                ].into_iter().filter(|(on, ..)| *on).map(|(_, key, label, off)| view! {
                    <span class="tv-chip" data-testid="filter-chip" data-field=key data-value="true" data-exclude="false">
                        <span class="tv-chip__field">{label}</span>
                        <button class="tv-chip__remove" data-testid="filter-chip-remove" title="Remove filter"
                            on:click=move |_| query.update(off)>"×"</button>
                    </span>
                }).collect_view();
                let range = current.time_range.map(|range| view! {
                    <span class="tv-chip" data-testid="filter-chip" data-field="time" data-value=format!("{}/{}", format_utc_seconds(range.start), format_utc_seconds(range.end)) data-exclude="false">
                        <span class="tv-chip__field">"Time"</span>
                        <span class="tv-chip__value">{format!("{} → {} ({}, {})", format::time_in(range.start, local), format::time_in(range.end, local), format::span(range.end - range.start), format::zone(local, Some(range.start)))}</span>
                        <button class="tv-chip__remove" data-testid="filter-chip-remove" title="Zoom out"
                            on:click=move |_| query.update(|query| query.time_range = None)>"×"</button>
                    </span>
                });
                view! {
                    {pivot}
                    {fields}
                    {paths}
                    {lookups}
                    {toggles}
                    {range}
                    <button class="tv-button tv-button--quiet tv-button--small" data-testid="clear-filters" on:click=move |_| query.set(Query::default())>"Clear filters"</button>
                }.into_any()
            }}
        </div>
    }
}

/// Over the dashboard while a pivot is on: what is being followed, and how much of it there is.
#[component]
pub fn PivotBanner() -> impl IntoView {
    let state = use_app_state();
    let pivot = Memo::new(move |_| state.query.with(|query| query.pivot.clone()));
    view! {
        {move || pivot.get().map(|value| {
            let totals = state.dashboard.with(|dashboard| dashboard.totals.clone());
            let local = state.local_time.get();
            let span = totals.time_span.map(|(first, last)| format!(
                "from {} to {} ({})",
                format::time_in(first, local),
                format::time_in(last, local),
                format::zone(local, Some(first))
            ));
            view! {
                <section class="tv-pivot" data-testid="pivot-banner" data-value=value.clone()>
                    <span class="tv-pivot__label">"Timeline of"</span>
                    <span class="tv-pivot__value tv-mono">{value.clone()}</span>
                    <span class="tv-pivot__note">{format!(
                        "{} events reference it (identity, resources, parameters, responses, source IP or caller), by {} callers{}",
                        format::count(totals.n_events), format::count(totals.n_principals),
                        span.map(|span| format!(", {span}")).unwrap_or_default()
                    )}</span>
                    <button class="tv-button tv-button--small tv-button--quiet" on:click=move |_| state.query.update(|query| query.pivot = None)>"Close"</button>
                </section>
            }
        })}
    }
}
