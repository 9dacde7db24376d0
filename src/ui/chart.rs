//! What the two bar charts over time (the timeline and the error rate) share: every bar of a
//! colour drawn as one SVG path, and one readout that follows the pointer instead of a tooltip
//! per bar. A redraw then sets a few attributes rather than several of each bar's.

use std::fmt::Write as _;

use leptos::prelude::*;

use crate::analytics::{Bucket, Timeline};

/// Adds one bar (`x`, `y` its top left corner) to a path's data; nothing for a bar without height.
pub fn push_bar(path: &mut String, x: f64, y: f64, width: f64, height: f64) {
    if height > 0.0 {
        // Writing to a String cannot fail.
        let _ = write!(path, "M{x:.3} {y:.3}h{width:.3}v{height:.3}h-{width:.3}z");
    }
}

/// The bucket under a pointer at `fraction` (0 to 1) of the chart's width.
pub fn bucket_at(fraction: f64, n_buckets: usize) -> Option<usize> {
    (n_buckets > 0).then(|| ((fraction * n_buckets as f64) as usize).min(n_buckets - 1))
}

/// The bucket under the pointer of one chart.
#[derive(Clone, Copy)]
pub struct Hover {
    timeline: Memo<Timeline>,
    host: NodeRef<leptos::html::Div>,
    bucket: RwSignal<Option<usize>>,
}

impl Hover {
    /// Follows the pointer over `host`, which spans the chart's buckets.
    pub fn new(timeline: Memo<Timeline>, host: NodeRef<leptos::html::Div>) -> Self {
        Self {
            timeline,
            host,
            bucket: RwSignal::new(None),
        }
    }

    /// The pointer moved to `client_x`: where it is across the chart, from 0 to 1.
    pub fn point(self, client_x: i32) -> f64 {
        let at = self.host.get_untracked().map_or(0.0, |element| {
            let rect = element.get_bounding_client_rect();
            ((f64::from(client_x) - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0)
        });
        let bucket = self
            .timeline
            .with_untracked(|timeline| bucket_at(at, timeline.buckets.len()));
        if self.bucket.get_untracked() != bucket {
            self.bucket.set(bucket);
        }
        at
    }

    /// The pointer left the chart.
    pub fn leave(self) {
        self.bucket.set(None);
    }

    /// A band behind the hovered bucket, in a chart `width` by `height` user units.
    pub fn band(self, width: f64, height: f64) -> impl IntoView {
        move || {
            self.bucket.get().map(|position| {
                let slot = width / self.timeline.with(|timeline| timeline.buckets.len()).max(1) as f64;
                view! { <rect class="tv-chart__hover" x=position as f64 * slot y="0" width=slot height=height></rect> }
            })
        }
    }

    /// The readout of the hovered bucket, saying of it what `say` does.
    pub fn readout(self, say: fn(&Bucket) -> String, testid: &'static str) -> impl IntoView {
        move || {
            let position = self.bucket.get()?;
            self.timeline.with(|timeline| {
                let bucket = timeline.buckets.get(position)?;
                let centre = (position as f64 + 0.43) / timeline.buckets.len() as f64;
                let shift = if centre < 0.12 {
                    "0%"
                } else if centre > 0.88 {
                    "-100%"
                } else {
                    "-50%"
                };
                Some(view! {
                    <div class="tv-chart__readout" data-testid=testid role="status"
                        style=format!("left: {:.2}%; transform: translateX({shift})", centre * 100.0)>
                        {say(bucket)}
                    </div>
                })
            })
        }
    }
}
