//! Fuzz target: the bytes as one element of a trail file's `Records` array, and as a line of a
//! JSON-lines file, so mutations reach the record normaliser (field types, times, identities)
//! rather than stopping at the container. It must never panic and the ledger must balance.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview::analytics::{Dataset, Query};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let trail = format!("{{\"Records\":[{text}]}}");
    let lines = format!("{text}\n{text}\n");
    let mut dataset = Dataset::default();
    for (name, content) in [("trail.json", trail.as_bytes()), ("lines.jsonl", lines.as_bytes())] {
        let report = dataset.ingest_file(name, content);
        assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }
    dataset.commit();
    let query = Query::default();
    let selection = dataset.select(&query);
    let dashboard = dataset.dashboard(&selection, &query);
    let in_timeline: u64 = dashboard.timeline.buckets.iter().map(|bucket| bucket.count).sum();
    assert_eq!(in_timeline + dashboard.totals.n_undated, dashboard.totals.n_events);
    for row in dataset.rows(&selection, 0, usize::MAX) {
        assert!(dataset.event_detail(row.event_idx).is_some());
    }
});
