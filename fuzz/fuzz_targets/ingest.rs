//! Fuzz target: any bytes, as any file, through the whole pipeline (sniff, inflate, split,
//! container, normalise, store), read whole and then streamed in small chunks and pieces, then
//! every aggregate, every table row and every event's detail. It must never panic, hang or
//! balloon, and the ledger must balance.
#![no_main]

#[path = "check.rs"]
mod check;

use libfuzzer_sys::fuzz_target;
use trailview::analytics::Dataset;

fuzz_target!(|data: &[u8]| {
    let mut dataset = Dataset::default();
    let report = dataset.ingest_file("a.json.gz", data);
    assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    // The same bytes again, streamed in small chunks and cut into small pieces: this exercises
    // every place the splitter can cut, and de-duplication and conflicts against the first pass.
    let chunk_bytes = 1 + data.len() % 13;
    dataset.set_piece_bytes(1 + usize::from(data.first().copied().unwrap_or(0) % 64));
    dataset.begin_file("b.json", data.len() as u64);
    for chunk in data.chunks(chunk_bytes) {
        dataset.push_file_bytes(chunk);
    }
    if let Some(report) = dataset.end_file() {
        assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }
    check::everything_adds_up(&mut dataset);
});
