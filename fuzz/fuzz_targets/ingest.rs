//! Fuzz target: any bytes, as any file, through the whole pipeline (sniff, inflate, container,
//! normalise, store), then every aggregate, every table row and every event's detail. It must
//! never panic, hang or balloon, and the ledger must balance.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview::analytics::{Dataset, Query};

fuzz_target!(|data: &[u8]| {
    let mut dataset = Dataset::default();
    // The same bytes twice: the second pass exercises de-duplication and conflicts.
    for name in ["a.json.gz", "b.json"] {
        let report = dataset.ingest_file(name, data);
        assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }
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
});
