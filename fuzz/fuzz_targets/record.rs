//! Fuzz target: the bytes as one element of a trail file's `Records` array, and as a line of a
//! JSON-lines file, so mutations reach the record normaliser (field types, times, identities)
//! rather than stopping at the container. It must never panic and the ledger must balance.
#![no_main]

#[path = "check.rs"]
mod check;

use libfuzzer_sys::fuzz_target;
use trailview::analytics::Dataset;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let trail = format!("{{\"Records\":[{text}]}}");
    let lines = format!("{text}\n{text}\n");
    let mut dataset = Dataset::default();
    for (name, content) in [("trail.json", trail.as_bytes()), ("lines.jsonl", lines.as_bytes())] {
        let report = dataset.ingest_file(name, content);
        assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }
    check::everything_adds_up(&mut dataset);
});
