//! The timeline: events per time bucket, errors stacked, with a bucket width chosen so the
//! span fits in about [`MAX_BUCKETS`] buckets (minutes, hours or days).

use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, DAY_MS, HOUR_MS, MINUTE_MS};
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

/// The narrowest width that covers `span_ms` in at most [`MAX_BUCKETS`] buckets.
pub fn bucket_width(span_ms: Millis) -> Millis {
    WIDTHS
        .into_iter()
        .find(|&width| span_ms.div_euclid(width) < MAX_BUCKETS)
        .unwrap_or_else(|| (span_ms / MAX_BUCKETS / DAY_MS + 1) * DAY_MS)
}

/// Buckets `selection` over `domain` (`[start, end)`), or over the selection's own span.
pub fn timeline(
    store: &Store,
    selection: &Selection,
    domain: Option<(Millis, Millis)>,
) -> Timeline {
    let ids = selection.ids();
    let domain = match (domain, ids.first(), ids.last()) {
        (Some(domain), _, _) => domain,
        (None, Some(&first), Some(&last)) => (store.time(first), store.time(last) + 1),
        _ => return Timeline::default(),
    };
    let bucket_ms = bucket_width(domain.1 - domain.0);
    let first_start = domain.0.div_euclid(bucket_ms) * bucket_ms;
    let n_buckets = ((domain.1 - first_start + bucket_ms - 1) / bucket_ms).max(1);
    let mut buckets: Vec<Bucket> = (0..n_buckets)
        .map(|i| Bucket {
            start: first_start + i * bucket_ms,
            count: 0,
            errors: 0,
        })
        .collect();
    let errors = store.column(Field::ErrorCode);
    for &event_idx in ids {
        let offset = (store.time(event_idx) - first_start).div_euclid(bucket_ms);
        if let Some(bucket) = usize::try_from(offset)
            .ok()
            .and_then(|offset| buckets.get_mut(offset))
        {
            bucket.count += 1;
            if errors
                .get(event_idx as usize)
                .is_some_and(|&code| code != 0)
            {
                bucket.errors += 1;
            }
        }
    }
    Timeline {
        bucket_ms,
        buckets,
        domain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_keep_within_the_bucket_budget() {
        assert_eq!(bucket_width(0), MINUTE_MS);
        assert_eq!(bucket_width(HOUR_MS), MINUTE_MS);
        assert_eq!(bucket_width(3 * DAY_MS), 30 * MINUTE_MS);
        assert_eq!(bucket_width(90 * DAY_MS), 12 * HOUR_MS);
        for span in [1, MINUTE_MS * 199, DAY_MS * 7, DAY_MS * 365 * 10] {
            assert!(span / bucket_width(span) < MAX_BUCKETS, "{span}");
        }
    }
}
