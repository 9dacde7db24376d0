//! Compatibility with the public CloudTrail corpus (real and documented files, provenance in the
//! corpus's `SOURCES.md`). Runs when `TRAILVIEW_CORPUS` names the corpus folder; `.ci/run` sets
//! it when the folder is present. Checks the documented counts of the Records-shaped sources and
//! that every file of every source loads with a balanced ledger.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::files_under;

use trailview::analytics::{format_utc_seconds, Dataset, FileStatus, Query};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("TRAILVIEW_CORPUS");
    if dir.is_none() {
        eprintln!("SKIP: TRAILVIEW_CORPUS is not set");
    }
    dir.map(PathBuf::from)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn load(dataset: &mut Dataset, root: &Path, files: &[PathBuf]) {
    for path in files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        dataset.ingest_file(&relative, &std::fs::read(path).unwrap());
    }
    dataset.commit();
}

/// Loads the `n_files` files of one source folder and checks every one is `ok`.
fn load_all_ok(root: &Path, source: &str, n_files: usize) -> Dataset {
    let mut dataset = Dataset::default();
    load(&mut dataset, root, &files_in(&root.join(source)));
    assert_eq!(dataset.files().len(), n_files, "{source}");
    for file in dataset.files() {
        assert_eq!(
            file.status,
            FileStatus::Ok,
            "{}: {}",
            file.path,
            file.message
        );
    }
    dataset
}

#[test]
fn invictus_real_trail_loads_with_its_documented_counts() {
    let Some(root) = corpus() else { return };
    let dataset = load_all_ok(&root, "invictus-aws-dataset/CloudTrail", 55);
    let query = Query::default();
    let dashboard = dataset.dashboard(&dataset.select(&query), &query);
    assert_eq!(dashboard.totals.n_events, 2900);
    assert_eq!(dashboard.totals.n_errors, 300);
    let (first, last) = dashboard.totals.time_span.unwrap();
    assert_eq!(format_utc_seconds(first), "2023-07-10T11:42:18Z");
    assert_eq!(format_utc_seconds(last), "2023-07-10T12:37:50Z");
    let event_names = dashboard
        .tops
        .iter()
        .find(|list| list.field == trailview::analytics::Field::EventName)
        .unwrap();
    assert_eq!(event_names.n_distinct, 260);
    let ledger = dataset.ledger();
    assert_eq!(
        (ledger.read, ledger.duplicates, ledger.rejected),
        (2900, 0, 0)
    );
}

#[test]
fn aws_documentation_examples_load_records_and_list_digests() {
    let Some(root) = corpus() else { return };
    let dir = root.join("awsdocs-cloudtrail-user-guide-examples");
    let files = files_in(&dir);
    let mut dataset = Dataset::default();
    load(&mut dataset, &root, &files);
    let mut n_records_shaped = 0;
    let mut n_digests = 0;
    for (path, report) in files.iter().zip(dataset.files()) {
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        if let Some(records) = value.get("Records").and_then(|records| records.as_array()) {
            assert_eq!(
                report.status,
                FileStatus::Ok,
                "{}: {}",
                report.path,
                report.message
            );
            assert_eq!(report.indexed, records.len() as u64, "{}", report.path);
            n_records_shaped += records.len();
        } else if value.get("digestStartTime").is_some() {
            assert_eq!(report.status, FileStatus::Digest, "{}", report.path);
            n_digests += 1;
        } else {
            // A single record object.
            assert_eq!(
                (report.status, report.indexed),
                (FileStatus::Ok, 1),
                "{}: {}",
                report.path,
                report.message
            );
        }
    }
    // SOURCES.md: 25 events (12 in Records envelopes, 13 single records) and 2 digests.
    assert_eq!((n_records_shaped, n_digests), (12, 2));
    assert_eq!(dataset.n_events(), 25);
}

#[test]
fn every_corpus_file_loads_with_a_balanced_ledger_and_faults_are_explained() {
    let Some(root) = corpus() else { return };
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    sources.sort();
    let mut dataset = Dataset::default();
    let mut n_files = 0;
    for source in sources {
        for (_, path) in files_under(&source) {
            n_files += 1;
            let report = dataset
                .ingest_file(&path.to_string_lossy(), &std::fs::read(&path).unwrap())
                .clone();
            assert_eq!(
                report.read,
                report.indexed + report.duplicates + report.rejected,
                "{}",
                report.path
            );
            if matches!(report.status, FileStatus::Partial | FileStatus::Rejected) {
                assert!(!report.message.is_empty(), "{} needs a reason", report.path);
            }
        }
    }
    dataset.commit();
    assert!(
        n_files > 100,
        "the corpus should hold well over 100 files, found {n_files}"
    );
    let bad = dataset
        .files()
        .iter()
        .find(|file| file.path.ends_with("SerializerTestFileBadJsonFormat.json"))
        .unwrap();
    assert_ne!(
        bad.status,
        FileStatus::Ok,
        "deliberately invalid JSON must not pass as ok"
    );
    assert!(
        bad.message.contains("invalid JSON at byte"),
        "{}",
        bad.message
    );
}

#[test]
fn stratus_detonation_logs_load_as_bare_arrays() {
    let Some(root) = corpus() else { return };
    let dataset = load_all_ok(&root, "stratus-red-team-detonation-logs", 35);
    // SOURCES.md: 310 events; anonymised regions and invalid IPs are data, not errors.
    assert_eq!(dataset.n_events(), 310);
    let query = Query::default();
    let dashboard = dataset.dashboard(&dataset.select(&query), &query);
    assert_eq!(dashboard.totals.n_errors, 52);
    let (first, last) = dashboard.totals.time_span.unwrap();
    assert_eq!(format_utc_seconds(first), "2024-07-30T21:31:10Z");
    assert_eq!(format_utc_seconds(last), "2024-11-30T08:43:18Z");
}

#[test]
fn aws_cli_lookup_events_output_yields_its_embedded_record() {
    let Some(root) = corpus() else { return };
    let mut dataset = Dataset::default();
    load(
        &mut dataset,
        &root,
        &files_in(&root.join("aws-cli-examples")),
    );
    let report = &dataset.files()[0];
    assert_eq!(
        (report.status, report.indexed),
        (FileStatus::Ok, 1),
        "{}",
        report.message
    );
}

#[test]
fn panther_json_lines_load_every_record_and_undated_ones_stay_out_of_the_timeline() {
    let Some(root) = corpus() else { return };
    let mut dataset = Dataset::default();
    load(
        &mut dataset,
        &root,
        &files_in(&root.join("panther-analysis-test-events")),
    );
    let report = dataset.files()[0].clone();
    // SOURCES.md: 441 records, one per line; two of them are the same record (one duplicate).
    assert_eq!(report.status, FileStatus::Ok, "{}", report.message);
    assert_eq!(
        (
            report.read,
            report.indexed,
            report.duplicates,
            report.rejected
        ),
        (441, 440, 1, 0)
    );
    let query = Query::default();
    let dashboard = dataset.dashboard(&dataset.select(&query), &query);
    // 17 records have no eventTime, two hold "redacted" and "...": kept, undated.
    assert_eq!(dashboard.totals.n_undated, 19);
    let in_timeline: u64 = dashboard
        .timeline
        .buckets
        .iter()
        .map(|bucket| bucket.count)
        .sum();
    assert_eq!(in_timeline, 440 - 19);
}

#[test]
fn the_processing_library_fixtures_load_and_the_broken_one_says_why() {
    let Some(root) = corpus() else { return };
    let mut dataset = Dataset::default();
    load(
        &mut dataset,
        &root,
        &files_in(&root.join("aws-cloudtrail-processing-library-fixtures")),
    );
    // SOURCES.md: 42 events over 13 files, one of them deliberately invalid JSON.
    assert_eq!(dataset.files().len(), 13);
    assert_eq!(dataset.n_events(), 42);
    for file in dataset.files() {
        if file.path.ends_with("SerializerTestFileBadJsonFormat.json") {
            assert_eq!(
                (file.status, file.indexed, file.rejected),
                (FileStatus::Partial, 1, 1)
            );
            assert!(
                file.message.contains("lost to invalid JSON at byte"),
                "{}",
                file.message
            );
        } else {
            assert_eq!(
                file.status,
                FileStatus::Ok,
                "{}: {}",
                file.path,
                file.message
            );
        }
    }
}
