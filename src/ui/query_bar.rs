//! The query bar: a CloudWatch Logs filter pattern (`{ $.errorCode = "AccessDenied*" }`) or
//! the short syntax (`eventName:Delete* -userIdentity.type:AWSService`), applied with Enter.
//! A query that does not parse is shown with its error and position and is not applied. The
//! CIS AWS Foundations monitoring filters are offered as presets.

use leptos::prelude::*;

use crate::analytics::{check_query_text, Selection, CIS_FILTERS};
use crate::ui::format;
use crate::ui::state::use_app_state;

/// Queries shown under the empty bar, one of each kind.
const EXAMPLES: &str = r#"Examples: AccessDenied · eventName:Delete* -userIdentity.type:AWSService · { $.errorCode = "*UnauthorizedOperation" } — Enter applies, Esc clears"#;

/// What the bar says about the text being typed.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    position: usize,
    message: String,
}

/// The query input, its error line and the presets.
#[component]
pub fn QueryBar() -> impl IntoView {
    let state = use_app_state();
    let query = state.query;
    let draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    // The applied text can change from elsewhere (Clear filters, a preset): show it.
    Effect::new(move |_| {
        let applied = query.with(|query| query.text.clone());
        draft.set(applied);
        problem.set(None);
    });
    let apply = move |text: String| match check_query_text(&text) {
        Ok(()) => {
            problem.set(None);
            query.update(|query| query.text = text);
        }
        Err(error) => problem.set(Some(Problem {
            position: error.position,
            message: error.message,
        })),
    };
    let applied = move || query.with(|query| !query.text.trim().is_empty());
    view! {
        <div class="tv-query">
            <div class="tv-query__row">
                <input type="search" class="tv-query__input" data-testid="query-input" spellcheck="false"
                    aria-label="Query" autocomplete="off"
                    title=EXAMPLES
                    class:tv-query__input--bad=move || problem.with(Option::is_some)
                    prop:value=move || draft.get()
                    on:input=move |ev| { draft.set(event_target_value(&ev)); problem.set(None); }
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" { apply(draft.get_untracked()); }
                        if ev.key() == "Escape" { apply(String::new()); }
                    } />
                <select class="tv-query__presets" data-testid="query-presets" aria-label="CIS monitoring filters"
                    prop:value=move || query.with(|query| {
                        CIS_FILTERS.iter().find(|(_, _, pattern)| query.text == *pattern).map_or("", |(id, _, _)| *id)
                    })
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some((_, _, pattern)) = CIS_FILTERS.iter().find(|(id, _, _)| *id == chosen) {
                            apply((*pattern).to_owned());
                        }
                    }>
                    <option value="">"CIS filters…"</option>
                    {CIS_FILTERS.iter().map(|(id, title, _)| view! {
                        <option value=*id>{format!("{id} {title}")}</option>
                    }).collect_view()}
                </select>
                <Show when=applied>
                    <span class="tv-query__count" data-testid="query-count"
                        data-value=move || state.selection.with(Selection::len)>
                        {move || format!("{} match", format::count(state.selection.with(|selection| selection.len() as u64)))}
                    </span>
                    {move || {
                        let unsearched = state.selection.with(Selection::unsearched);
                        let stopped = state.index_stopped.get() || state.index_problem.with(Option::is_some);
                        (unsearched > 0).then(|| view! {
                            <span class="tv-query__pending" data-testid="query-unsearched" data-value=unsearched
                                title=if stopped {
                                    "The field index stopped before them (see the Fields card); their text is in their files"
                                } else {
                                    "Their text is read again from their files as the field index is built; the answer updates as it goes"
                                }>
                                {if stopped {
                                    format!("· {} events not indexed are not counted", format::count(u64::from(unsearched)))
                                } else {
                                    format!("· {} events still being indexed are not counted yet", format::count(u64::from(unsearched)))
                                }}
                            </span>
                        })
                    }}
                </Show>
            </div>
            <Show when=move || draft.with(String::is_empty) && problem.with(Option::is_none)>
                <div class="tv-query__hint">{EXAMPLES}</div>
            </Show>
            {move || problem.get().map(|problem| {
                let caret = format!("{}^", " ".repeat(problem.position));
                view! {
                    <div class="tv-query__error" data-testid="query-error" data-position=problem.position role="alert">
                        <pre class="tv-query__caret">{draft.get_untracked()}"\n"{caret}</pre>
                        <span>{format!("at {}: {}", problem.position + 1, problem.message)}</span>
                    </div>
                }
            })}
        </div>
    }
}
