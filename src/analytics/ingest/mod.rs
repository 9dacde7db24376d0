//! Ingest: one file's bytes to stored events and a [`FileReport`] that accounts for every record
//! read: indexed, duplicate, or rejected with a reason.
//!
//! Order of work ([`stream::FileIngest`]): recognise digests by path, decode chunk by chunk
//! (gzip or not, bombs stopped), cut the text between records into pieces, read each piece's
//! container, normalise each record, place it in the store. A fault anywhere keeps what came
//! before it.

pub mod archive;
pub mod container;
pub mod csv_export;
pub mod decode;
pub mod normalize;
mod raw;
pub mod shard;
pub mod split;
pub mod stream;

use crate::analytics::ingest::normalize::{normalize, normalize_record};
use crate::analytics::ingest::raw::RawRecord;
use crate::analytics::ingest::stream::FileIngest;
use crate::analytics::model::time::Millis;
use crate::analytics::raw_arena::Reread;
use crate::analytics::store::{Placement, RecordSink, Store};

/// How a file fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// Every record read was indexed or was a duplicate.
    Ok,
    /// Some records were rejected, or the file was cut short or malformed after some records.
    Partial,
    /// Nothing could be used: not CloudTrail, not JSON, or every record rejected.
    Rejected,
    /// A digest file (integrity validation); listed, not counted as events.
    Digest,
    /// Not read at all: loading stopped before it (the page's memory budget was reached).
    Skipped,
}

impl FileStatus {
    /// The status as the page and its tests spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Partial => "partial",
            FileStatus::Rejected => "rejected",
            FileStatus::Digest => "digest",
            FileStatus::Skipped => "skipped",
        }
    }
}

/// A reason records were rejected, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectReason {
    /// What was wrong.
    pub reason: String,
    /// How many records it applied to.
    pub count: u64,
}

/// The outcome of one file. The ledger holds: `read == indexed + duplicates + rejected + held`,
/// and `held` is zero once a load has settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The path as given (for a folder, relative to the folder's parent).
    pub path: String,
    /// Size of the file as given, in bytes.
    pub size_bytes: u64,
    /// Size after decompression, in bytes.
    pub decoded_bytes: u64,
    /// The outcome.
    pub status: FileStatus,
    /// The shape the content was recognised as (`trail file`, `JSON lines`, …), or `""`.
    pub format: &'static str,
    /// Records read.
    pub read: u64,
    /// Records stored as events (conflicts included).
    pub indexed: u64,
    /// Records dropped as identical copies of kept events.
    pub duplicates: u64,
    /// Records stored although another event had the same `eventID` and different content.
    pub conflicts: u64,
    /// Records that could not be shown.
    pub rejected: u64,
    /// Records not placed yet: their content is being compared with text left in a file
    /// (see [`crate::analytics::Dataset::settle_held`]). Zero once a load has settled.
    pub held: u64,
    /// Why records were rejected, most frequent first (at most [`MAX_REASONS`]).
    pub reasons: Vec<RejectReason>,
    /// One sentence for the user: what the file is and what went wrong, if anything.
    pub message: String,
    /// Earliest and latest time of the records indexed from this file.
    pub time_span: Option<(Millis, Millis)>,
    /// How the file is read again for text left in it; `None` when it cannot be (an entry of
    /// an archive, a file never read), and then no text is left in it.
    pub reread: Option<Reread>,
}

impl FileReport {
    /// A report of nothing read yet, status `ok`.
    pub fn new(path: &str, size_bytes: u64) -> Self {
        Self {
            path: path.to_owned(),
            size_bytes,
            decoded_bytes: 0,
            status: FileStatus::Ok,
            format: "",
            read: 0,
            indexed: 0,
            duplicates: 0,
            conflicts: 0,
            rejected: 0,
            held: 0,
            reasons: Vec::new(),
            message: String::new(),
            time_span: None,
            reread: None,
        }
    }
}

/// How many distinct reject reasons a report keeps.
pub const MAX_REASONS: usize = 8;

/// Reads one file into `store`; `file_idx` is the index its report will have.
pub fn ingest_file(
    store: &mut Store,
    file_idx: u32,
    path: &str,
    bytes: &[u8],
    max_decoded_bytes: usize,
) -> FileReport {
    let mut file = FileIngest::new(file_idx, path, bytes.len() as u64, max_decoded_bytes);
    file.push(store, bytes);
    file.finish(store)
}

const DIGEST_MESSAGE: &str = "digest file (log file integrity validation): listed, holds no events";

fn finish(mut report: FileReport, status: FileStatus, problems: &[String]) -> FileReport {
    report.status = status;
    report.message = problems.join("; ");
    report
}

/// Normalises one record and offers it to the store, keeping the file's ledger; `at` is where
/// its text starts in the file's decoded text, when it is a slice of a file read again.
fn place_record(
    store: &mut dyn RecordSink,
    file_idx: u32,
    (raw, at): (&serde_json::value::RawValue, Option<u64>),
    report: &mut FileReport,
    reasons: &mut Vec<RejectReason>,
) {
    report.read += 1;
    match normalize(raw) {
        Ok(record) => {
            let placement = store.place(&record, raw.get(), file_idx, at);
            count_placement(report, placement, record.time);
        }
        Err(reason) => reject(report, reasons, reason),
    }
}

/// Offers a record the container has already read into its typed mirror (`text` is its JSON
/// text) to the store, keeping the file's ledger, exactly as [`place_record`] would.
fn place_read_record(
    store: &mut dyn RecordSink,
    file_idx: u32,
    (text, at): (&str, Option<u64>),
    record: RawRecord<'_>,
    report: &mut FileReport,
) {
    report.read += 1;
    let record = normalize_record(record);
    let placement = store.place(&record, text, file_idx, at);
    count_placement(report, placement, record.time);
}

/// Counts where a record of the file went in its ledger and time span.
pub(crate) fn count_placement(report: &mut FileReport, placement: Placement, time: Option<Millis>) {
    match placement {
        Placement::Indexed => report.indexed += 1,
        Placement::Conflict => {
            report.indexed += 1;
            report.conflicts += 1;
        }
        Placement::Duplicate => {
            report.duplicates += 1;
            return;
        }
        Placement::Held => {
            report.held += 1;
            return;
        }
    }
    if let Some(time) = time {
        report.time_span = Some(match report.time_span {
            Some((first, last)) => (first.min(time), last.max(time)),
            None => (time, time),
        });
    }
}

/// Counts one record as rejected, keeping its reason.
fn reject(report: &mut FileReport, reasons: &mut Vec<RejectReason>, reason: String) {
    report.rejected += 1;
    match reasons.iter_mut().find(|known| known.reason == reason) {
        Some(known) => known.count += 1,
        None => reasons.push(RejectReason { reason, count: 1 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingest(path: &str, text: &str) -> (Store, FileReport) {
        let mut store = Store::new();
        let report = ingest_file(&mut store, 0, path, text.as_bytes(), 1 << 20);
        (store, report)
    }

    fn assert_balanced(report: &FileReport) {
        assert_eq!(
            report.read,
            report.indexed + report.duplicates + report.rejected,
            "{report:?}"
        );
    }

    #[test]
    fn a_clean_trail_file_is_ok() {
        let (store, report) = ingest(
            "a.json",
            r#"{"Records":[{"eventTime":"2024-03-01T10:00:00Z","eventID":"1"},{"eventTime":"2024-03-01T10:00:05Z","eventID":"2"}]}"#,
        );
        assert_eq!(
            (report.status, report.read, report.indexed),
            (FileStatus::Ok, 2, 2)
        );
        assert_eq!(report.message, "");
        assert_eq!(store.len(), 2);
        assert_balanced(&report);
    }

    #[test]
    fn bad_records_make_a_partial_file_with_reasons_and_undated_records_are_kept() {
        let (store, report) = ingest(
            "a.json",
            r#"{"Records":[{"eventTime":"2024-03-01T10:00:00Z"},42,[1],42,{"eventTime":"nope"}]}"#,
        );
        assert_eq!(
            (report.status, report.indexed, report.rejected),
            (FileStatus::Partial, 2, 3)
        );
        assert_eq!(
            report.reasons[0],
            RejectReason {
                reason: "record is not a JSON object but a number".into(),
                count: 2
            }
        );
        assert!(
            report.message.contains("3 of 5 records rejected"),
            "{}",
            report.message
        );
        // The undated record is kept but stays out of the file's time span.
        assert_eq!(store.len(), 2);
        assert_eq!(report.time_span.map(|(first, last)| last - first), Some(0));
        assert_balanced(&report);
    }

    #[test]
    fn every_record_rejected_rejects_the_file() {
        let (_, report) = ingest("a.json", r#"{"Records":[1,2]}"#);
        assert_eq!(report.status, FileStatus::Rejected);
        assert_balanced(&report);
    }

    #[test]
    fn digests_are_listed_by_path_or_content() {
        let (_, by_path) = ingest("AWSLogs/1/CloudTrail-Digest/us-east-1/x.json.gz", "garbage");
        assert_eq!(by_path.status, FileStatus::Digest);
        let (_, by_content) = ingest(
            "x.json",
            r#"{"awsAccountId":"1","digestStartTime":"t","logFiles":[]}"#,
        );
        assert_eq!(by_content.status, FileStatus::Digest);
    }

    #[test]
    fn other_json_and_junk_are_rejected_with_a_reason() {
        let (_, other) = ingest("notes.json", r#"{"hello":"world"}"#);
        assert_eq!(other.status, FileStatus::Rejected);
        assert!(
            other.message.contains("no CloudTrail records found"),
            "{}",
            other.message
        );
        let (_, junk) = ingest("x.bin", "\u{1}\u{2}garbage");
        assert_eq!(junk.status, FileStatus::Rejected);
        assert!(
            junk.message.contains("invalid JSON at byte"),
            "{}",
            junk.message
        );
        let (_, empty) = ingest("x.json", "");
        assert_eq!(
            (empty.status, empty.message.as_str()),
            (FileStatus::Rejected, "empty file")
        );
    }

    #[test]
    fn deeply_nested_records_are_read_without_overflow() {
        let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
        let text = format!(
            r#"{{"Records":[{{"eventTime":"2024-03-01T10:00:00Z","requestParameters":{deep}}},{{"eventTime":"2024-03-01T10:00:00Z","eventName":{deep}}}]}}"#
        );
        let (_, report) = ingest("deep.json", &text);
        // Nested values are skipped iteratively; a nested value where text belongs reads as absent.
        assert_eq!(
            (report.indexed, report.rejected),
            (2, 0),
            "{}",
            report.message
        );
        assert_balanced(&report);
    }

    #[test]
    fn a_cut_file_keeps_what_came_before() {
        let (_, report) = ingest(
            "a.json",
            r#"{"Records":[{"eventTime":"2024-03-01T10:00:00Z"},{"eventTime":"2024-03-01T10:00:01Z"},{"eventTi"#,
        );
        assert_eq!((report.status, report.indexed), (FileStatus::Partial, 2));
        assert!(report.message.contains("ends early"), "{}", report.message);
        assert_balanced(&report);
    }
}
