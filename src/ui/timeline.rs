//! The timeline: events per bucket with errors stacked beneath successes, and a brush: drag
//! across it (or click a bar) to zoom the whole page into that time range.

use leptos::prelude::*;

use crate::analytics::{format_utc_seconds, Millis, TimeRange, Timeline as TimelineModel};
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

    let fraction_at = move |client_x: i32| -> f64 {
        host.get().map_or(0.0, |element| {
            let rect = element.get_bounding_client_rect();
            ((f64::from(client_x) - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0)
        })
    };
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
                on:mousedown=move |ev| { ev.prevent_default(); let at = fraction_at(ev.client_x()); drag.set(Some((at, at))); }
                on:mousemove=move |ev| if let Some((from, _)) = drag.get_untracked() { drag.set(Some((from, fraction_at(ev.client_x())))); }
                on:mouseup=move |_| finish()
                on:mouseleave=move |_| finish()
            >
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" class="tv-timeline__svg">
                    {move || timeline.with(bars)}
                </svg>
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

fn bars(timeline: &TimelineModel) -> Vec<impl IntoView> {
    let n_buckets = timeline.buckets.len().max(1) as f64;
    let max = timeline
        .buckets
        .iter()
        .map(|bucket| bucket.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / n_buckets;
    timeline
        .buckets
        .iter()
        .enumerate()
        .map(|(position, bucket)| {
            let x = position as f64 * slot;
            let total_height = bucket.count as f64 / max * HEIGHT;
            let error_height = bucket.errors as f64 / max * HEIGHT;
            let title = format!(
                "{} · {} events · {} errors",
                format::time(bucket.start),
                format::count(bucket.count),
                format::count(bucket.errors)
            );
            view! {
                <g data-testid="timeline-bucket" data-start=format_utc_seconds(bucket.start) data-count=bucket.count data-errors=bucket.errors>
                    <title>{title}</title>
                    <rect class="tv-bar tv-bar--ok" x=x y=HEIGHT - total_height width=slot * 0.86 height=total_height - error_height></rect>
                    <rect class="tv-bar tv-bar--err" x=x y=HEIGHT - error_height width=slot * 0.86 height=error_height></rect>
                </g>
            }
        })
        .collect()
}
