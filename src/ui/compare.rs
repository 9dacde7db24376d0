//! Up to five events side by side: one row per field path, one column per event, the rows
//! whose values differ highlighted (and, on request, alone).

use leptos::prelude::*;

use crate::ui::format;
use crate::ui::lending::lend_for;
use crate::ui::state::use_app_state;

/// The comparison, over the page while open.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let state = use_app_state();
    let only_differences = RwSignal::new(false);
    let lending = lend_for(state, move || {
        if state.compare_open.get() {
            state.compare.get()
        } else {
            Vec::new()
        }
    });
    let comparison = Memo::new(move |_| {
        state.revision.track();
        lending.lent.track();
        state.compare.with(|picked| state.engine.compare(picked))
    });
    let close = move || state.compare_open.set(false);
    let close_on_escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            state.compare_open.set(false);
        }
    });
    on_cleanup(move || close_on_escape.remove());
    view! {
        <Show when=move || state.compare_open.get()>
            <div class="tv-modal" role="dialog" aria-label="Compare events" on:click=move |_| close()>
                <section class="tv-card tv-compare" data-testid="compare" on:click=|ev| ev.stop_propagation()>
                    <header class="tv-card__header">
                        <h2>"Compare"</h2>
                        <span class="tv-card__meta">{move || comparison.with(|comparison| {
                            let differing = comparison.rows.iter().filter(|row| row.differs).count();
                            format!("{} events · {} of {} fields differ", comparison.events.len(), differing, comparison.rows.len())
                        })}</span>
                        <label class="tv-toggle" class:tv-toggle--on=move || only_differences.get()>
                            <input type="checkbox" data-testid="compare-only-differences" prop:checked=move || only_differences.get()
                                on:change=move |ev| only_differences.set(event_target_checked(&ev)) />
                            "Only differences"
                        </label>
                        <button class="tv-button tv-button--small tv-button--quiet" title="Close (Esc)" on:click=move |_| close()>"×"</button>
                    </header>
                    <div class="tv-compare__scroll">
                        <table class="tv-compare__table">
                            <thead>
                                <tr>
                                    <th>"Field"</th>
                                    {move || comparison.get().events.into_iter().map(|event| {
                                        let local = state.local_time.get();
                                        view! {
                                            <th data-testid="compare-event" data-event-id=event.event_id.clone()>
                                                <span class="tv-mono">{event.event_id.clone()}</span>
                                                <br />
                                                <span class="tv-card__meta">{event.time.map(|time| format::time_in(time, local)).unwrap_or_default()}</span>
                                            </th>
                                        }
                                    }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {move || {
                                    let only = only_differences.get();
                                    comparison.get().rows.into_iter().filter(|row| !only || row.differs).map(|row| view! {
                                        <tr class:tv-compare__differs=row.differs data-testid="compare-row" data-path=row.path.clone()
                                            data-differs=row.differs.to_string()>
                                            <td class="tv-mono tv-compare__path">{row.path.clone()}</td>
                                            {row.values.into_iter().map(|value| match value {
                                                Some(value) => view! { <td class="tv-mono">{value}</td> }.into_any(),
                                                None => view! { <td class="tv-compare__missing">"—"</td> }.into_any(),
                                            }).collect_view()}
                                        </tr>
                                    }).collect_view()
                                }}
                            </tbody>
                        </table>
                    </div>
                </section>
            </div>
        </Show>
    }
}
