//! A top-N list of one field: values with counts and share bars; click to filter to a value,
//! Alt/Ctrl-click (or the ⊖ button) to exclude it.

use leptos::prelude::*;

use crate::analytics::{Field, FieldFilter};
use crate::ui::filters::{apply_click, pivot_to};
use crate::ui::format;
use crate::ui::state::use_app_state;

/// The list for `field`, read from the dashboard.
#[component]
pub fn TopList(
    /// The field ranked.
    field: Field,
    /// The `data-testid` of the list.
    test_id: &'static str,
    /// The heading.
    title: &'static str,
) -> impl IntoView {
    let state = use_app_state();
    let list = Memo::new(move |_| {
        state.dashboard.with(|dashboard| {
            dashboard
                .tops
                .iter()
                .find(|top| top.field == field)
                .cloned()
        })
    });
    // Who and from where: the values a pivot follows.
    let pivotable = matches!(
        field,
        Field::Caller | Field::CallerArn | Field::AccessKey | Field::SourceIp
    );
    view! {
        <section class="tv-card tv-top" data-testid=test_id>
            <header class="tv-card__header">
                <h2>{title}</h2>
                <span class="tv-card__meta">{move || list.get().map(|list| format!("{} distinct", format::count(list.n_distinct)))}</span>
            </header>
            <ol class="tv-top__items">
                {move || {
                    let Some(list) = list.get() else { return Vec::new() };
                    if list.items.is_empty() {
                        return vec![view! { <li class="tv-empty">"none in this selection"</li> }.into_any()];
                    }
                    list.items.into_iter().map(|item| {
                        let key = item.key.clone();
                        let key_for_exclude = item.key.clone();
                        view! {
                            <li class="tv-top__item" class:tv-top__item--pivot=pivotable data-testid="top-item" data-key=item.key.clone() data-count=item.count
                                title=format!("{}: {} events ({})", item.key, format::count(item.count), format::percent(item.share))
                                on:click=move |ev| apply_click(state, field, key.clone(), &ev)>
                                <span class="tv-top__bar" style=format!("width: {:.1}%", item.share * 100.0)></span>
                                <span class="tv-top__key">{item.key.clone()}</span>
                                <span class="tv-top__count">{format::count(item.count)}</span>
                                <span class="tv-top__share">{format::percent(item.share)}</span>
                                {pivotable.then(|| {
                                    let value = item.key.clone();
                                    view! {
                                        <button class="tv-top__pivot" data-testid="top-item-pivot" title="Open the timeline of everything that references this value" aria-label="Pivot"
                                            on:click=move |ev| { ev.stop_propagation(); state.query.set(crate::analytics::Query::default()); pivot_to(state, value.clone()); }></button>
                                    }
                                })}
                                <button class="tv-top__exclude" data-testid="top-item-exclude" title="Exclude this value"
                                    on:click=move |ev| {
                                        ev.stop_propagation();
                                        state.query.update(|query| *query = query.with_filter(FieldFilter { field, value: key_for_exclude.clone(), exclude: true }));
                                    }>"⊖"</button>
                            </li>
                        }.into_any()
                    }).collect::<Vec<_>>()
                }}
            </ol>
        </section>
    }
}
