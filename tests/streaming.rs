//! Reading a file in chunks and pieces gives exactly what reading it whole gives: every fixture
//! and corpus file, pushed a few bytes at a time and cut between records at every possible
//! place, yields the same reports and the same events. A file larger than the per-file limit
//! streams through whole when it is not a bomb.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use common::files_under;
use trailview::analytics::{Dataset, EventDetail, FileRead, FileReport, FileStatus, Query};

/// What a report says, message included.
fn summary(report: &FileReport) -> String {
    format!(
        "{} {} {} read={} indexed={} dup={} conflicts={} rejected={} span={:?} reasons={:?} message={:?}",
        report.path,
        report.status.as_str(),
        report.format,
        report.read,
        report.indexed,
        report.duplicates,
        report.conflicts,
        report.rejected,
        report.time_span,
        report.reasons,
        report.message,
    )
}

/// Loads `files` with the given chunk size and piece size (`None`: whole, the defaults).
fn load(files: &[(String, PathBuf)], split: Option<(usize, usize)>) -> Dataset {
    let mut dataset = Dataset::default();
    if let Some((_, piece_bytes)) = split {
        dataset.set_piece_bytes(piece_bytes);
    }
    for (relative, path) in files {
        let bytes = std::fs::read(path).unwrap();
        match split {
            None => {
                dataset.ingest_file(relative, &bytes);
            }
            Some((chunk_bytes, _)) => {
                dataset.begin_file(relative, bytes.len() as u64);
                for chunk in bytes.chunks(chunk_bytes) {
                    dataset.push_file_bytes(chunk);
                }
                dataset.end_file();
            }
        }
    }
    dataset.commit();
    dataset
}

/// The event ids of everything loaded, oldest first.
fn events(dataset: &Dataset) -> Vec<String> {
    let selection = dataset.select(&Query::default());
    dataset
        .rows(&selection, 0, selection.len())
        .into_iter()
        .map(|row| format!("{} {:?} {}", row.event_id, row.time, row.event_name))
        .collect()
}

fn check_same(dir: &Path) {
    let files = files_under(dir);
    assert!(!files.is_empty(), "{}", dir.display());
    let whole = load(&files, None);
    for split in [(1, 1), (3, 1), (7, 64), (4096, 200), (1 << 20, 1 << 20)] {
        let pieces = load(&files, Some(split));
        let expected: Vec<String> = whole.files().iter().map(summary).collect();
        let got: Vec<String> = pieces.files().iter().map(summary).collect();
        for (want, have) in expected.iter().zip(&got) {
            assert_eq!(want, have, "{} split {split:?}", dir.display());
        }
        assert_eq!(expected.len(), got.len());
        assert_eq!(whole.ledger(), pieces.ledger(), "split {split:?}");
        assert_eq!(events(&whole), events(&pieces), "split {split:?}");
    }
}

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn trail_fixtures_read_the_same_in_any_chunks_and_pieces() {
    check_same(&fixtures("trail"));
    check_same(&fixtures("single"));
}

#[test]
fn every_shape_and_bad_input_reads_the_same_in_any_chunks_and_pieces() {
    check_same(&fixtures("shapes"));
}

#[test]
fn the_public_corpus_reads_the_same_in_any_chunks_and_pieces() {
    let Some(root) = std::env::var_os("TRAILVIEW_CORPUS") else {
        eprintln!("TRAILVIEW_CORPUS not set: skipped");
        return;
    };
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            check_same(&path);
        }
    }
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

/// A trail file of `n` varied records, the way CloudTrail writes them.
fn trail_text(n: usize) -> String {
    let records: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"eventVersion":"1.08","eventTime":"2024-03-01T{:02}:{:02}:{:02}Z","eventID":"{:08x}-{i}","eventName":"Get{}","eventSource":"s{}.amazonaws.com","sourceIPAddress":"10.{}.{}.{}","requestParameters":{{"key":"{:x}"}}}}"#,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60,
                i.wrapping_mul(2_654_435_761),
                i % 37,
                i % 11,
                i % 251,
                i * 7 % 253,
                i * 13 % 249,
                i.wrapping_mul(40_503),
            )
        })
        .collect();
    format!("{{\"Records\":[\n{}\n]}}", records.join(",\n"))
}

#[test]
fn a_file_far_past_the_limit_streams_whole_when_it_is_not_a_bomb() {
    let text = trail_text(60_000);
    let bytes = gzip(text.as_bytes());
    assert!(text.len() > 12 << 20, "{}", text.len());
    let mut dataset = Dataset::default();
    dataset.set_decoded_size_limit(1 << 20);
    dataset.set_piece_bytes(1 << 20);
    dataset.begin_file("big.json.gz", bytes.len() as u64);
    for chunk in bytes.chunks(256 << 10) {
        dataset.push_file_bytes(chunk);
    }
    let report = dataset.end_file().unwrap().clone();
    assert_eq!(
        (report.status, report.read, report.indexed),
        (FileStatus::Ok, 60_000, 60_000),
        "{}",
        report.message
    );
    assert_eq!(report.decoded_bytes, text.len() as u64);
}

#[test]
fn a_broken_record_deep_in_a_streamed_file_is_counted_with_its_file_offset() {
    let text = trail_text(20_000);
    // Break one record a little past the middle, well inside a later piece.
    let at = text[text.len() / 2..].find("\"eventName\"").unwrap() + text.len() / 2;
    let broken = format!("{}\"eventName\":,{}", &text[..at], &text[at + 11..]);
    let mut dataset = Dataset::default();
    dataset.set_piece_bytes(256 << 10);
    let report = dataset
        .ingest_file("broken.json", broken.as_bytes())
        .clone();
    let mut whole = Dataset::default();
    let whole_report = whole.ingest_file("broken.json", broken.as_bytes()).clone();
    assert_eq!(summary(&report), summary(&whole_report));
    assert_eq!(report.status, FileStatus::Partial);
    assert_eq!((report.indexed, report.rejected), (19_999, 1));
    assert!(
        report.message.contains(&format!("byte {}", at + 12)),
        "{}",
        report.message
    );
}

#[test]
fn a_file_whose_bytes_stop_arriving_keeps_what_arrived_and_says_why() {
    let text = trail_text(5_000);
    let bytes = gzip(text.as_bytes());
    let mut dataset = Dataset::default();
    dataset.set_piece_bytes(64 << 10);
    dataset.begin_file("cut.json.gz", bytes.len() as u64);
    dataset.push_file_bytes(&bytes[..bytes.len() / 2]);
    let report = dataset
        .interrupt_file("the browser could not read the file past byte 1234")
        .unwrap()
        .clone();
    assert_eq!(report.status, FileStatus::Partial);
    assert!(
        report.message.starts_with("the browser could not read"),
        "{}",
        report.message
    );
    assert!(
        report.indexed > 1_000 && report.indexed < 5_000,
        "{}",
        report.indexed
    );
    assert_eq!(report.read, report.indexed + report.rejected);
}

#[test]
fn records_left_in_their_files_read_back_and_deduplicate_like_kept_ones() {
    let files: Vec<(String, Vec<u8>)> = files_under(&fixtures("trail"))
        .into_iter()
        .map(|(relative, path)| (relative, std::fs::read(path).unwrap()))
        .collect();
    // The bytes of the file a read asks for, found by its path.
    let given = |dataset: &Dataset, read: &FileRead| {
        let path = &dataset.files()[read.file_idx as usize].path;
        let (_, bytes) = files.iter().find(|(known, _)| known == path).unwrap();
        match read.bytes() {
            None => bytes.clone(),
            Some(range) => bytes[range.start as usize..range.end as usize].to_vec(),
        }
    };
    let load_twice = |budget: Option<usize>| {
        let mut dataset = Dataset::default();
        if let Some(bytes) = budget {
            dataset.set_resident_text_budget(bytes);
        }
        for _ in 0..2 {
            for (relative, bytes) in &files {
                dataset.ingest_file(relative, bytes);
            }
        }
        // Reordered copies of records whose text was left in a file wait for it.
        assert_eq!(budget.is_some(), dataset.n_held() > 0);
        while dataset.n_held() > 0 {
            for read in dataset.held_reads() {
                let bytes = given(&dataset, &read);
                dataset.lend_text(&read, &bytes).unwrap();
            }
            dataset.settle_held(false);
        }
        dataset.commit();
        dataset
    };
    let kept = load_twice(None);
    let mut in_files = load_twice(Some(0));
    assert_eq!(kept.ledger(), in_files.ledger());
    assert!(kept.ledger().duplicates >= kept.ledger().indexed);
    let every_event: Vec<u32> = (0..kept.n_events() as u32).collect();
    let reads = in_files.text_reads(&every_event);
    assert!(!reads.is_empty(), "text was left in files");
    // Held records are placed after the rest, so events are compared as a set.
    let mut from_files = Vec::new();
    for &event_idx in &every_event {
        for read in in_files.text_reads(&[event_idx]) {
            let bytes = given(&in_files, &read);
            in_files.lend_text(&read, &bytes).unwrap();
        }
        let detail = in_files.event_detail(event_idx).unwrap();
        assert!(detail.text_note.is_none(), "{detail:?}");
        from_files.push(EventDetail {
            event_idx: 0,
            ..detail
        });
    }
    let mut from_memory: Vec<EventDetail> = every_event
        .iter()
        .map(|&event_idx| EventDetail {
            event_idx: 0,
            ..kept.event_detail(event_idx).unwrap()
        })
        .collect();
    let order =
        |a: &EventDetail, b: &EventDetail| (&a.event_id, &a.json).cmp(&(&b.event_id, &b.json));
    from_files.sort_by(order);
    from_memory.sort_by(order);
    assert_eq!(from_files, from_memory);
}

#[test]
fn text_read_again_from_a_changed_file_is_refused_with_the_reason() {
    let record = |id: u32, name: &str| {
        format!(
            r#"{{"eventTime":"2024-03-01T10:00:{id:02}Z","eventID":"{id}","eventName":"{name}"}}"#
        )
    };
    let trail = |name: &str| format!(r#"{{"Records":[{},{}]}}"#, record(1, name), record(2, name));
    let mut dataset = Dataset::default();
    dataset.set_resident_text_budget(0);
    dataset.ingest_file("a.json", trail("Get").as_bytes());
    dataset.commit();
    let read = dataset.text_reads(&[1]).pop().unwrap();
    let range = read.bytes().unwrap();
    // The same length, other text: the hash tells.
    let changed = trail("Put");
    dataset
        .lend_text(
            &read,
            &changed.as_bytes()[range.start as usize..range.end as usize],
        )
        .unwrap();
    let detail = dataset.event_detail(1).unwrap();
    assert!(detail.json.is_empty());
    assert!(
        detail
            .text_note
            .as_deref()
            .unwrap()
            .contains("a.json changed since it was loaded"),
        "{detail:?}"
    );
    // Shorter: refused when lent, naming the file.
    let error = dataset.lend_text(&read, b"{}").unwrap_err();
    assert!(
        error.starts_with("a.json could not be read again"),
        "{error}"
    );
}

#[test]
fn loading_stopped_part_way_keeps_what_was_read_and_lists_the_rest() {
    let record = |id: u32| {
        format!(r#"{{"eventTime":"2024-03-01T10:00:{id:02}Z","eventID":"{id}","eventName":"Get"}}"#)
    };
    let trail = |ids: &[u32]| {
        let records: Vec<String> = ids.iter().map(|&id| record(id)).collect();
        format!(r#"{{"Records":[{}]}}"#, records.join(","))
    };
    let mut dataset = Dataset::default();
    dataset.ingest_file("a.json", trail(&[1, 2]).as_bytes());
    // A file stopped between two of its slices keeps the records of the first.
    let cut = trail(&[3, 4, 5]);
    let (first, _) = cut.split_at(cut.find(&record(4)).unwrap());
    dataset.begin_file("b.json", cut.len() as u64);
    dataset.push_file_bytes(first.as_bytes());
    dataset.interrupt_file("loading stopped at byte 70: the memory budget was reached");
    // The files after it are listed, not read.
    let reason = "not read: the memory budget was reached";
    dataset.skip_file("c.json", 1_000, reason);
    dataset.skip_file("d.json", 2_000, reason);
    dataset.commit();

    let statuses: Vec<(&str, FileStatus, u64)> = dataset
        .files()
        .iter()
        .map(|file| (file.path.as_str(), file.status, file.indexed))
        .collect();
    assert_eq!(
        statuses,
        [
            ("a.json", FileStatus::Ok, 2),
            ("b.json", FileStatus::Partial, 1),
            ("c.json", FileStatus::Skipped, 0),
            ("d.json", FileStatus::Skipped, 0),
        ]
    );
    assert!(dataset.files()[1].message.contains("memory budget"));
    assert_eq!(dataset.files()[2].message, reason);
    assert_eq!(dataset.files()[2].status.as_str(), "skipped");
    let ledger = dataset.ledger();
    assert_eq!(
        (ledger.n_files, ledger.not_read, ledger.read, ledger.indexed),
        (4, 2, 3, 3)
    );
    assert_eq!(
        ledger.read,
        ledger.indexed + ledger.duplicates + ledger.rejected
    );
    let query = Query::default();
    let selection = dataset.select(&query);
    assert_eq!(dataset.dashboard(&selection, &query).totals.n_events, 3);
}
