//! Every input shape and every kind of bad input in `tests/fixtures/shapes/`, each loaded on its
//! own, gets exactly the outcome `make_shapes.py` wrote down: status, recognised format, and the
//! ledger (read, indexed, duplicates, conflicts, rejected, undated).

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use trailview::analytics::{Dataset, FileStatus, Query};

#[test]
fn each_shape_and_bad_input_gets_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    assert!(
        expected.len() >= 25,
        "expected.json lists {} files",
        expected.len()
    );
    let mut failures = Vec::new();
    for (name, want) in expected {
        let mut dataset = Dataset::default();
        let report = dataset
            .ingest_file(name, &std::fs::read(dir.join(name)).unwrap())
            .clone();
        dataset.commit();
        let query = Query::default();
        let totals = dataset.dashboard(&dataset.select(&query), &query).totals;
        let got = serde_json::json!({
            "status": report.status.as_str(), "format": report.format, "read": report.read,
            "indexed": report.indexed, "duplicates": report.duplicates, "conflicts": report.conflicts,
            "rejected": report.rejected, "undated": totals.n_undated,
        });
        let mut want = want.clone();
        want.as_object_mut().unwrap().remove("shows");
        if got != want {
            failures.push(format!(
                "{name}: got {got}, want {want} ({})",
                report.message
            ));
        }
        assert_eq!(
            report.read,
            report.indexed + report.duplicates + report.rejected,
            "ledger of {name}"
        );
        if matches!(report.status, FileStatus::Partial | FileStatus::Rejected)
            && report.message.is_empty()
        {
            failures.push(format!(
                "{name}: {} without a message",
                report.status.as_str()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_per_file_size_limit_cuts_a_file_short_and_can_be_raised() {
    use std::io::Write as _;
    // About 3 MB of records, gzipped to a few kilobytes: a small decompression bomb.
    let record = r#"{"eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject","requestParameters":{"pad":"PADDING"}}"#
        .replace("PADDING", &"x".repeat(1000));
    let text = format!(
        "{{\"Records\":[{}]}}",
        vec![record.as_str(); 3000].join(",")
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text.as_bytes()).unwrap();
    let bytes = encoder.finish().unwrap();

    let mut dataset = Dataset::default();
    dataset.set_decoded_size_limit(1 << 20);
    let cut = dataset.ingest_file("big.json.gz", &bytes).clone();
    assert_eq!(cut.status, FileStatus::Partial);
    assert!(cut.message.contains("per-file limit"), "{}", cut.message);
    assert!(cut.indexed > 0 && cut.indexed < 3000, "{}", cut.indexed);

    dataset.set_decoded_size_limit(8 << 20);
    let whole = dataset.ingest_file("big-again.json.gz", &bytes).clone();
    assert_eq!(
        (whole.status, whole.read),
        (FileStatus::Ok, 3000),
        "{}",
        whole.message
    );
    assert_eq!(dataset.decoded_size_limit(), 8 << 20);
}

#[test]
fn a_zip_archive_lists_every_entry_with_its_own_outcome() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes/archive.zip");
    let mut dataset = Dataset::default();
    dataset.ingest_file("archive.zip", &std::fs::read(path).unwrap());
    let rows: Vec<(String, &str, u64)> = dataset
        .files()
        .iter()
        .map(|file| (file.path.clone(), file.status.as_str(), file.indexed))
        .collect();
    assert_eq!(
        rows,
        [
            ("archive.zip".to_owned(), "ok", 0),
            ("archive.zip/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T1000Z_zipzipzipzipzipz.json.gz".to_owned(), "ok", 3),
            ("archive.zip/exports/lines.jsonl".to_owned(), "ok", 2),
            ("archive.zip/README.txt".to_owned(), "rejected", 0),
            ("archive.zip/nested.zip".to_owned(), "rejected", 0),
        ]
    );
    assert_eq!(dataset.n_events(), 5);
    assert!(dataset.files()[4]
        .message
        .contains("archive inside an archive"));
    let ledger = dataset.ledger();
    assert_eq!(
        ledger.read,
        ledger.indexed + ledger.duplicates + ledger.rejected
    );
}
