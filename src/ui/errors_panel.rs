//! Error-rate insights: the error rate over time, the failing (API, error) pairs, the callers
//! with the most errors, and the access-denied family called out.

use leptos::prelude::*;

use crate::analytics::{rate_ceiling, ErrorInsights, Field};
use crate::ui::chart::{push_bar, Hover};
use crate::ui::filters::apply_click;
use crate::ui::format;
use crate::ui::state::use_app_state;

/// The insights card row.
#[component]
pub fn ErrorsPanel() -> impl IntoView {
    let state = use_app_state();
    let errors = Memo::new(move |_| state.dashboard.with(|dashboard| dashboard.errors.clone()));
    view! {
        <section class="tv-insights" data-testid="error-insights">
            <RateCard errors=errors />
            <div class="tv-card">
                <header class="tv-card__header"><h2>"Failing calls"</h2><span class="tv-card__meta">"API · error · share of that API's calls"</span></header>
                <table class="tv-mini" data-testid="error-pairs">
                    <tbody>
                        {move || errors.get().pairs.into_iter().map(|pair| {
                            let code = pair.error_code.clone();
                            view! {
                                <tr data-testid="error-pair" data-key=format!("{} {}", pair.event_name, pair.error_code) data-count=pair.count
                                    on:click=move |ev| apply_click(state, Field::ErrorCode, code.clone(), &ev)>
                                    <td class="tv-mini__key" title=format!("{} → {}", pair.event_name, pair.error_code)>
                                        {pair.event_name.clone()}" "<span class="tv-mini__code">{pair.error_code.clone()}</span>
                                    </td>
                                    <td class="tv-mini__num">{format::count(pair.count)}</td>
                                    <td class="tv-mini__num">{format::percent(pair.rate)}</td>
                                </tr>
                            }
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            </div>
            <div class="tv-card">
                <header class="tv-card__header"><h2>"Callers with most errors"</h2><span class="tv-card__meta">"errors · denied · error rate"</span></header>
                <table class="tv-mini" data-testid="error-callers">
                    <tbody>
                        {move || errors.get().callers.into_iter().map(|caller| {
                            let name = caller.caller.clone();
                            view! {
                                <tr data-testid="error-caller" data-key=caller.caller.clone() data-count=caller.errors
                                    on:click=move |ev| apply_click(state, Field::Caller, name.clone(), &ev)>
                                    <td class="tv-mini__key">{if caller.caller.is_empty() { "(no caller)".to_owned() } else { caller.caller.clone() }}</td>
                                    <td class="tv-mini__num">{format::count(caller.errors)}</td>
                                    <td class="tv-mini__num tv-mini__denied">{format::count(caller.denied)}</td>
                                    <td class="tv-mini__num">{format::percent(caller.rate)}</td>
                                </tr>
                            }
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The error rate of every bucket, against a round ceiling, with the overall rate drawn across.
#[component]
fn RateCard(errors: Memo<ErrorInsights>) -> impl IntoView {
    let state = use_app_state();
    let timeline = Memo::new(move |_| state.dashboard.with(|dashboard| dashboard.timeline.clone()));
    let n_events = Memo::new(move |_| state.dashboard.with(|dashboard| dashboard.totals.n_events));
    let ceiling = Memo::new(move |_| timeline.with(rate_ceiling));
    let rate = move || errors.with(|errors| errors.n_errors) as f64 / n_events.get().max(1) as f64;
    // The overall rate's height in the chart (0 at the top, 100 at the bottom).
    let mean_y = move || 100.0 - rate() / ceiling.get() * 100.0;
    let host = NodeRef::<leptos::html::Div>::new();
    let hover = Hover::new(timeline, host);
    view! {
        <div class="tv-card tv-card--rate">
            <header class="tv-card__header">
                <h2>"Error rate over time"</h2>
                <span class="tv-card__meta">{move || {
                    format!("{} errors · {} of calls", format::count(errors.with(|errors| errors.n_errors)), format::percent(rate()))
                }}</span>
            </header>
            <div class="tv-rate" data-testid="error-rate" data-ceiling=move || ceiling.get() node_ref=host
                on:mousemove=move |ev| { hover.point(ev.client_x()); }
                on:mouseleave=move |_| hover.leave()
            >
                <svg class="tv-rate__svg" viewBox="0 0 1000 100" preserveAspectRatio="none" role="img"
                    aria-label=move || format!("Error rate over time, {} of calls overall", format::percent(rate()))>
                    <line class="tv-rate__grid" x1="0" x2="1000" y1="0.5" y2="0.5" vector-effect="non-scaling-stroke" />
                    {hover.band(1000.0, 100.0)}
                    <path class="tv-rate__bar" data-testid="error-rate-path" d=move || timeline.with(|timeline| {
                        let slot = 1000.0 / timeline.buckets.len().max(1) as f64;
                        let ceiling = ceiling.get();
                        let mut path = String::new();
                        for (position, bucket) in timeline.buckets.iter().enumerate().filter(|(_, bucket)| bucket.count > 0) {
                            let height = bucket.errors as f64 / bucket.count as f64 / ceiling * 100.0;
                            push_bar(&mut path, position as f64 * slot, 100.0 - height, slot * 0.86, height);
                        }
                        path
                    })></path>
                    <line class="tv-rate__mean" data-testid="error-rate-mean" x1="0" x2="1000" y1=mean_y y2=mean_y vector-effect="non-scaling-stroke" />
                </svg>
                {hover.readout(|bucket| if bucket.count == 0 {
                    format!("{} · no events", format::time(bucket.start))
                } else {
                    format!(
                        "{} · {} error rate ({} of {})",
                        format::time(bucket.start),
                        format::percent(bucket.errors as f64 / bucket.count as f64),
                        format::count(bucket.errors),
                        format::count(bucket.count)
                    )
                }, "error-rate-readout")}
                <span class="tv-rate__ceiling" data-testid="error-rate-ceiling">{move || format::round_percent(ceiling.get())}</span>
                <span class="tv-rate__overall" style:top=move || format!("{}%", mean_y().clamp(15.0, 100.0))>
                    {move || format!("overall {}", format::percent(rate()))}
                </span>
            </div>
            <div class="tv-denied" data-testid="denied-summary" data-value=move || errors.get().n_denied>
                <strong>{move || format::count(errors.get().n_denied)}</strong>
                " access denied ("
                {move || format::percent(errors.get().n_denied as f64 / errors.get().n_errors.max(1) as f64)}
                " of errors)"
                <span class="tv-denied__codes">
                    {move || errors.get().denied_codes.into_iter().map(|code| {
                        let value = code.code.clone();
                        view! { <span class="tv-tag" on:click=move |ev| apply_click(state, Field::ErrorCode, value.clone(), &ev)>{format!("{} {}", code.code, format::count(code.count))}</span> }
                    }).collect::<Vec<_>>()}
                </span>
            </div>
        </div>
    }
}
