//! Every fixture folder loads with exactly the figures its generator wrote down in
//! `tests/fixtures/expected.json`: per file (status and ledger) and in total (events, files,
//! errors, callers, time span, top lists). The generator is independent of this crate.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::files_under;

use serde_json::Value;
use trailview::analytics::{format_utc_seconds, Dataset, Field, Query, DASHBOARD_FIELDS};

fn load(dir: &Path) -> Dataset {
    let mut dataset = Dataset::default();
    for (relative, path) in files_under(dir) {
        dataset.ingest_file(&relative, &std::fs::read(path).unwrap());
    }
    dataset.commit();
    dataset
}

fn top_key(field: Field) -> &'static str {
    match field {
        Field::Caller => "callers",
        Field::EventName => "events",
        Field::EventSource => "services",
        Field::SourceIp => "ips",
        Field::Region => "regions",
        Field::Account => "accounts",
        Field::ErrorCode => "errors",
        _ => unreachable!("not a dashboard field"),
    }
}

fn check_folder(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    let expected = &expected[name];
    let dataset = load(&root.join(name));

    let files = expected["files"].as_object().unwrap();
    assert_eq!(
        dataset.files().len(),
        files.len(),
        "number of files in {name}"
    );
    for report in dataset.files() {
        let want = &files[&report.path];
        let got = serde_json::json!({
            "status": report.status.as_str(), "read": report.read, "indexed": report.indexed,
            "duplicates": report.duplicates, "conflicts": report.conflicts, "rejected": report.rejected,
        });
        assert_eq!(&got, want, "{}: {}", report.path, report.message);
        assert_eq!(
            report.read,
            report.indexed + report.duplicates + report.rejected,
            "ledger of {}",
            report.path
        );
        if matches!(report.status.as_str(), "partial" | "rejected") {
            assert!(
                !report.message.is_empty(),
                "{} needs a message",
                report.path
            );
        }
    }

    let query = Query::default();
    let selection = dataset.select(&query);
    let dashboard = dataset.dashboard(&selection, &query);
    let totals = &expected["totals"];
    let ledger = dataset.ledger();
    assert_eq!(
        dashboard.totals.n_events,
        totals["events"].as_u64().unwrap()
    );
    assert_eq!(dashboard.totals.n_files, totals["files"].as_u64().unwrap());
    assert_eq!(ledger.n_files, totals["files_loaded"].as_u64().unwrap());
    assert_eq!(
        dashboard.totals.n_errors,
        totals["errors"].as_u64().unwrap()
    );
    assert_eq!(
        dashboard.totals.n_principals,
        totals["principals"].as_u64().unwrap()
    );
    assert_eq!(
        dashboard.totals.n_duplicates,
        totals["duplicates"].as_u64().unwrap()
    );
    assert_eq!(
        dashboard.totals.n_conflicts,
        totals["conflicts"].as_u64().unwrap()
    );
    assert_eq!(ledger.read, totals["read"].as_u64().unwrap());
    assert_eq!(ledger.rejected, totals["rejected"].as_u64().unwrap());
    let (first, last) = dashboard.totals.time_span.unwrap();
    assert_eq!(
        format_utc_seconds(first / 1000 * 1000),
        totals["start"].as_str().unwrap()
    );
    assert_eq!(
        format_utc_seconds(last / 1000 * 1000),
        totals["end"].as_str().unwrap()
    );
    let bucket_sum: u64 = dashboard
        .timeline
        .buckets
        .iter()
        .map(|bucket| bucket.count)
        .sum();
    assert_eq!(
        bucket_sum + dashboard.totals.n_undated,
        dashboard.totals.n_events,
        "timeline buckets and undated events sum to the selection"
    );

    for (field, list) in DASHBOARD_FIELDS.iter().zip(&dashboard.tops) {
        let got: Vec<Value> = list
            .items
            .iter()
            .map(|item| serde_json::json!({"key": item.key, "count": item.count}))
            .collect();
        assert_eq!(
            Value::Array(got),
            expected["top"][top_key(*field)],
            "top {}",
            top_key(*field)
        );
    }
}

#[test]
fn the_trail_folder_loads_with_its_expected_ledger_and_dashboard() {
    check_folder("trail");
}

#[test]
fn the_single_files_load_with_their_expected_ledger_and_dashboard() {
    check_folder("single");
}

#[test]
fn loading_the_same_folder_twice_adds_only_duplicates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail");
    let mut dataset = Dataset::default();
    for _ in 0..2 {
        for (relative, path) in files_under(&root) {
            dataset.ingest_file(&relative, &std::fs::read(path).unwrap());
        }
    }
    dataset.commit();
    let once = load(&root);
    assert_eq!(dataset.n_events(), once.n_events());
    let ledger = dataset.ledger();
    assert_eq!(ledger.read, 2 * once.ledger().read);
    assert_eq!(
        ledger.read,
        ledger.indexed + ledger.duplicates + ledger.rejected
    );
    // The second pass finds every kept event again, and the first pass's duplicates once more.
    assert_eq!(
        ledger.duplicates,
        2 * once.ledger().duplicates + once.ledger().indexed
    );
    assert_eq!(ledger.rejected, 2 * once.ledger().rejected);
}

#[test]
fn filtering_to_a_top_item_selects_exactly_its_count() {
    let dataset = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail"));
    let all = Query::default();
    let dashboard = dataset.dashboard(&dataset.select(&all), &all);
    for list in &dashboard.tops {
        for item in &list.items {
            let filter = trailview::analytics::FieldFilter {
                field: list.field,
                value: item.key.clone(),
                exclude: false,
            };
            let include = all.with_filter(filter.clone());
            assert_eq!(
                dataset.select(&include).len() as u64,
                item.count,
                "{:?} = {}",
                list.field,
                item.key
            );
            let exclude = all.with_filter(trailview::analytics::FieldFilter {
                exclude: true,
                ..filter
            });
            assert_eq!(
                dataset.select(&exclude).len() as u64,
                dashboard.totals.n_events - item.count
            );
        }
    }
}
