//! The facets sidebar: every field found in the loaded records (nested ones included), each
//! opening to its top values and counts in the current selection, with a search box over a
//! field's values; a click includes a value, Alt/Ctrl-click or ⊖ excludes it.

use leptos::prelude::*;

use crate::ui::filters::{add_path_filter, apply_path_click};
use crate::ui::format;
use crate::ui::search_box;
use crate::ui::state::use_app_state;

/// Values shown when a field opens; "more" adds as many again.
const FIRST_VALUES: usize = 10;

/// The card.
#[component]
pub fn Facets() -> impl IntoView {
    let state = use_app_state();
    let search = RwSignal::new(String::new());
    let open = RwSignal::new(Vec::<String>::new());
    let fields = Memo::new(move |_| {
        let needle = search.get().to_lowercase();
        state.facet_fields.with(|fields| {
            fields
                .iter()
                .filter(|field| needle.is_empty() || field.path.to_lowercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let meta = move || {
        let (indexed, total) = state.index_progress.get();
        let n_fields = state.facet_fields.with(Vec::len);
        if let Some(problem) = state.index_problem.get() {
            format!(
                "{} of {} events indexed: stopped, {problem}",
                format::count(u64::from(indexed)),
                format::count(u64::from(total))
            )
        } else if indexed < total && state.index_stopped.get() {
            format!(
                "{} of {} events indexed: memory budget reached; counts cover those",
                format::count(u64::from(indexed)),
                format::count(u64::from(total))
            )
        } else if indexed < total {
            format!(
                "indexing {} of {} events…",
                format::count(u64::from(indexed)),
                format::count(u64::from(total))
            )
        } else {
            format!("{} fields", format::count(n_fields as u64))
        }
    };
    view! {
        <section class="tv-card tv-facets" data-testid="facets"
            data-indexed=move || state.index_progress.get().0 data-total=move || state.index_progress.get().1
            data-indexed-by=move || state.indexed_by.get()
            data-stopped=move || (state.index_stopped.get() || state.index_problem.with(Option::is_some)).to_string()>
            <header class="tv-card__header">
                <h2>"Fields"</h2>
                <span class="tv-card__meta">{meta}</span>
            </header>
            {search_box("tv-facets__search", "facet-search", "Find a field", "Find a field…", search)}
            <ul class="tv-facets__list">
                {move || fields.get().into_iter().map(|field| {
                    let path = field.path.clone();
                    let path_for_toggle = field.path.clone();
                    let path_for_check = field.path.clone();
                    let is_open = Memo::new(move |_| open.with(|open| open.contains(&path_for_check)));
                    view! {
                        <li class="tv-facet" data-testid="facet-field" data-path=field.path.clone() data-events=field.n_events
                            class:tv-facet--open=move || is_open.get()>
                            <button class="tv-facet__name" aria-expanded=move || is_open.get().to_string()
                                on:click=move |_| open.update(|open| {
                                    if let Some(at) = open.iter().position(|known| *known == path_for_toggle) { open.remove(at); } else { open.push(path_for_toggle.clone()); }
                                })>
                                <span class="tv-facet__caret">{move || if is_open.get() { "▾" } else { "▸" }}</span>
                                <span class="tv-facet__path tv-mono" title=field.path.clone()>{field.path.clone()}</span>
                                <span class="tv-facet__count" title="events with this field, of everything loaded">{format::count(field.n_events as u64)}</span>
                            </button>
                            <Show when=move || is_open.get()>
                                <FacetValuesList path=path.clone() />
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// One open field: its top values in the selection.
#[component]
fn FacetValuesList(path: String) -> impl IntoView {
    let state = use_app_state();
    let contains = RwSignal::new(String::new());
    let shown = RwSignal::new(FIRST_VALUES);
    let path_for_values = path.clone();
    let values = Memo::new(move |_| {
        state.facet_fields.track();
        let needle = contains.get();
        let n = shown.get();
        state.selection.with(|selection| {
            state
                .engine
                .facet_values(selection, &path_for_values, &needle, n)
        })
    });
    view! {
        <div class="tv-facet__values" data-testid="facet-values" data-path=path.clone()>
            {search_box("tv-facet__search", "facet-value-search", "Find a value", "Find a value…", contains)}
            <ol class="tv-top__items">
                {move || {
                    let values = values.get();
                    if values.values.is_empty() {
                        return vec![view! { <li class="tv-empty">"no value in this selection"</li> }.into_any()];
                    }
                    let top = values.values.first().map_or(1, |(_, count)| (*count).max(1));
                    values.values.into_iter().map(|(value, count)| {
                        let (include_path, exclude_path) = (values.path.clone(), values.path.clone());
                        let (include_value, exclude_value) = (value.clone(), value.clone());
                        view! {
                            <li class="tv-top__item" data-testid="facet-value" data-value=value.clone() data-count=count
                                title=format!("{value}: {} events", format::count(u64::from(count)))
                                on:click=move |ev| apply_path_click(state, include_path.clone(), include_value.clone(), &ev)>
                                <span class="tv-top__bar" style=format!("width: {:.1}%", f64::from(count) * 100.0 / f64::from(top))></span>
                                <span class="tv-top__key">{if value.is_empty() { "(empty)".to_owned() } else { value.clone() }}</span>
                                <span class="tv-top__count">{format::count(u64::from(count))}</span>
                                <button class="tv-top__exclude" data-testid="facet-value-exclude" title="Exclude this value"
                                    on:click=move |ev| { ev.stop_propagation(); add_path_filter(state, exclude_path.clone(), exclude_value.clone(), true); }>"⊖"</button>
                            </li>
                        }.into_any()
                    }).collect::<Vec<_>>()
                }}
            </ol>
            <div class="tv-facet__foot">
                <span>{move || format!("{} distinct", format::count(values.with(|values| values.distinct as u64)))}</span>
                <Show when=move || values.with(|values| values.distinct > values.values.len())>
                    <button class="tv-button tv-button--quiet tv-button--small" data-testid="facet-more"
                        on:click=move |_| shown.update(|shown| *shown += 20)>"more"</button>
                </Show>
            </div>
        </div>
    }
}
