//! The timeline: events per time bucket, errors stacked, with a bucket width chosen so the
//! span fits in about [`MAX_BUCKETS`] buckets (minutes, hours or days).

use rustc_hash::FxHashMap;

use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, DAY_MS, HOUR_MS, MINUTE_MS, UNDATED};
use crate::analytics::query::Selection;
use crate::analytics::store::Store;

/// The most buckets a timeline has.
pub const MAX_BUCKETS: i64 = 200;

/// Bucket widths to choose from, narrowest first; each divides the next larger unit evenly so
/// buckets align on whole minutes, hours and UTC days.
const WIDTHS: [Millis; 16] = [
    MINUTE_MS,
    2 * MINUTE_MS,
    5 * MINUTE_MS,
    10 * MINUTE_MS,
    15 * MINUTE_MS,
    30 * MINUTE_MS,
    HOUR_MS,
    2 * HOUR_MS,
    3 * HOUR_MS,
    6 * HOUR_MS,
    12 * HOUR_MS,
    DAY_MS,
    2 * DAY_MS,
    7 * DAY_MS,
    14 * DAY_MS,
    28 * DAY_MS,
];

/// One bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// First millisecond of the bucket.
    pub start: Millis,
    /// Events in the bucket.
    pub count: u64,
    /// Events with an error code in the bucket.
    pub errors: u64,
}

/// Events over time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Width of each bucket in milliseconds.
    pub bucket_ms: Millis,
    /// Buckets in time order, empty ones included, covering the domain.
    pub buckets: Vec<Bucket>,
    /// The time range shown: `[start, end)`.
    pub domain: (Millis, Millis),
}

/// The narrowest width whose buckets, aligned on multiples of the width, cover `[start, end)`
/// in at most [`MAX_BUCKETS`] buckets.
pub fn bucket_width(start: Millis, end: Millis) -> Millis {
    let fits = |width: Millis| n_buckets(start, end, width) <= MAX_BUCKETS;
    WIDTHS
        .into_iter()
        .find(|&width| fits(width))
        .unwrap_or_else(|| {
            let mut width = ((end - start) / MAX_BUCKETS / DAY_MS + 1) * DAY_MS;
            while !fits(width) {
                width += DAY_MS;
            }
            width
        })
}

/// How many aligned buckets of `width` cover `[start, end)` (at least one).
fn n_buckets(start: Millis, end: Millis, width: Millis) -> Millis {
    let first_start = start.div_euclid(width) * width;
    ((end - first_start + width - 1) / width).max(1)
}

/// Empty buckets covering `domain` (`[start, end)`), for [`Timeline::put`].
fn empty(domain: (Millis, Millis)) -> Timeline {
    let bucket_ms = bucket_width(domain.0, domain.1);
    let first_start = domain.0.div_euclid(bucket_ms) * bucket_ms;
    let buckets = (0..n_buckets(domain.0, domain.1, bucket_ms))
        .map(|i| Bucket {
            start: first_start + i * bucket_ms,
            count: 0,
            errors: 0,
        })
        .collect();
    Timeline {
        bucket_ms,
        buckets,
        domain,
    }
}

impl Timeline {
    /// The start of the first bucket (0 without buckets).
    fn first_start(&self) -> Millis {
        self.buckets.first().map_or(0, |bucket| bucket.start)
    }

    /// Adds `count` events, `errors` of them failed, at `time` to its bucket (none outside the
    /// domain).
    fn put(&mut self, time: Millis, count: u64, errors: u64) {
        if self.buckets.is_empty() {
            return;
        }
        let offset = (time - self.first_start()).div_euclid(self.bucket_ms);
        if let Some(bucket) = usize::try_from(offset)
            .ok()
            .and_then(|offset| self.buckets.get_mut(offset))
        {
            bucket.count += count;
            bucket.errors += errors;
        }
    }
}

/// Buckets `selection` over `domain` (`[start, end)`), or over the selection's own span.
pub fn timeline(
    store: &Store,
    selection: &Selection,
    domain: Option<(Millis, Millis)>,
) -> Timeline {
    let ids = selection.dated(store);
    let domain = match (domain, ids.first(), ids.last()) {
        (Some(domain), _, _) => domain,
        (None, Some(&first), Some(&last)) => (store.time(first), store.time(last) + 1),
        _ => return Timeline::default(),
    };
    let mut timeline = empty(domain);
    let (first_start, bucket_ms) = (timeline.first_start(), timeline.bucket_ms);
    store
        .column(Field::ErrorCode)
        .for_each(ids.iter().copied(), |event_idx, code| {
            let offset = (store.time(event_idx) - first_start).div_euclid(bucket_ms);
            if let Some(bucket) = usize::try_from(offset)
                .ok()
                .and_then(|offset| timeline.buckets.get_mut(offset))
            {
                bucket.count += 1;
                bucket.errors += u64::from(code != 0);
            }
        });
    timeline
}

/// Events and errors per minute over the dated events added so far, their span and the undated
/// ones, counted in any order and in several steps. Every bucket width is a whole number of
/// minutes and buckets start on multiples of their width, so no minute straddles two buckets,
/// and the timeline of a span is made from the minutes without going back to the events.
#[derive(Debug, Clone, Default)]
pub struct MinuteCounts {
    /// Minute (since the epoch) → (events, errors).
    minutes: FxHashMap<i64, (u64, u64)>,
    /// Earliest and latest dated time counted.
    span: Option<(Millis, Millis)>,
    n_undated: u64,
}

impl MinuteCounts {
    /// Counts `events` in (undated ones only by number).
    pub fn add(&mut self, store: &Store, events: impl Iterator<Item = u32>) {
        store
            .column(Field::ErrorCode)
            .for_each(events, |event_idx, code| {
                let time = store.time(event_idx);
                if time == UNDATED {
                    self.n_undated += 1;
                    return;
                }
                self.span = Some(self.span.map_or((time, time), |(first, last)| {
                    (first.min(time), last.max(time))
                }));
                let minute = self.minutes.entry(time.div_euclid(MINUTE_MS)).or_default();
                minute.0 += 1;
                minute.1 += u64::from(code != 0);
            });
    }

    /// Earliest and latest dated time counted.
    pub fn span(&self) -> Option<(Millis, Millis)> {
        self.span
    }

    /// How many undated events were counted.
    pub fn n_undated(&self) -> u64 {
        self.n_undated
    }

    /// The timeline over the span counted (as [`timeline`] draws it without a domain).
    pub fn timeline(&self) -> Timeline {
        let Some((first, last)) = self.span else {
            return Timeline::default();
        };
        let mut timeline = empty((first, last + 1));
        for (&minute, &(count, errors)) in &self.minutes {
            timeline.put(minute * MINUTE_MS, count, errors);
        }
        timeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_keep_within_the_bucket_budget() {
        assert_eq!(bucket_width(0, 1), MINUTE_MS);
        assert_eq!(bucket_width(0, HOUR_MS), MINUTE_MS);
        assert_eq!(bucket_width(0, 3 * DAY_MS), 30 * MINUTE_MS);
        assert_eq!(bucket_width(0, 90 * DAY_MS), 12 * HOUR_MS);
        for (start, end) in [
            (0, 1),
            (7, MINUTE_MS * 199),
            (13, DAY_MS * 7),
            (5, DAY_MS * 365 * 10),
        ] {
            let width = bucket_width(start, end);
            assert!(
                n_buckets(start, end, width) <= MAX_BUCKETS,
                "{start}..{end}"
            );
        }
    }

    #[test]
    fn a_misaligned_start_does_not_push_the_count_past_the_budget() {
        // Found by the property test: 02:21:46 → 19:00:00 is under 200 five-minute spans, but
        // aligned on 02:20:00 it needs 201 buckets.
        let start = 2 * HOUR_MS + 21 * MINUTE_MS + 46_000;
        let end = 19 * HOUR_MS + 1;
        assert!(n_buckets(start, end, 5 * MINUTE_MS) > MAX_BUCKETS);
        let width = bucket_width(start, end);
        assert_eq!(width, 10 * MINUTE_MS);
        assert!(n_buckets(start, end, width) <= MAX_BUCKETS);
    }
}
