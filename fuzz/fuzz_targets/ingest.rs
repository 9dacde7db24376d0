//! Fuzz target: any bytes, as any file, through the whole pipeline (sniff, inflate, container,
//! normalise, store), then every aggregate, every table row and every event's detail. It must
//! never panic, hang or balloon, and the ledger must balance.
#![no_main]

#[path = "check.rs"]
mod check;

use libfuzzer_sys::fuzz_target;
use trailview::analytics::Dataset;

fuzz_target!(|data: &[u8]| {
    let mut dataset = Dataset::default();
    // The same bytes twice: the second pass exercises de-duplication and conflicts.
    for name in ["a.json.gz", "b.json"] {
        let report = dataset.ingest_file(name, data);
        assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }
    check::everything_adds_up(&mut dataset);
});
