//! The timeline: events per bucket with errors stacked beneath successes, and a brush: drag
//! across it (or click a bar) to zoom the whole page into that time range.

use leptos::prelude::*;

use crate::analytics::{format_utc_seconds, Millis, TimeRange, Timeline as TimelineModel};
use crate::ui::chart::{push_bar, Hover};
use crate::ui::format;
use crate::ui::state::use_app_state;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 140.0;

/// The time axis of a timeline: `[start, end)` covered by its buckets.
fn axis(timeline: &TimelineModel) -> Option<(Millis, Millis)> {
    let first = timeline.buckets.first()?;
    let n_buckets = Millis::try_from(timeline.buckets.len()).unwrap_or(Millis::MAX);
    Some((
        first.start,
        first
            .start
            .saturating_add(timeline.bucket_ms.saturating_mul(n_buckets)),
    ))
}

/// The timeline card.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = use_app_state();
    let timeline = Memo::new(move |_| state.dashboard.with(|dashboard| dashboard.timeline.clone()));
    let drag = RwSignal::new(None::<(f64, f64)>);
    let host = NodeRef::<leptos::html::Div>::new();
    let hover = Hover::new(timeline, host);
    let finish = move || {
        let Some((from, to)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let Some((axis_start, axis_end)) = timeline.with_untracked(axis) else {
            return;
        };
        let bucket_ms = timeline
            .with_untracked(|timeline| timeline.bucket_ms)
            .max(1);
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let at = |fraction: f64| axis_start + ((axis_end - axis_start) as f64 * fraction) as Millis;
        let start = at(low).div_euclid(bucket_ms) * bucket_ms;
        let mut end = (at(high) + bucket_ms - 1).div_euclid(bucket_ms) * bucket_ms;
        if end <= start {
            end = start + bucket_ms;
        }
        state
            .query
            .update(|query| query.time_range = Some(TimeRange { start, end }));
    };

    view! {
        <section class="tv-card tv-timeline">
            <header class="tv-card__header">
                <h2>"Events over time"</h2>
                <span class="tv-card__meta">
                    {move || timeline.with(|timeline| if timeline.buckets.is_empty() { String::new() } else {
                        format!("{} buckets of {} · UTC", timeline.buckets.len(), format::bucket(timeline.bucket_ms))
                    })}
                    {move || {
                        let undated = state.dashboard.with(|dashboard| dashboard.totals.n_undated);
                        (undated > 0).then(|| format!(" · {} undated events not shown", format::count(undated)))
                    }}
                </span>
                <span class="tv-legend"><i class="tv-legend__ok"></i>"success"<i class="tv-legend__err"></i>"error"</span>
            </header>
            <div class="tv-timeline__plot" data-testid="timeline" node_ref=host
                data-bucket-ms=move || timeline.with(|timeline| timeline.bucket_ms)
                on:mousedown=move |ev| { ev.prevent_default(); let at = hover.point(ev.client_x()); drag.set(Some((at, at))); }
                on:mousemove=move |ev| {
                    let at = hover.point(ev.client_x());
                    if let Some((from, _)) = drag.get_untracked() { drag.set(Some((from, at))); }
                }
                on:mouseup=move |_| finish()
                on:mouseleave=move |_| { hover.leave(); finish() }
            >
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" class="tv-timeline__svg"
                    role="img" aria-label=move || timeline.with(describe)>
                    {hover.band(WIDTH, HEIGHT)}
                    {move || timeline.with(|timeline| {
                        let (ok, errors) = bars(timeline);
                        view! {
                            <path class="tv-bar tv-bar--ok" data-testid="timeline-ok" d=ok></path>
                            <path class="tv-bar tv-bar--err" data-testid="timeline-errors" d=errors></path>
                        }
                    })}
                    {move || timeline.with(buckets)}
                </svg>
                {hover.readout(|bucket| format!(
                    "{} · {} events · {} errors",
                    format::time(bucket.start),
                    format::count(bucket.count),
                    format::count(bucket.errors)
                ), "timeline-readout")}
                {move || drag.get().map(|(from, to)| {
                    let (low, high) = if from <= to { (from, to) } else { (to, from) };
                    view! { <div class="tv-timeline__brush" style=format!("left: {:.2}%; width: {:.2}%", low * 100.0, (high - low) * 100.0)></div> }
                })}
                <span class="tv-timeline__max">{move || timeline.with(|timeline| {
                    format::count(timeline.buckets.iter().map(|bucket| bucket.count).max().unwrap_or(0))
                })}</span>
            </div>
            <div class="tv-timeline__axis">
                {move || timeline.with(|timeline| {
                    let Some((start, end)) = axis(timeline) else { return Vec::new() };
                    (0..=4).map(|tick| {
                        let at = start + (end - start) * tick / 4;
                        view! { <span style=format!("left: {}%", tick * 25)>{format::time(at)}</span> }
                    }).collect::<Vec<_>>()
                })}
            </div>
        </section>
    }
}

/// The paths of the successes (above) and the errors (beneath) of every bucket.
fn bars(timeline: &TimelineModel) -> (String, String) {
    let n_buckets = timeline.buckets.len().max(1) as f64;
    let max = timeline
        .buckets
        .iter()
        .map(|bucket| bucket.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / n_buckets;
    let (mut ok, mut errors) = (String::new(), String::new());
    for (position, bucket) in timeline.buckets.iter().enumerate() {
        let x = position as f64 * slot;
        let total_height = bucket.count as f64 / max * HEIGHT;
        let error_height = bucket.errors as f64 / max * HEIGHT;
        push_bar(
            &mut ok,
            x,
            HEIGHT - total_height,
            slot * 0.86,
            total_height - error_height,
        );
        push_bar(
            &mut errors,
            x,
            HEIGHT - error_height,
            slot * 0.86,
            error_height,
        );
    }
    (ok, errors)
}

/// Every bucket's slot, full height and unpainted, carrying what it holds (`data-start`,
/// `data-count`, `data-errors`) for scripts. Its shape never changes with the selection, so a
/// redraw only sets the two numbers.
fn buckets(timeline: &TimelineModel) -> Vec<impl IntoView> {
    let slot = WIDTH / timeline.buckets.len().max(1) as f64;
    timeline
        .buckets
        .iter()
        .enumerate()
        .map(|(position, bucket)| {
            view! {
                <rect class="tv-chart__slot" data-testid="timeline-bucket" data-start=format_utc_seconds(bucket.start)
                    data-count=bucket.count data-errors=bucket.errors
                    x=position as f64 * slot y="0" width=slot height=HEIGHT></rect>
            }
        })
        .collect()
}

/// What the chart shows, in words, for a screen reader.
fn describe(timeline: &TimelineModel) -> String {
    let busiest = timeline.buckets.iter().max_by_key(|bucket| bucket.count);
    match busiest {
        Some(busiest) => format!(
            "Events over time: {} buckets of {}; the busiest, from {}, holds {} events ({} errors)",
            timeline.buckets.len(),
            format::bucket(timeline.bucket_ms),
            format::time(busiest.start),
            format::count(busiest.count),
            format::count(busiest.errors)
        ),
        None => "Events over time: no dated events".to_owned(),
    }
}
