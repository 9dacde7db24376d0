//! Files read in worker datasets and handed over as shards give what reading them in place
//! gives: the same reports and events in the same order, and, in any order of arrival and any
//! number of workers, the same ledger totals, top lists and histograms.

// A failing check should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use trailview::analytics::generate::{generate, GenSpec};
use trailview::analytics::{Dashboard, Dataset, Field, FieldFilter, FileRead, Ledger, Query};

/// The fixture trail (duplicates, conflicts, rejects, a digest, undated records), a generated
/// corpus, and the fixture trail's first files again (every record a duplicate).
fn files() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail");
    let trail: Vec<(String, Vec<u8>)> = common::files_under(&dir)
        .into_iter()
        .map(|(relative, path)| (relative, std::fs::read(path).unwrap()))
        .collect();
    let mut files = trail.clone();
    files.extend(generate(&GenSpec::new(12_000, 7)).map(|file| (file.path, file.bytes)));
    files.extend(
        trail
            .into_iter()
            .take(3)
            .map(|(path, bytes)| (format!("again/{path}"), bytes)),
    );
    files
}

/// Every file read in place; with `in_files`, records' text is left in the files (a budget of
/// 0), and records held for a comparison with it are settled once everything is read.
fn in_place(files: &[(String, Vec<u8>)], in_files: bool) -> Dataset {
    let mut dataset = Dataset::default();
    if in_files {
        dataset.set_resident_text_budget(0);
    }
    for (path, bytes) in files {
        dataset.ingest_file(path, bytes);
    }
    settle(&mut dataset, files);
    dataset.commit();
    dataset
}

/// The bytes of the file a read asks for, found by its path among `files`.
fn given(dataset: &Dataset, read: &FileRead, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let path = &dataset.files()[read.file_idx as usize].path;
    let (_, bytes) = files.iter().find(|(known, _)| known == path).unwrap();
    match read.bytes() {
        None => bytes.clone(),
        Some(range) => bytes[range.start as usize..range.end as usize].to_vec(),
    }
}

/// Lends `dataset` the text of `files` its held records wait for, and settles them.
fn settle(dataset: &mut Dataset, files: &[(String, Vec<u8>)]) {
    while dataset.n_held() > 0 {
        let reads = dataset.held_reads();
        assert!(
            !reads.is_empty(),
            "held records name the files they wait for"
        );
        for read in reads {
            let bytes = given(dataset, &read, files);
            dataset.lend_text(&read, &bytes).unwrap();
        }
        dataset.settle_held(false);
    }
}

/// Lends `dataset` the text of `events`.
fn lend(dataset: &mut Dataset, events: &[u32], files: &[(String, Vec<u8>)]) {
    for read in dataset.text_reads(events) {
        let bytes = given(dataset, &read, files);
        dataset.lend_text(&read, &bytes).unwrap();
    }
}

/// Every file read by one of `workers` worker datasets, one shard per file, the shards
/// absorbed in `order` (a permutation of the files' positions); with `in_files`, the workers
/// leave the records' text in the files (the page keeps no text), and records held for a
/// comparison with it are settled once every shard is absorbed.
fn through_workers(
    files: &[(String, Vec<u8>)],
    workers: usize,
    order: &[usize],
    in_files: bool,
) -> Dataset {
    through_workers_keeping(files, workers, order, in_files, None)
}

/// [`through_workers`], the page keeping at most `budget` bytes of text: past it, it lets go
/// of text that is in its file, from shards that still carry it too.
fn through_workers_keeping(
    files: &[(String, Vec<u8>)],
    workers: usize,
    order: &[usize],
    in_files: bool,
    budget: Option<usize>,
) -> Dataset {
    let mut readers: Vec<Dataset> = (0..workers)
        .map(|_| {
            let mut reader = Dataset::for_shards();
            reader.set_keep_text(!in_files);
            reader
        })
        .collect();
    let mut shards: Vec<Vec<u8>> = files
        .iter()
        .enumerate()
        .map(|(at, (path, bytes))| {
            let reader = &mut readers[at % workers];
            reader.begin_file(path, bytes.len() as u64);
            // Bytes arrive in slices, as a worker reads a `File`.
            for chunk in bytes.chunks(64 << 10) {
                reader.push_file_bytes(chunk);
            }
            reader.take_shard()
        })
        .collect();
    let mut dataset = Dataset::default();
    if let Some(budget) = budget {
        dataset.set_resident_text_budget(budget);
    }
    for &at in order {
        let added = dataset
            .absorb_shard(&std::mem::take(&mut shards[at]))
            .unwrap();
        assert!(added >= 1, "{}", files[at].0);
    }
    settle(&mut dataset, files);
    dataset.commit();
    dataset
}

fn queries() -> Vec<Query> {
    vec![
        Query::default(),
        Query {
            errors_only: true,
            ..Query::default()
        },
        Query {
            filters: vec![FieldFilter {
                field: Field::EventSource,
                value: "s3.amazonaws.com".to_owned(),
                exclude: false,
            }],
            ..Query::default()
        },
    ]
}

fn dashboards(dataset: &Dataset) -> Vec<Dashboard> {
    queries()
        .iter()
        .map(|query| dataset.dashboard(&dataset.select(query), query))
        .collect()
}

fn balanced(ledger: Ledger) -> bool {
    ledger.read == ledger.indexed + ledger.duplicates + ledger.rejected
}

#[test]
fn shards_absorbed_in_reading_order_equal_reading_in_place() {
    let files = files();
    let kept = in_place(&files, false);
    let in_files = in_place(&files, true);
    assert_eq!(in_files.ledger(), kept.ledger(), "text left in files");
    assert_eq!(
        dashboards(&in_files),
        dashboards(&kept),
        "text left in files"
    );
    let order: Vec<usize> = (0..files.len()).collect();
    for (workers, text_in_files) in [(1, false), (3, false), (2, true)] {
        let mut pooled = through_workers(&files, workers, &order, text_in_files);
        let mut reference = in_place(&files, text_in_files);
        assert_eq!(pooled.files(), reference.files(), "{workers} workers");
        assert_eq!(pooled.ledger(), kept.ledger());
        assert_eq!(dashboards(&pooled), dashboards(&kept));
        let all = reference.select(&Query::default());
        assert_eq!(
            pooled.rows(&pooled.select(&Query::default()), 0, usize::MAX),
            reference.rows(&all, 0, usize::MAX)
        );
        let events = [0, 1, 57, reference.n_events() as u32 - 1];
        lend(&mut pooled, &events, &files);
        lend(&mut reference, &events, &files);
        for event_idx in events {
            let detail = pooled.event_detail(event_idx).unwrap();
            assert!(detail.text_note.is_none() && !detail.json.is_empty());
            assert_eq!(Some(detail), reference.event_detail(event_idx));
        }
    }
    assert!(kept.ledger().duplicates > 0 && kept.ledger().conflicts > 0);
    assert!(kept.ledger().rejected > 0);
    // Workers that send text to a page past its budget (1 MB of the corpus's 27 MB): the page
    // lets go of the text it kept and of the text shards still carry, and reads files again.
    let mut let_go = through_workers_keeping(&files, 2, &order, false, Some(1 << 20));
    assert_eq!(let_go.ledger(), kept.ledger());
    assert_eq!(dashboards(&let_go), dashboards(&kept));
    let (kept_bytes, in_files) = let_go.text_figures();
    assert!(kept_bytes < 1 << 20, "{kept_bytes} bytes kept");
    assert!(
        in_files as usize > kept.n_events() * 9 / 10,
        "{in_files} in files"
    );
    let every_event: Vec<u32> = (0..let_go.n_events() as u32).collect();
    for chunk in every_event.chunks(5_000) {
        lend(&mut let_go, chunk, &files);
        for &event_idx in chunk.iter().step_by(97) {
            let detail = let_go.event_detail(event_idx).unwrap();
            assert!(
                detail.text_note.is_none() && !detail.json.is_empty(),
                "{detail:?}"
            );
        }
    }
}

#[test]
fn any_worker_count_and_arrival_order_give_the_same_totals_top_lists_and_histograms() {
    let files = files();
    let reference = in_place(&files, false);
    let expected = dashboards(&reference);
    let mut rng = fastrand::Rng::with_seed(5);
    for workers in [1, 2, 4, 7] {
        let mut order: Vec<usize> = (0..files.len()).collect();
        rng.shuffle(&mut order);
        let pooled = through_workers(&files, workers, &order, workers % 2 == 0);
        let (got, want) = (pooled.ledger(), reference.ledger());
        assert_eq!(
            (
                got.n_files,
                got.read,
                got.indexed,
                got.duplicates,
                got.conflicts,
                got.rejected
            ),
            (
                want.n_files,
                want.read,
                want.indexed,
                want.duplicates,
                want.conflicts,
                want.rejected
            ),
            "{workers} workers"
        );
        for (got, want) in dashboards(&pooled).iter().zip(&expected) {
            assert_eq!(got.totals, want.totals, "{workers} workers: totals");
            assert_eq!(got.timeline, want.timeline, "{workers} workers: timeline");
            assert_eq!(got.tops, want.tops, "{workers} workers: top lists");
            assert_eq!(got.errors, want.errors, "{workers} workers: error insights");
        }
    }
}

#[test]
fn a_damaged_shard_is_refused_or_accounted_for_and_never_panics() {
    let files = files();
    let (path, bytes) = &files[files.len() / 2];
    let mut reader = Dataset::for_shards();
    reader.set_keep_text(false);
    reader.ingest_file(path, bytes);
    let shard = reader.take_shard();
    assert!(Dataset::default().absorb_shard(b"nonsense").is_err());
    for cut in [
        0,
        3,
        8,
        40,
        shard.len() / 3,
        shard.len() / 2,
        shard.len() - 1,
    ] {
        let mut dataset = Dataset::default();
        match dataset.absorb_shard(&shard[..cut]) {
            Ok(added) => {
                assert_eq!(added, 1, "cut at {cut}");
                let ledger = dataset.ledger();
                assert!(balanced(ledger), "cut at {cut}: {ledger:?}");
                assert!(
                    ledger.rejected > 0,
                    "cut at {cut}: the lost records are counted"
                );
            }
            Err(reason) => assert!(!reason.is_empty()),
        }
        // What was loaded before stays.
        dataset.ingest_file(path, bytes);
        assert!(balanced(dataset.ledger()));
    }
    let mut flipped = shard.clone();
    for at in (0..flipped.len()).step_by(997) {
        flipped[at] ^= 0x5a;
    }
    let mut dataset = Dataset::default();
    if dataset.absorb_shard(&flipped).is_ok() {
        assert!(balanced(dataset.ledger()));
    }
}
