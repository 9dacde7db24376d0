//! The invariants both fuzz targets check after loading: every aggregate, row and detail can
//! be computed, and the timeline plus undated events account for the selection.

use trailview::analytics::{Dataset, Query};

/// Commits `dataset` and walks everything a user can look at.
pub fn everything_adds_up(dataset: &mut Dataset) {
    dataset.commit();
    let query = Query::default();
    let selection = dataset.select(&query);
    let dashboard = dataset.dashboard(&selection, &query);
    let in_timeline: u64 = dashboard.timeline.buckets.iter().map(|bucket| bucket.count).sum();
    assert_eq!(in_timeline + dashboard.totals.n_undated, dashboard.totals.n_events);
    assert!(dashboard.timeline.buckets.len() <= 200);
    for row in dataset.rows(&selection, 0, usize::MAX) {
        assert!(dataset.event_detail(row.event_idx).is_some());
    }
}
