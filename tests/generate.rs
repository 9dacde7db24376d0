//! The scale generator: deterministic for a seed, every file in the trail layout and read back
//! whole by the ingest path, and its own counts equal to what the dataset computes.

// A failing check should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use trailview::analytics::generate::{generate, GenSpec, GenSummary, GeneratedFile, Generator};
use trailview::analytics::{
    Dataset, Field, FieldFilter, FileStatus, Query, DASHBOARD_FIELDS, TOP_N,
};

fn corpus(events: u64, seed: u64) -> (Vec<GeneratedFile>, GenSummary) {
    let mut corpus = generate(&GenSpec::new(events, seed));
    let files: Vec<GeneratedFile> = corpus.by_ref().collect();
    (files, corpus.summary().clone())
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let (first, first_summary) = corpus(6_000, 1);
    let (again, again_summary) = corpus(6_000, 1);
    assert_eq!(first, again);
    assert_eq!(first_summary, again_summary);
    let (other, _) = corpus(6_000, 2);
    assert_eq!(
        other.iter().map(|file| file.summary.events).sum::<u64>(),
        6_000
    );
    for (mine, theirs) in first.iter().zip(&other) {
        assert_ne!(mine.bytes, theirs.bytes);
        assert_ne!(mine.path, theirs.path);
    }
    // Any file can be made on its own, and it is the one the iterator yields.
    let generator = Generator::new(&GenSpec::new(6_000, 1));
    assert_eq!(generator.n_files(), first.len());
    assert_eq!(generator.file(first.len() - 1).as_ref(), first.last());
    assert!(generator.file(first.len()).is_none());
}

#[test]
fn files_follow_the_trail_layout_and_size_limits() {
    let (files, summary) = corpus(23_456, 3);
    assert_eq!(summary.events, 23_456);
    assert_eq!(summary.files, files.len() as u64);
    for (index, file) in files.iter().enumerate() {
        let parts: Vec<&str> = file.path.split('/').collect();
        assert_eq!(parts.len(), 8, "{}", file.path);
        assert_eq!(
            (parts[0], parts[2]),
            ("AWSLogs", "CloudTrail"),
            "{}",
            file.path
        );
        let (account, region) = (parts[1], parts[3]);
        let name = parts[7];
        let prefix = format!(
            "{account}_CloudTrail_{region}_{}{}{}T",
            parts[4], parts[5], parts[6]
        );
        assert!(name.starts_with(&prefix), "{}", file.path);
        assert!(name.ends_with(".json.gz"), "{}", file.path);
        assert_eq!(
            name.len(),
            prefix.len() + "HHMMZ_".len() + 16 + ".json.gz".len()
        );
        assert_eq!(&file.bytes[..2], &[0x1f, 0x8b], "{}: gzip", file.path);
        let n = file.summary.events;
        let last = index + 1 == files.len();
        assert!(
            (1_000..=5_000).contains(&n) || (last && n <= 5_000),
            "{}: {n} records",
            file.path
        );
        assert_eq!(file.summary.by_account.get(account), Some(&n));
        assert_eq!(file.summary.by_region.get(region), Some(&n));
    }
    // A small corpus is one small file.
    let (small, small_summary) = corpus(10, 1);
    assert_eq!((small.len(), small_summary.events), (1, 10));
}

#[test]
fn every_file_reads_back_whole_and_the_counts_match_the_dataset() {
    let (files, summary) = corpus(14_000, 7);
    let mut dataset = Dataset::default();
    for file in &files {
        let report = dataset.ingest_file(&file.path, &file.bytes);
        assert_eq!(
            report.status,
            FileStatus::Ok,
            "{}: {}",
            file.path,
            report.message
        );
        assert_eq!(report.read, file.summary.events, "{}", file.path);
        assert_eq!(report.decoded_bytes, file.summary.uncompressed_bytes);
        assert_eq!(report.size_bytes, file.summary.compressed_bytes);
    }
    dataset.commit();
    let ledger = dataset.ledger();
    assert_eq!(ledger.n_files, summary.files);
    assert_eq!(ledger.read, summary.events);
    assert_eq!(ledger.indexed, summary.events);
    assert_eq!(
        (ledger.duplicates, ledger.conflicts, ledger.rejected),
        (0, 0, 0)
    );

    let everything = Query::default();
    let all = dataset.select(&everything);
    let dashboard = dataset.dashboard(&all, &everything);
    assert_eq!(dashboard.totals.n_events, summary.events);
    assert_eq!(dashboard.totals.n_errors, summary.errors);
    assert_eq!(dashboard.totals.n_files, summary.files);
    assert_eq!(
        dashboard.totals.n_principals,
        summary.by_caller.len() as u64
    );
    assert_eq!(
        dashboard.totals.time_span,
        summary.first_event_millis.zip(summary.last_event_millis)
    );
    for (field, list) in DASHBOARD_FIELDS.into_iter().zip(&dashboard.tops) {
        let counts = match field {
            Field::Caller => &summary.by_caller,
            Field::EventName => &summary.by_event_name,
            Field::EventSource => &summary.by_event_source,
            Field::Region => &summary.by_region,
            Field::Account => &summary.by_account,
            Field::ErrorCode => &summary.by_error_code,
            _ => continue,
        };
        let shown: Vec<(&str, u64)> = list
            .items
            .iter()
            .map(|item| (item.key.as_str(), item.count))
            .collect();
        assert_eq!(shown, GenSummary::top(counts, TOP_N), "{field:?}");
        assert_eq!(list.n_distinct, counts.len() as u64, "{field:?}");
    }

    // Every event name, caller and identity type, through the query.
    let count_of = |field: Field, value: &str| {
        let query = Query {
            filters: vec![FieldFilter {
                field,
                value: value.to_owned(),
                exclude: false,
            }],
            ..Query::default()
        };
        dataset.select(&query).len() as u64
    };
    for (counts, field) in [
        (&summary.by_event_name, Field::EventName),
        (&summary.by_caller, Field::Caller),
        (&summary.by_identity_type, Field::IdentityType),
    ] {
        let found: BTreeMap<String, u64> = counts
            .keys()
            .map(|value| (value.clone(), count_of(field, value)))
            .collect();
        assert_eq!(&found, counts, "{field:?}");
        assert_eq!(counts.values().sum::<u64>(), summary.events, "{field:?}");
    }

    // Query text answers the same, from the index and by reading records.
    let text = |text: &str| Query {
        text: text.to_owned(),
        ..Query::default()
    };
    assert_eq!(
        dataset.select(&text("errorCode:*")).len() as u64,
        summary.errors
    );
    dataset.prepare_search();
    assert_eq!(
        dataset.select(&text("errorCode:*")).len() as u64,
        summary.errors
    );
    assert_eq!(
        dataset
            .select(&text(r#"{ $.eventName = "ConsoleLogin" }"#))
            .len() as u64,
        summary.by_event_name["ConsoleLogin"]
    );
}

#[test]
fn the_mix_looks_like_a_real_account() {
    let (_, summary) = corpus(30_000, 11);
    let share = |counts: &BTreeMap<String, u64>, key: &str| {
        counts.get(key).copied().unwrap_or(0) as f64 / summary.events as f64
    };
    let error_share = summary.errors as f64 / summary.events as f64;
    assert!((0.05..0.09).contains(&error_share), "{error_share}");
    for (kind, low, high) in [
        ("AssumedRole", 0.50, 0.64),
        ("IAMUser", 0.26, 0.38),
        ("AWSService", 0.05, 0.12),
        ("Root", 0.005, 0.03),
    ] {
        let got = share(&summary.by_identity_type, kind);
        assert!((low..high).contains(&got), "{kind}: {got}");
    }
    // Zipf-like: the top caller has many times the median caller's events.
    let mut callers: Vec<u64> = summary.by_caller.values().copied().collect();
    callers.sort_unstable();
    let median = callers[callers.len() / 2];
    assert!(callers[callers.len() - 1] > 20 * median, "{callers:?}");
    assert!(summary.by_caller.len() > 300, "{}", summary.by_caller.len());
    // About 230 bytes an event compressed, like `gen_trail.py`'s corpus.
    let per_event = summary.compressed_bytes as f64 / summary.events as f64;
    assert!((180.0..300.0).contains(&per_event), "{per_event} B/event");
    let span_hours =
        (summary.last_event_millis.unwrap() - summary.first_event_millis.unwrap()) / 3_600_000;
    assert!((60..=72).contains(&span_hours), "{span_hours} h");
}
