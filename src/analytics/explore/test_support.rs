//! Helpers for the explore unit tests: a dataset from a few records, and selections checked to
//! be the same whatever part of the store is indexed. Test-only.

use serde_json::{json, Value};

use crate::analytics::query::Query;
use crate::analytics::{Dataset, FileRead};

/// Record `i`: `eventID` `e{i}`, one second after record `i - 1` (so event ids, arrival and
/// time order agree), with the members of `extra` added or replacing those.
pub(super) fn record(i: u32, extra: Value) -> Value {
    let mut record = json!({
        "eventVersion": "1.08",
        "eventID": format!("e{i}"),
        "eventTime": format!("2024-03-01T10:{:02}:{:02}Z", i / 60, i % 60),
        "eventName": "GetObject",
        "eventSource": "s3.amazonaws.com",
        "awsRegion": "us-east-1",
    });
    if let (Some(members), Value::Object(extra)) = (record.as_object_mut(), extra) {
        members.extend(extra);
    }
    record
}

/// A committed dataset holding `records` (one file), nothing indexed yet.
pub(super) fn dataset(records: &[Value]) -> Dataset {
    let mut dataset = Dataset::default();
    let text = json!({ "Records": records }).to_string();
    dataset.ingest_file("test.json", text.as_bytes());
    dataset.commit();
    assert_eq!(dataset.n_events(), records.len(), "every record is kept");
    dataset
}

/// The ids `query` selects among `records`, insisting that an empty, a partial and a complete
/// index all give the same answer.
pub(super) fn selected(records: &[Value], query: &Query) -> Vec<u32> {
    let mut dataset = dataset(records);
    let unindexed = dataset.select(query).ids().to_vec();
    dataset.index_some(records.len() / 2);
    let partial = dataset.select(query).ids().to_vec();
    dataset.prepare_search();
    let indexed = dataset.select(query).ids().to_vec();
    assert_eq!(
        unindexed, indexed,
        "unindexed and indexed differ on {query:?}"
    );
    assert_eq!(partial, indexed, "partial and indexed differ on {query:?}");
    // Text left in its file: not answered for until it is lent, then answered alike.
    let text = json!({ "Records": records }).to_string();
    let mut in_file = Dataset::default();
    in_file.set_resident_text_budget(0);
    in_file.ingest_file("test.json", text.as_bytes());
    in_file.commit();
    let every_event: Vec<u32> = (0..records.len() as u32).collect();
    if Dataset::needs_index(query) {
        assert_eq!(
            in_file.select(query).unsearched() as usize,
            records.len(),
            "{query:?}"
        );
    }
    for read in in_file.text_reads(&every_event) {
        in_file
            .lend_text(&read, &given(&read, text.as_bytes()))
            .expect("lent");
    }
    let lent = in_file.select(query);
    assert_eq!((lent.ids(), lent.unsearched()), (indexed.as_slice(), 0));
    // Indexed elsewhere in two parts, from text left in its file, and merged.
    let mut by_parts = Dataset::default();
    by_parts.set_resident_text_budget(0);
    by_parts.ingest_file("test.json", text.as_bytes());
    by_parts.commit();
    let half = records.len() / 2 + 1;
    let mut first = 0;
    while let Some(job) = by_parts.index_job(first, half) {
        let files: Vec<Vec<u8>> = job
            .reads
            .iter()
            .map(|read| given(read, text.as_bytes()))
            .collect();
        let part = super::index_part(&job.job, &files).expect("indexed");
        by_parts.merge_index_part(&part).expect("the part merges");
        first = by_parts.index_progress().0;
    }
    assert_eq!(by_parts.index_progress(), dataset.index_progress());
    let merged = by_parts.select(query).ids().to_vec();
    assert_eq!(
        merged, indexed,
        "merged parts and indexed differ on {query:?}"
    );
    indexed
}

/// The bytes of `file` a read asks for, as the page would read them.
pub(super) fn given(read: &FileRead, file: &[u8]) -> Vec<u8> {
    match read.bytes() {
        None => file.to_vec(),
        Some(range) => file[range.start as usize..range.end as usize].to_vec(),
    }
}
