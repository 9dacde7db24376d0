//! The headline numbers of the current selection, each carrying its exact integer in
//! `data-value`.

use leptos::prelude::*;

use crate::analytics::format_utc_seconds;
use crate::ui::format;
use crate::ui::state::use_app_state;

/// The row of stat cards.
#[component]
pub fn Stats() -> impl IntoView {
    let state = use_app_state();
    let totals = Memo::new(move |_| state.dashboard.with(|dashboard| dashboard.totals.clone()));
    let ledger = state.ledger;
    let span = move || {
        totals.with(|totals| match totals.time_span {
            Some((first, last)) => (
                format_utc_seconds(first),
                format_utc_seconds(last),
                format::span(last - first),
            ),
            None => (String::new(), String::new(), "—".to_owned()),
        })
    };
    view! {
        <section class="tv-stats" aria-label="Totals">
            <Stat test_id="stat-events" label="Events" value=Signal::derive(move || totals.get().n_events)
                note=Signal::derive(move || format!("of {} loaded", format::count(ledger.get().indexed))) />
            <Stat test_id="stat-files" label="Files" value=Signal::derive(move || totals.get().n_files)
                note=Signal::derive(move || {
                    let ledger = ledger.get();
                    let read = format!("of {} read", format::count(ledger.n_files - ledger.not_read));
                    if ledger.not_read > 0 {
                        format!("{read} · {} not read", format::count(ledger.not_read))
                    } else {
                        read
                    }
                }) />
            <Stat test_id="stat-principals" label="Callers" value=Signal::derive(move || totals.get().n_principals)
                note=Signal::derive(String::new) />
            <Stat test_id="stat-errors" label="Errors" value=Signal::derive(move || totals.get().n_errors)
                note=Signal::derive(move || format!("{} error rate", format::percent(totals.get().error_rate))) />
            <Stat test_id="stat-duplicates" label="Duplicates" value=Signal::derive(move || totals.get().n_duplicates)
                note=Signal::derive(|| "identical copies dropped".to_owned()) />
            <Stat test_id="stat-conflicts" label="ID conflicts" value=Signal::derive(move || totals.get().n_conflicts)
                note=Signal::derive(|| "same eventID, other content".to_owned()) />
            <Stat test_id="stat-rejected" label="Rejected" value=Signal::derive(move || ledger.get().rejected)
                note=Signal::derive(|| "records, all files".to_owned()) />
            <div class="tv-stat tv-stat--wide" data-testid="time-span" data-start=move || span().0 data-end=move || span().1>
                <span class="tv-stat__label">"Time span (UTC)"</span>
                <span class="tv-stat__value">{move || span().2}</span>
                <span class="tv-stat__note" data-undated=move || totals.get().n_undated>
                    {move || {
                        let undated = totals.get().n_undated;
                        if undated > 0 {
                            return format!("+ {} undated (no usable eventTime)", format::count(undated));
                        }
                        let (start, end, _) = span();
                        if start.is_empty() { String::new() } else {
                            format!("{} → {}", start.replace('T', " ").trim_end_matches('Z'), end.replace('T', " ").trim_end_matches('Z'))
                        }
                    }}
                </span>
            </div>
        </section>
    }
}

/// One stat card.
#[component]
fn Stat(
    /// The `data-testid`.
    test_id: &'static str,
    /// What is counted.
    label: &'static str,
    /// The exact count.
    value: Signal<u64>,
    /// A line of context under the number.
    note: Signal<String>,
) -> impl IntoView {
    let emphasis = move || {
        let attention = matches!(test_id, "stat-rejected" | "stat-conflicts") && value.get() > 0;
        if attention {
            "tv-stat tv-stat--attention"
        } else {
            "tv-stat"
        }
    };
    view! {
        <div class=emphasis data-testid=test_id data-value=move || value.get()>
            <span class="tv-stat__label">{label}</span>
            <span class="tv-stat__value">{move || format::count(value.get())}</span>
            <span class="tv-stat__note">{move || note.get()}</span>
        </div>
    }
}
