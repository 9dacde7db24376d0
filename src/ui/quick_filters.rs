//! The quick filters under the query bar: the console Event history's lookup attributes as a
//! form, toggles for errors only, writes only and hiding AWS-service callers, the time range
//! (absolute, or relative to the end of the data), and UTC or local time.

use leptos::prelude::*;

use crate::analytics::{parse_event_time, Lookup, LookupAttribute, Millis, TimeRange};
use crate::ui::format;
use crate::ui::input_hint;
use crate::ui::state::use_app_state;

/// The relative ranges offered, as (label, length in minutes).
const RELATIVE: [(&str, i64); 7] = [
    ("Last 15 minutes", 15),
    ("Last hour", 60),
    ("Last 6 hours", 360),
    ("Last 24 hours", 1440),
    ("Last 7 days", 7 * 1440),
    ("Last 30 days", 30 * 1440),
    ("Last 90 days", 90 * 1440),
];

/// The quick-filter row.
#[component]
pub fn QuickFilters() -> impl IntoView {
    view! {
        <div class="tv-quick" data-testid="quick-filters">
            <Toggles />
            <TimePicker />
            <LookupForm />
            <ZoneSwitch />
        </div>
    }
}

/// Errors only, writes only, hide AWS services.
#[component]
fn Toggles() -> impl IntoView {
    let state = use_app_state();
    let query = state.query;
    let toggle = move |test_id: &'static str,
                       label: &'static str,
                       title: &'static str,
                       get: fn(&crate::analytics::Query) -> bool,
                       set: fn(&mut crate::analytics::Query, bool)| {
        view! {
            <label class="tv-toggle" class:tv-toggle--on=move || query.with(get) title=title>
                <input type="checkbox" data-testid=test_id prop:checked=move || query.with(get)
                    on:change=move |ev| { let on = event_target_checked(&ev); query.update(|query| set(query, on)); } />
                {label}
            </label>
        }
    };
    view! {
        <div class="tv-quick__group" role="group" aria-label="Toggles">
            {toggle("toggle-errors", "Errors only", "Only calls that returned an error code",
                |query| query.errors_only, |query, on| query.errors_only = on)}
            {toggle("toggle-writes", "Writes only", "Only calls with readOnly false (changes, not reads)",
                |query| query.writes_only, |query, on| query.writes_only = on)}
            {toggle("toggle-hide-service", "Hide AWS services", "Hide calls made by AWS services (userIdentity.type AWSService)",
                |query| query.hide_aws_service, |query, on| query.hide_aws_service = on)}
        </div>
    }
}

/// A time as a `datetime-local` input shows it, in UTC or local time.
fn input_value(millis: Millis, local: bool) -> String {
    format::time_in(millis, local).replace(' ', "T")
}

/// A `datetime-local` input's value read in UTC or local time.
fn read_input(text: &str, local: bool) -> Option<Millis> {
    if text.is_empty() {
        return None;
    }
    if local {
        let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
        #[allow(clippy::cast_possible_truncation)] // a date's milliseconds fit in i64
        return millis.is_finite().then_some(millis as Millis);
    }
    parse_event_time(text)
}

/// All time, a range relative to the end of the data, or from–to.
#[component]
fn TimePicker() -> impl IntoView {
    let state = use_app_state();
    let query = state.query;
    let span = Memo::new(move |_| {
        state.revision.track();
        state.engine.time_span()
    });
    let custom = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The inputs follow the applied range (set here, by the timeline brush or a link).
    Effect::new(move |_| {
        let local = state.local_time.get();
        let range = query.with(|query| query.time_range);
        from.set(
            range
                .map(|range| input_value(range.start, local))
                .unwrap_or_default(),
        );
        to.set(
            range
                .map(|range| input_value(range.end, local))
                .unwrap_or_default(),
        );
    });
    let chosen = move || {
        let range = query.with(|query| query.time_range);
        match (range, span.get()) {
            (None, _) => "all".to_owned(),
            (Some(range), Some((_, last))) => RELATIVE
                .iter()
                .find(|(_, minutes)| {
                    range.end == last + 1 && range.start == last + 1 - minutes * 60_000
                })
                .map_or_else(|| "custom".to_owned(), |(_, minutes)| minutes.to_string()),
            (Some(_), None) => "custom".to_owned(),
        }
    };
    let on_choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        match value.as_str() {
            "all" => {
                custom.set(false);
                query.update(|query| query.time_range = None);
            }
            "custom" => custom.set(true),
            minutes => {
                custom.set(false);
                if let (Ok(minutes), Some((_, last))) =
                    (minutes.parse::<i64>(), span.get_untracked())
                {
                    query.update(|query| {
                        query.time_range = Some(TimeRange {
                            start: last + 1 - minutes * 60_000,
                            end: last + 1,
                        });
                    });
                }
            }
        }
    };
    let problem = RwSignal::new(None::<&'static str>);
    let apply = move |_| {
        let local = state.local_time.get_untracked();
        match (
            read_input(&from.get_untracked(), local),
            read_input(&to.get_untracked(), local),
        ) {
            (Some(start), Some(end)) if start < end => {
                problem.set(None);
                query.update(|query| query.time_range = Some(TimeRange { start, end }));
            }
            (Some(_), Some(_)) => problem.set(Some("the end must be after the start")),
            _ => problem.set(Some("give both a start and an end")),
        }
    };
    view! {
        <div class="tv-quick__group" role="group" aria-label="Time range">
            <select class="tv-select" data-testid="time-range" aria-label="Time range"
                prop:value=move || if custom.get() { "custom".to_owned() } else { chosen() }
                on:change=on_choose
                title="Relative ranges end at the last event loaded">
                <option value="all">"All time"</option>
                {RELATIVE.iter().map(|(label, minutes)| view! { <option value=minutes.to_string()>{*label}</option> }).collect_view()}
                <option value="custom">"Custom range…"</option>
            </select>
            <Show when=move || custom.get() || chosen() == "custom">
                <input type="datetime-local" step="1" class="tv-input" data-testid="time-from" aria-label="From"
                    prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                <span class="tv-quick__dash">"→"</span>
                <input type="datetime-local" step="1" class="tv-input" data-testid="time-to" aria-label="To (excluded)"
                    prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                <button class="tv-button tv-button--small" data-testid="time-apply" on:click=apply>"Apply"</button>
                {move || problem.get().map(|problem| view! { <span class="tv-warning tv-quick__problem">{problem}</span> })}
            </Show>
        </div>
    }
}

/// The Event history lookup attributes: pick one, type a value, Enter adds it.
#[component]
fn LookupForm() -> impl IntoView {
    let state = use_app_state();
    let attribute = RwSignal::new(LookupAttribute::EventName);
    let value = RwSignal::new(String::new());
    let add = move || {
        let text = value.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        let lookup = Lookup {
            attribute: attribute.get_untracked(),
            value: text,
        };
        state.query.update(|query| {
            if !query.lookups.contains(&lookup) {
                query.lookups.push(lookup);
            }
        });
        value.set(String::new());
    };
    view! {
        <div class="tv-quick__group tv-lookup" role="group" aria-label="Lookup attributes">
            <select class="tv-select" data-testid="lookup-attribute" aria-label="Lookup attribute"
                prop:value=move || attribute.get().key()
                on:change=move |ev| { if let Some(chosen) = LookupAttribute::from_key(&event_target_value(&ev)) { attribute.set(chosen); } }>
                {LookupAttribute::ALL.iter().map(|choice| view! { <option value=choice.key()>{choice.label()}</option> }).collect_view()}
            </select>
            <span class="tv-hinted">
                <input type="text" class="tv-input" data-testid="lookup-value" spellcheck="false" autocomplete="off"
                    aria-label="Lookup value"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { add(); } />
                {input_hint("exact value", move || value.with(String::is_empty))}
            </span>
            <button class="tv-button tv-button--small" data-testid="lookup-add" on:click=move |_| add()>"Add"</button>
        </div>
    }
}

/// UTC or the browser's time zone.
#[component]
fn ZoneSwitch() -> impl IntoView {
    let state = use_app_state();
    let local = state.local_time;
    view! {
        <div class="tv-segmented" role="group" aria-label="Time zone" data-testid="time-zone"
            data-value=move || if local.get() { "local" } else { "utc" }>
            <button class="tv-segmented__item" class:tv-segmented__item--on=move || !local.get()
                on:click=move |_| local.set(false)>"UTC"</button>
            <button class="tv-segmented__item" class:tv-segmented__item--on=move || local.get()
                title=move || format::zone(true, state.engine.time_span().map(|(_, last)| last))
                on:click=move |_| local.set(true)>"Local"</button>
        </div>
    }
}
