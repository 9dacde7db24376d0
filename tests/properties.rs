//! Properties that must hold for any input: normalising arbitrary JSON never panics and every
//! record is accounted for; gzip(x) ingests exactly like x; text read in chunks and pieces is
//! accounted for, and when intact reads exactly as when read whole; the timeline sums to the selection;
//! an indexed filter selects what a naive scan over the parsed JSON selects.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use flate2::{write::GzEncoder, Compression};
use proptest::prelude::*;
use serde_json::{json, Value};
use trailview::analytics::{Dataset, Field, FieldFilter, Query};

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9:T. -]{0,24}".prop_map(Value::String),
        Just(json!("2024-03-01T10:00:00Z")),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("eventTime".to_owned()),
                        Just("eventID".to_owned()),
                        Just("userIdentity".to_owned()),
                        Just("type".to_owned()),
                        Just("arn".to_owned()),
                        Just("errorCode".to_owned()),
                        Just("resources".to_owned()),
                        Just("readOnly".to_owned()),
                        "[a-z]{1,6}".prop_map(String::from),
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A plausible record: a few callers, names and error codes, times within a day.
fn record() -> impl Strategy<Value = Value> {
    (0u32..40, 0usize..4, 0usize..5, 0usize..4, 0i64..86_400).prop_map(|(id, caller, name, error, second)| {
        let callers = ["alice", "bob", "carol", "deploy"];
        let names = ["GetObject", "PutObject", "AssumeRole", "ListBuckets", "RunInstances"];
        let errors = ["", "", "AccessDenied", "ThrottlingException"];
        let mut record = json!({
            "eventID": format!("e{id}"),
            "eventTime": format!("2024-03-01T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60),
            "eventName": names[name],
            "eventSource": "s3.amazonaws.com",
            "userIdentity": {"type": "IAMUser", "userName": callers[caller]},
        });
        if !errors[error].is_empty() {
            record["errorCode"] = json!(errors[error]);
        }
        record
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

proptest! {
    #[test]
    fn any_records_are_all_accounted_for(records in prop::collection::vec(arbitrary_json(), 0..12)) {
        let text = json!({ "Records": records }).to_string();
        let mut dataset = Dataset::default();
        let report = dataset.ingest_file("x.json", text.as_bytes()).clone();
        prop_assert_eq!(report.read, records.len() as u64);
        prop_assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }

    #[test]
    fn any_bytes_load_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut dataset = Dataset::default();
        let report = dataset.ingest_file("x.json.gz", &bytes).clone();
        prop_assert_eq!(report.read, report.indexed + report.duplicates + report.rejected);
    }

    #[test]
    fn gzip_ingests_exactly_like_plain_text(records in prop::collection::vec(record(), 0..30)) {
        let text = json!({ "Records": records }).to_string();
        let mut plain = Dataset::default();
        let plain_report = plain.ingest_file("a.json", text.as_bytes()).clone();
        let mut zipped = Dataset::default();
        let zipped_report = zipped.ingest_file("a.json", &gzip(text.as_bytes())).clone();
        prop_assert_eq!(
            (plain_report.read, plain_report.indexed, plain_report.duplicates, plain_report.conflicts),
            (zipped_report.read, zipped_report.indexed, zipped_report.duplicates, zipped_report.conflicts)
        );
    }

    #[test]
    fn any_text_reads_the_same_whole_and_streamed_in_pieces(
        records in prop::collection::vec(arbitrary_json(), 0..10),
        layout in 0usize..3,
        cut in 0usize..64,
        chunk_bytes in 1usize..40,
        piece_bytes in 1usize..200,
    ) {
        let mut text = match layout {
            0 => json!({ "Records": records }).to_string(),
            1 => Value::Array(records.clone()).to_string(),
            _ => records.iter().map(|record| record.to_string() + "\n").collect(),
        };
        // Damage the text somewhere: drop one byte (at a character boundary).
        if cut > 0 && !text.is_empty() {
            let mut at = cut * text.len() / 64;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if at < text.len() {
                text.remove(at);
            }
        }
        let mut whole = Dataset::default();
        let whole_report = whole.ingest_file("x.json", text.as_bytes()).clone();
        let mut streamed = Dataset::default();
        streamed.set_piece_bytes(piece_bytes);
        streamed.begin_file("x.json", text.len() as u64);
        for chunk in text.as_bytes().chunks(chunk_bytes) {
            streamed.push_file_bytes(chunk);
        }
        let streamed_report = streamed.end_file().unwrap().clone();
        prop_assert_eq!(
            streamed_report.read,
            streamed_report.indexed + streamed_report.duplicates + streamed_report.rejected
        );
        if cut == 0 {
            // Intact text reads exactly the same however it is cut.
            prop_assert_eq!(&streamed_report, &whole_report);
        }
    }

    #[test]
    fn filters_and_timeline_agree_with_a_naive_scan(
        records in prop::collection::vec(record(), 1..60),
        caller in 0usize..4,
        exclude in any::<bool>(),
    ) {
        let text = json!({ "Records": records }).to_string();
        let mut dataset = Dataset::default();
        dataset.ingest_file("a.json", text.as_bytes());
        dataset.commit();

        // The naive oracle: first copy of each (eventID, content), as the store keeps them.
        let mut kept: Vec<&Value> = Vec::new();
        for record in &records {
            if !kept.contains(&record) {
                kept.push(record);
            }
        }
        let name = ["alice", "bob", "carol", "deploy"][caller];
        let naive = kept.iter().filter(|record| (record["userIdentity"]["userName"] == name) != exclude).count();
        let query = Query::default().with_filter(FieldFilter { field: Field::Caller, value: name.to_owned(), exclude });
        let selection = dataset.select(&query);
        prop_assert_eq!(selection.len(), naive);

        let dashboard = dataset.dashboard(&selection, &query);
        let bucket_sum: u64 = dashboard.timeline.buckets.iter().map(|bucket| bucket.count).sum();
        prop_assert_eq!(bucket_sum, selection.len() as u64);
        prop_assert!(dashboard.timeline.buckets.len() <= 200);
        let naive_errors = kept.iter()
            .filter(|record| (record["userIdentity"]["userName"] == name) != exclude)
            .filter(|record| record.get("errorCode").is_some())
            .count() as u64;
        prop_assert_eq!(dashboard.totals.n_errors, naive_errors);
    }
}
