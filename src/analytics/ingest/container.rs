//! The file container: which of the shapes CloudTrail data arrives in a file holds, and every
//! record in it, handed to a callback as raw JSON text.
//!
//! Shapes: the trail file `{"Records":[…]}` (streamed: a fault half-way keeps every record
//! before it), a bare array of records, a single record, several JSON values one after another
//! (concatenated objects or JSON lines: a bad line is skipped and counted, reading resumes on
//! the next line), `aws cloudtrail lookup-events` output (`Events[].CloudTrailEvent`, a record
//! as a JSON string; several pages may follow each other), EventBridge events (the record in
//! `detail`) and CloudWatch Logs subscription messages (`logEvents[].message`). Digest files
//! are recognised and yield nothing.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::analytics::ingest::csv_export::{looks_like_csv, read_csv, Row};
use crate::analytics::ingest::raw::RawRecord;
use crate::analytics::ingest::split::skip_json_space;

/// What a file holds, as far as CloudTrail is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// CloudTrail records (possibly none, as in an empty trail file).
    Trail,
    /// A digest file (`digestStartTime` or `logFiles` at the top level).
    Digest,
    /// JSON with no CloudTrail record in it.
    Other,
}

/// The outer form of the file, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{"Records":[…]}`.
    TrailFile,
    /// A JSON array of records or envelopes.
    Array,
    /// One record object.
    SingleRecord,
    /// Several JSON values one after another: JSON lines or concatenated objects.
    Lines,
    /// `aws cloudtrail lookup-events` output.
    LookupEvents,
    /// An EventBridge (CloudWatch Events) event.
    EventBridge,
    /// A CloudWatch Logs subscription message.
    CloudWatchLogs,
    /// A CSV export (console Event history, CloudTrail Lake results).
    Csv,
    /// Not CloudTrail, or not readable.
    Unknown,
}

impl Shape {
    /// Every shape, in declaration order.
    pub const ALL: [Shape; 9] = [
        Shape::TrailFile,
        Shape::Array,
        Shape::SingleRecord,
        Shape::Lines,
        Shape::LookupEvents,
        Shape::EventBridge,
        Shape::CloudWatchLogs,
        Shape::Csv,
        Shape::Unknown,
    ];

    /// How the report names the shape.
    pub fn label(self) -> &'static str {
        match self {
            Shape::TrailFile => "trail file",
            Shape::Array => "JSON array",
            Shape::SingleRecord => "single record",
            Shape::Lines => "JSON lines",
            Shape::LookupEvents => "lookup-events output",
            Shape::EventBridge => "EventBridge event",
            Shape::CloudWatchLogs => "CloudWatch Logs message",
            Shape::Csv => "CSV export",
            Shape::Unknown => "",
        }
    }
}

/// One thing found where a record was expected.
#[derive(Debug)]
// An item is handed over once, by value, never stored: boxing the read record would cost an
// allocation per record on the fast path for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Item<'r> {
    /// A record's JSON text (whether it is a usable record is for the normaliser to say).
    Record(&'r RawValue),
    /// A record's JSON text, already read into its typed mirror: an object that reads as a
    /// record (a plain trail file's records are read this way, in one pass).
    Read(&'r str, RawRecord<'r>),
    /// Something that should have been a record but is not, and why.
    NotARecord(String),
}

/// The result of reading a file's container.
#[derive(Debug)]
pub struct ContainerOutcome {
    /// What the file is.
    pub kind: ContainerKind,
    /// Its outer form.
    pub shape: Shape,
    /// The parse error that ended reading early (items before it were delivered).
    pub fault: Option<String>,
    /// Values that were neither records nor envelopes of records. [`read_container`] has
    /// already delivered them as [`Item::NotARecord`] when the text held records;
    /// [`read_segment`] leaves that to its caller, who knows the whole file.
    pub strays: u64,
    /// What the first of them was.
    pub first_stray: Option<String>,
}

/// Where a piece of text sits in its file, so that messages give file positions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file offset of the text's byte 0 (a piece may start with a few bytes of its own, as
    /// long as they come before the file's first byte it holds).
    pub byte: usize,
    /// The number of lines of the file before the text's first line.
    pub line: usize,
    /// Whether more of the file follows the text: then a bad last line is a line to skip, not
    /// the file's end.
    pub more_follows: bool,
}

/// Reads every record of `text`, handing each to `on_item` as it is met.
pub fn read_container(text: &str, on_item: &mut dyn FnMut(Item<'_>)) -> ContainerOutcome {
    let mut outcome = read_segment(text, Origin::default(), on_item);
    if outcome.kind == ContainerKind::Trail {
        // Beside records, anything else is a record that could not be read.
        for _ in 0..outcome.strays {
            on_item(Item::NotARecord(stray_reason(
                outcome.first_stray.as_deref().unwrap_or_default(),
            )));
        }
        outcome.strays = 0;
    }
    outcome
}

/// Why a value beside records is counted as a record that could not be read.
pub fn stray_reason(what: &str) -> String {
    format!("not a CloudTrail record: {what}")
}

/// Reads every record of `text`, a piece of a file at `origin`, like [`read_container`], but
/// leaves the values that are not records counted in the outcome, undelivered.
pub fn read_segment(
    text: &str,
    origin: Origin,
    on_item: &mut dyn FnMut(Item<'_>),
) -> ContainerOutcome {
    read_segment_with(text, origin, on_item, true)
}

/// [`read_segment`], with or without trying a plain trail file's one-pass reading first.
fn read_segment_with(
    text: &str,
    origin: Origin,
    on_item: &mut dyn FnMut(Item<'_>),
    one_pass: bool,
) -> ContainerOutcome {
    let start = text.len() - text.trim_start().len();
    let mut reader = Reader::new(on_item, origin);
    reader.one_pass = one_pass;
    let (shape, fault) = match text.as_bytes().get(start) {
        Some(b'{') => reader.read_objects(text, start),
        Some(b'[') => {
            let mut deserializer = serde_json::Deserializer::from_str(&text[start..]);
            let fault = match (ArrayOfValues {
                reader: &mut reader,
            })
            .deserialize(&mut deserializer)
            {
                Ok(()) => deserializer
                    .end()
                    .err()
                    .map(|error| reader.describe(&error, &text[start..], start)),
                Err(error) => Some(reader.describe(&error, &text[start..], start)),
            };
            (Shape::Array, fault)
        }
        _ if looks_like_csv(&text[start..]) => {
            reader.envelope(Shape::Csv);
            read_csv(&text[start..], &mut |row| match row {
                Row::Record(json) => match serde_json::from_str::<Box<RawValue>>(&json) {
                    Ok(raw) => reader.record(&raw),
                    Err(error) => {
                        reader.not_a_record(format!("CSV row could not be read: {error}"));
                    }
                },
                Row::Unreadable(reason) => reader.not_a_record(reason),
            });
            (Shape::Csv, None)
        }
        _ => {
            let fault = serde_json::from_str::<IgnoredAny>(text)
                .err()
                .map(|error| reader.describe(&error, text, 0));
            (Shape::Unknown, fault)
        }
    };
    reader.finish(shape, fault)
}

/// Reads `text`, a piece of a file of top-level values one after another (JSON lines,
/// concatenated objects) that is not the file's first, value by value whatever its first
/// value is; values that are not records are left counted in the outcome, like
/// [`read_segment`].
pub fn read_more_values(
    text: &str,
    origin: Origin,
    on_item: &mut dyn FnMut(Item<'_>),
) -> ContainerOutcome {
    let start = text.len() - text.trim_start().len();
    let mut reader = Reader::new(on_item, origin);
    let fault = reader.read_values(text, start, false);
    reader.finish(Shape::Lines, fault)
}

/// The state of one read: counts and the callback.
struct Reader<'c, 'f> {
    on_item: &'c mut (dyn FnMut(Item<'_>) + 'f),
    /// Where the text sits in its file.
    origin: Origin,
    /// Records delivered.
    records: u64,
    /// Values that were neither records nor envelopes of records.
    strays: u64,
    first_stray: Option<String>,
    digest: bool,
    /// The envelope shape of the first value that yielded records, when there was one.
    inner: Option<Shape>,
    /// Where in the file the last record streamed from `Records` ended (for resuming).
    last_record_end: Option<usize>,
    /// Whether a plain trail file is read in one pass ([`plain_trail`]).
    one_pass: bool,
}

impl<'c, 'f> Reader<'c, 'f> {
    fn new(on_item: &'c mut (dyn FnMut(Item<'_>) + 'f), origin: Origin) -> Self {
        Reader {
            on_item,
            origin,
            records: 0,
            strays: 0,
            first_stray: None,
            digest: false,
            inner: None,
            last_record_end: None,
            one_pass: true,
        }
    }

    /// A parse error as a sentence with its byte offset in the file.
    fn describe(&self, error: &serde_json::Error, text: &str, base: usize) -> String {
        describe(error, text, base + self.origin.byte)
    }

    fn record(&mut self, raw: &RawValue) {
        self.records += 1;
        (self.on_item)(Item::Record(raw));
    }

    /// A record streamed from `Records` of the file at `file_start` (the text's address):
    /// remembers where it ended, for resuming after a fault.
    fn streamed_record(&mut self, raw: &RawValue, file_start: usize) {
        let end = (raw.get().as_ptr() as usize).saturating_sub(file_start) + raw.get().len();
        self.last_record_end = Some(end);
        self.record(raw);
    }

    fn not_a_record(&mut self, reason: String) {
        self.records += 1;
        (self.on_item)(Item::NotARecord(reason));
    }

    fn stray(&mut self, what: &str) {
        self.strays += 1;
        self.first_stray.get_or_insert_with(|| what.to_owned());
    }

    fn envelope(&mut self, shape: Shape) {
        self.inner.get_or_insert(shape);
    }

    /// A file that starts with an object: a trail file is streamed in one pass; anything else
    /// (or more than one value) is read value by value.
    fn read_objects(&mut self, text: &str, start: usize) -> (Shape, Option<String>) {
        let body = &text[start..];
        if let Some(records) = self.one_pass.then(|| plain_trail(body)).flatten() {
            for (text, record) in records {
                self.records += 1;
                (self.on_item)(Item::Read(text, record));
            }
            return (Shape::TrailFile, None);
        }
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let mut saw_records = false;
        let streamed = (TopLevel {
            reader: self,
            saw_records: &mut saw_records,
            file_start: text.as_ptr() as usize,
        })
        .deserialize(&mut deserializer);
        match streamed {
            Ok(()) if deserializer.end().is_ok() => {
                if saw_records {
                    return (Shape::TrailFile, None);
                }
                let fault = self.read_values(text, start, false);
                let shape = self.inner.unwrap_or(Shape::SingleRecord);
                (shape, fault)
            }
            Ok(()) => (Shape::Lines, self.read_values(text, start, saw_records)),
            Err(error) if saw_records && error.is_eof() => {
                (Shape::TrailFile, Some(self.describe(&error, body, start)))
            }
            Err(error) if saw_records => {
                let error_at = start + byte_offset(body, error.line(), error.column());
                let resumed_from = self.last_record_end.unwrap_or(start);
                let fault = self.describe(&error, body, start);
                (
                    Shape::TrailFile,
                    self.resume_records(text, resumed_from, error_at, fault),
                )
            }
            Err(_) => (Shape::Lines, self.read_values(text, start, false)),
        }
    }

    /// After invalid JSON inside `Records`: skips to the next element that reads as a record,
    /// counts the records lost in between (by their `eventID` keys, at least one) as records
    /// that could not be read, and goes on element by element. Returns the fault that ended
    /// reading for good, if any.
    fn resume_records(
        &mut self,
        text: &str,
        mut last_good_end: usize,
        mut error_at: usize,
        mut fault: String,
    ) -> Option<String> {
        loop {
            let Some((next, raw)) = next_record_start(text, error_at) else {
                let lost = text.get(last_good_end..).map_or(1, count_event_ids).max(1);
                self.lost(lost, &fault);
                if self.origin.more_follows {
                    // The records after it are in the next piece of the file.
                    return None;
                }
                return Some(format!("{fault}; no record could be read after it"));
            };
            let lost = text
                .get(last_good_end..next)
                .map_or(1, count_event_ids)
                .max(1);
            self.lost(lost, &fault);
            self.record(raw);
            let mut at = next + raw.get().len();
            // Go on element by element until the array ends or another fault.
            loop {
                let rest = text.get(at..).unwrap_or("");
                let trimmed = rest.trim_start();
                at += rest.len() - trimmed.len();
                match trimmed.as_bytes().first() {
                    Some(b']') | None => return None,
                    Some(b',') => at += 1,
                    Some(_) => {
                        // What follows the last good record is not a separator: skip from here.
                        error_at = at;
                        fault = format!(
                            "invalid JSON at byte {}: expected `,` or `]` between records",
                            at + self.origin.byte
                        );
                        last_good_end = at;
                        break;
                    }
                }
                let rest = text.get(at..).unwrap_or("");
                let trimmed = rest.trim_start();
                at += rest.len() - trimmed.len();
                let mut values =
                    serde_json::Deserializer::from_str(trimmed).into_iter::<&RawValue>();
                match values.next() {
                    Some(Ok(raw)) => {
                        self.record(raw);
                        at += values.byte_offset();
                    }
                    Some(Err(error)) => {
                        error_at = at + byte_offset(trimmed, error.line(), error.column());
                        fault = self.describe(&error, trimmed, at);
                        last_good_end = at;
                        if error.is_eof() {
                            return Some(fault);
                        }
                        break;
                    }
                    None => return None,
                }
            }
        }
    }

    fn lost(&mut self, n_lost: u64, fault: &str) {
        for _ in 0..n_lost {
            self.not_a_record(format!("lost to {fault}"));
        }
    }

    /// Reads top-level values one after another from `start`; a value that is not valid JSON is
    /// skipped to the end of its line when the file is line-based, and counted.
    fn read_values(&mut self, text: &str, mut start: usize, skip_first: bool) -> Option<String> {
        let mut skip = skip_first;
        loop {
            let body = &text[start..];
            let mut values = serde_json::Deserializer::from_str(body).into_iter::<&RawValue>();
            let error = loop {
                match values.next() {
                    None => return None,
                    Some(Ok(raw)) => {
                        if !std::mem::take(&mut skip) {
                            self.value(raw, 0);
                        }
                    }
                    Some(Err(error)) => break error,
                }
            };
            let failed_at = start + values.byte_offset();
            let error_at = start + byte_offset(body, error.line(), error.column());
            let message = self.describe(&error, body, start);
            // Resume only in a line-based file: the bad value began on the line of the error
            // (nothing but white space between the last good value and that line), and more
            // text follows on later lines.
            let before_error = text.get(..error_at).unwrap_or(text);
            let bad_line_start = before_error.rfind('\n').map_or(0, |at| at + 1);
            let between = text.get(failed_at..bad_line_start).unwrap_or("");
            let next_line = text
                .get(error_at..)
                .and_then(|rest| rest.find('\n'))
                .map(|at| error_at + at + 1);
            let rest_after = next_line.and_then(|next| text.get(next..)).unwrap_or("");
            // In a piece of a larger file, the piece's end is a line's end too.
            let more_follows = self.origin.more_follows;
            let skippable = between.trim().is_empty() && (!error.is_eof() || more_follows);
            let next = match next_line {
                Some(next) if skippable && (!rest_after.trim().is_empty() || more_follows) => next,
                None if skippable && more_follows => text.len(),
                _ => return Some(message),
            };
            let line = self.origin.line + before_error.matches('\n').count() + 1;
            self.not_a_record(format!("line {line}: {message}"));
            start = next;
        }
    }

    /// Classifies one top-level (or array element) value and delivers the records it holds.
    fn value(&mut self, raw: &RawValue, depth: u8) {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'{') => self.object(raw),
            Some(b'[') if depth == 0 => match serde_json::from_str::<Vec<&RawValue>>(text) {
                Ok(elements) => {
                    for element in elements {
                        self.value(element, depth + 1);
                    }
                }
                Err(error) => self.not_a_record(format!("array could not be read: {error}")),
            },
            _ => self.stray("a JSON value that is not an object"),
        }
    }

    fn object(&mut self, raw: &RawValue) {
        let envelope = match serde_json::from_str::<Envelope<'_>>(raw.get()) {
            Ok(envelope) => envelope,
            Err(error) => return self.not_a_record(format!("object could not be read: {error}")),
        };
        if let Some(records) = envelope.records {
            self.envelope(Shape::TrailFile);
            match serde_json::from_str::<Vec<&RawValue>>(records.get()) {
                Ok(records) => records.into_iter().for_each(|record| self.record(record)),
                Err(_) => self.stray("\"Records\" that is not an array"),
            }
        } else if let Some(events) = envelope.events {
            self.envelope(Shape::LookupEvents);
            for event in events {
                match event
                    .cloud_trail_event
                    .as_deref()
                    .map(serde_json::from_str::<Box<RawValue>>)
                {
                    Some(Ok(record)) => self.record(&record),
                    Some(Err(error)) => {
                        self.not_a_record(format!("CloudTrailEvent is not valid JSON: {error}"));
                    }
                    None => self
                        .not_a_record("lookup event without a CloudTrailEvent string".to_owned()),
                }
            }
        } else if let Some(log_events) = envelope.log_events {
            self.envelope(Shape::CloudWatchLogs);
            if envelope.message_type.as_deref() == Some("CONTROL_MESSAGE") {
                return;
            }
            for log_event in log_events {
                match log_event
                    .message
                    .as_deref()
                    .map(serde_json::from_str::<Box<RawValue>>)
                {
                    Some(Ok(message)) => self.value(&message, 1),
                    Some(Err(error)) => {
                        self.not_a_record(format!("log message is not JSON: {error}"));
                    }
                    None => self.not_a_record("log event without a message".to_owned()),
                }
            }
        } else if let (Some(detail), true) = (envelope.detail, envelope.detail_type.is_some()) {
            self.envelope(Shape::EventBridge);
            self.record(detail);
        } else if envelope.digest_start_time.is_some() || envelope.log_files.is_some() {
            self.digest = true;
        } else if envelope.looks_like_a_record() {
            self.record(raw);
        } else {
            self.stray("a JSON object with no eventTime, eventName, eventSource or eventID");
        }
    }

    fn finish(self, shape: Shape, fault: Option<String>) -> ContainerOutcome {
        let kind = if self.records > 0 || shape == Shape::TrailFile || self.inner.is_some() {
            ContainerKind::Trail
        } else if self.digest {
            ContainerKind::Digest
        } else {
            ContainerKind::Other
        };
        let shape = match (kind, shape, self.inner) {
            (ContainerKind::Other, _, _) => Shape::Unknown,
            (_, Shape::Lines | Shape::Array, _) | (_, _, None) => shape,
            (_, _, Some(inner)) => inner,
        };
        ContainerOutcome {
            kind,
            shape,
            fault,
            strays: self.strays,
            first_stray: self.first_stray,
        }
    }
}

/// The keys that tell what a JSON object is.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Envelope<'a> {
    #[serde(rename = "Records", borrow)]
    records: Option<&'a RawValue>,
    #[serde(rename = "Events", borrow)]
    events: Option<Vec<LookupEvent<'a>>>,
    #[serde(rename = "logEvents", borrow)]
    log_events: Option<Vec<LogEvent<'a>>>,
    #[serde(rename = "messageType", borrow)]
    message_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    detail: Option<&'a RawValue>,
    #[serde(rename = "detail-type")]
    detail_type: Option<IgnoredAny>,
    #[serde(rename = "digestStartTime")]
    digest_start_time: Option<IgnoredAny>,
    #[serde(rename = "logFiles")]
    log_files: Option<IgnoredAny>,
    #[serde(rename = "eventTime")]
    event_time: Option<IgnoredAny>,
    #[serde(rename = "eventName")]
    event_name: Option<IgnoredAny>,
    #[serde(rename = "eventSource")]
    event_source: Option<IgnoredAny>,
    #[serde(rename = "eventID")]
    event_id: Option<IgnoredAny>,
    #[serde(rename = "eventVersion")]
    event_version: Option<IgnoredAny>,
}

impl Envelope<'_> {
    fn looks_like_a_record(&self) -> bool {
        self.event_time.is_some()
            || self.event_name.is_some()
            || self.event_source.is_some()
            || self.event_id.is_some()
            || self.event_version.is_some()
    }
}

#[derive(Debug, Deserialize)]
struct LookupEvent<'a> {
    #[serde(rename = "CloudTrailEvent", borrow, default)]
    cloud_trail_event: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct LogEvent<'a> {
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// A parse error as a sentence with its byte offset in the file (`base` is where `text` starts).
fn describe(error: &serde_json::Error, text: &str, base: usize) -> String {
    let offset = base + byte_offset(text, error.line(), error.column());
    let what = error.to_string();
    // serde_json appends " at line L column C"; the byte offset says it better for one-line files.
    let what = what.split(" at line ").next().unwrap_or(&what);
    if error.is_eof() {
        format!("the JSON ends early at byte {offset} ({what})")
    } else {
        format!("invalid JSON at byte {offset}: {what}")
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The next array element after `from` that reads as a record: an object right after a comma
/// whose keys are a record's. Nested objects (resources, parameters) do not qualify.
fn next_record_start(text: &str, from: usize) -> Option<(usize, &RawValue)> {
    let mut at = from;
    while let Some(offset) = text.get(at..).and_then(|rest| rest.find('{')) {
        let candidate = at + offset;
        let after_comma = text
            .get(..candidate)
            .is_some_and(|before| before.trim_end().ends_with(','));
        if after_comma {
            let rest = text.get(candidate..).unwrap_or("");
            if let Some(Ok(raw)) = serde_json::Deserializer::from_str(rest)
                .into_iter::<&RawValue>()
                .next()
            {
                let looks_like_a_record = serde_json::from_str::<Envelope<'_>>(raw.get())
                    .is_ok_and(|envelope| envelope.looks_like_a_record());
                if looks_like_a_record {
                    return Some((candidate, raw));
                }
            }
        }
        at = candidate + 1;
    }
    None
}

/// How many records a stretch of skipped text held, by its `"eventID"` keys.
fn count_event_ids(skipped: &str) -> u64 {
    skipped.matches("\"eventID\"").count() as u64
}

/// The records of `text` when it is a trail file as CloudTrail writes it — `{"Records":[`, objects
/// that each read as a record, `]}`, and nothing else — each read once, straight into its
/// typed mirror, with its text; `None` for anything else, which [`Reader::read_objects`] then
/// reads in full (so faults, strays, other keys and other shapes are found and counted there,
/// and the outcome is the same either way). Nothing is handed over before the whole text has
/// been read this way.
fn plain_trail(text: &str) -> Option<Vec<(&str, RawRecord<'_>)>> {
    let bytes = text.as_bytes();
    let mut at = skip_json_space(bytes, 0);
    for token in [&b"{"[..], b"\"Records\"", b":", b"["] {
        if !bytes.get(at..)?.starts_with(token) {
            return None;
        }
        at = skip_json_space(bytes, at + token.len());
    }
    let mut records = Vec::new();
    if bytes.get(at) == Some(&b']') {
        at += 1;
    } else {
        loop {
            if bytes.get(at) != Some(&b'{') {
                return None;
            }
            let rest = text.get(at..)?;
            let mut values = serde_json::Deserializer::from_str(rest).into_iter::<RawRecord<'_>>();
            let record = values.next()?.ok()?;
            let end = at + values.byte_offset();
            records.push((text.get(at..end)?, record));
            at = skip_json_space(bytes, end);
            match bytes.get(at) {
                Some(b',') => at = skip_json_space(bytes, at + 1),
                Some(b']') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    at = skip_json_space(bytes, at);
    if bytes.get(at) != Some(&b'}') {
        return None;
    }
    (skip_json_space(bytes, at + 1) == bytes.len()).then_some(records)
}

/// The one-pass reader of a top-level object: streams `Records` and skips everything else.
struct TopLevel<'r, 'c, 'f> {
    reader: &'r mut Reader<'c, 'f>,
    saw_records: &'r mut bool,
    /// The address of the file's text.
    file_start: usize,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "Records" && !*self.saw_records {
                *self.saw_records = true;
                map.next_value_seed(RecordsArray {
                    reader: &mut *self.reader,
                    file_start: self.file_start,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The elements of `Records`, each handed over as it is met.
struct RecordsArray<'r, 'c, 'f> {
    reader: &'r mut Reader<'c, 'f>,
    /// The address of the file's text, to locate each record in it.
    file_start: usize,
}

impl<'de> DeserializeSeed<'de> for RecordsArray<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsArray<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of records")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            self.reader.streamed_record(record, self.file_start);
        }
        Ok(())
    }
}

/// The elements of a top-level array, each classified as it is met.
struct ArrayOfValues<'r, 'c, 'f> {
    reader: &'r mut Reader<'c, 'f>,
}

impl<'de> DeserializeSeed<'de> for ArrayOfValues<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArrayOfValues<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(value) = seq.next_element::<&'de RawValue>()? {
            self.reader.value(value, 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::ingest::normalize::{normalize, normalize_record};

    /// Reads `text`; records come back as their JSON text, non-records as `!reason`.
    fn run(text: &str) -> (ContainerOutcome, Vec<String>) {
        let mut items = Vec::new();
        let outcome = read_container(text, &mut |item| {
            items.push(match item {
                Item::Record(raw) => raw.get().to_owned(),
                Item::Read(text, _) => text.to_owned(),
                Item::NotARecord(reason) => format!("!{reason}"),
            });
        });
        (outcome, items)
    }

    const A: &str = r#"{"eventTime":"2024-03-01T10:00:00Z","eventID":"a"}"#;
    const B: &str = r#"{"eventTime":"2024-03-01T10:00:01Z","eventID":"b"}"#;

    #[test]
    fn trail_file_records_are_streamed_in_order() {
        let (outcome, items) = run(r#"{"Records":[{"a":1}, 2, {"b":[3]}]}"#);
        assert_eq!(
            (outcome.kind, outcome.shape),
            (ContainerKind::Trail, Shape::TrailFile)
        );
        assert!(outcome.fault.is_none());
        assert_eq!(items, [r#"{"a":1}"#, "2", r#"{"b":[3]}"#]);
    }

    #[test]
    fn a_cut_trail_file_keeps_the_records_before_the_cut() {
        let (outcome, items) = run(r#"{"Records":[{"a":1},{"b":2},{"c":"#);
        assert_eq!(items.len(), 2);
        assert_eq!(outcome.shape, Shape::TrailFile);
        assert!(outcome.fault.unwrap().contains("ends early"));
    }

    #[test]
    fn digests_and_other_json_are_told_apart() {
        assert_eq!(
            run(r#"{"digestStartTime":"x","logFiles":[]}"#).0.kind,
            ContainerKind::Digest
        );
        let (other, items) = run(r#"{"hello":"world"}"#);
        assert_eq!(other.kind, ContainerKind::Other);
        assert!(items.is_empty());
        assert_eq!(run("[1,2]").0.kind, ContainerKind::Other);
        assert_eq!(run("not json").0.kind, ContainerKind::Other);
    }

    #[test]
    fn garbage_after_a_trail_file_is_a_fault_with_an_offset() {
        let (outcome, items) = run(r#"{"Records":[{"a":1}]} trailing"#);
        assert_eq!(items.len(), 1);
        let fault = outcome.fault.unwrap();
        // The garbage starts at byte 22; the parser notices two bytes into it.
        assert!(fault.starts_with("invalid JSON at byte 2"), "{fault}");
    }

    #[test]
    fn a_broken_record_inside_records_is_counted_lost_and_reading_resumes() {
        let broken = r#"{"eventTime":"2024-03-01T10:00:02Z","eventID":"c", oops,"resources":[{"ARN":"x"},{"ARN":"y"}]}"#;
        let text = format!("{{\"Records\":[{A},{broken},{B}]}}");
        let (outcome, items) = run(&text);
        assert_eq!(outcome.shape, Shape::TrailFile);
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0], A);
        assert!(
            items[1].starts_with("!lost to invalid JSON at byte"),
            "{}",
            items[1]
        );
        assert_eq!(items[2], B);

        // Pretty-printed, the same.
        let pretty = format!("{{\n  \"Records\": [\n    {A},\n    {broken},\n    {B}\n  ]\n}}\n");
        let (_, items) = run(&pretty);
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[2], B);

        // Nothing readable after the fault: the loss is counted and the fault reported.
        let (outcome, items) = run(&format!("{{\"Records\":[{A},{broken}]}}"));
        assert_eq!(items.len(), 2);
        assert!(outcome
            .fault
            .unwrap()
            .contains("no record could be read after it"));

        // Two records broken together: both eventIDs count as lost.
        let two = r#"{"eventID":"d","eventTime":"x" oops},{"eventID":"e","eventTime":"x" oops}"#;
        let (_, items) = run(&format!("{{\"Records\":[{A},{two},{B}]}}"));
        assert_eq!(
            items
                .iter()
                .filter(|item| item.starts_with("!lost"))
                .count(),
            2,
            "{items:?}"
        );
    }

    #[test]
    fn a_bare_array_a_single_record_and_concatenated_records() {
        let (array, items) = run(&format!("[{A},{B}]"));
        assert_eq!(
            (array.kind, array.shape, items.len()),
            (ContainerKind::Trail, Shape::Array, 2)
        );
        let (single, items) = run(&format!("  {A}\n"));
        assert_eq!(
            (single.shape, items),
            (Shape::SingleRecord, vec![A.to_owned()])
        );
        let (concatenated, items) = run(&format!("{A}{B}"));
        assert_eq!((concatenated.shape, items.len()), (Shape::Lines, 2));
    }

    #[test]
    fn json_lines_resume_after_a_bad_line_and_count_it() {
        let text = format!("{A}\n\n{{\"eventTime\": oops}}\n{B}\n");
        let (outcome, items) = run(&text);
        assert_eq!(outcome.shape, Shape::Lines);
        assert!(outcome.fault.is_none(), "{:?}", outcome.fault);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0], A);
        assert!(
            items[1].starts_with("!line 3: invalid JSON at byte"),
            "{}",
            items[1]
        );
        assert_eq!(items[2], B);
    }

    #[test]
    fn a_cut_last_line_is_a_fault_after_the_complete_lines() {
        let (outcome, items) = run(&format!("{A}\n{B}\n{{\"eventTi"));
        assert_eq!(items, [A, B]);
        assert!(outcome.fault.unwrap().contains("ends early"));
    }

    #[test]
    fn lookup_events_pages_yield_their_embedded_records() {
        let page = |record: &str| {
            format!(
                r#"{{"Events":[{{"EventId":"x","CloudTrailEvent":{}}}],"NextToken":"t"}}"#,
                serde_json::to_string(record).unwrap()
            )
        };
        let (outcome, items) = run(&format!("{}\n{}", page(A), page(B)));
        assert_eq!(
            (outcome.kind, outcome.shape),
            (ContainerKind::Trail, Shape::Lines)
        );
        assert_eq!(items, [A, B]);
        let (one, items) = run(&page(A));
        assert_eq!((one.shape, items.len()), (Shape::LookupEvents, 1));
        let (_, broken) = run(r#"{"Events":[{"EventId":"x"},{"CloudTrailEvent":"{nope"}]}"#);
        assert!(
            broken[0].starts_with("!lookup event without"),
            "{}",
            broken[0]
        );
        assert!(
            broken[1].starts_with("!CloudTrailEvent is not valid JSON"),
            "{}",
            broken[1]
        );
    }

    #[test]
    fn eventbridge_and_cloudwatch_logs_envelopes_are_opened() {
        let bridge = format!(
            r#"{{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":{A}}}"#
        );
        let (outcome, items) = run(&bridge);
        assert_eq!(
            (outcome.shape, items),
            (Shape::EventBridge, vec![A.to_owned()])
        );
        let (lines, items) = run(&format!("{bridge}\n{bridge}\n"));
        assert_eq!((lines.shape, items.len()), (Shape::Lines, 2));

        let message = |record: &str| serde_json::to_string(record).unwrap();
        let logs = format!(
            r#"{{"messageType":"DATA_MESSAGE","logGroup":"CloudTrail/logs","logEvents":[{{"id":"1","timestamp":1,"message":{}}},{{"id":"2","timestamp":2,"message":{}}}]}}"#,
            message(A),
            message(B)
        );
        let (outcome, items) = run(&logs);
        assert_eq!(
            (outcome.shape, items),
            (Shape::CloudWatchLogs, vec![A.to_owned(), B.to_owned()])
        );
        let control = r#"{"messageType":"CONTROL_MESSAGE","logEvents":[{"message":"CWL CONTROL MESSAGE: Checking health"}]}"#;
        let (outcome, items) = run(control);
        assert_eq!((outcome.kind, items.len()), (ContainerKind::Trail, 0));
    }

    #[test]
    fn other_values_beside_records_are_counted_as_records_that_could_not_be_read() {
        let (outcome, items) = run(&format!("{A}\n{{\"hello\":1}}\n42\n"));
        assert_eq!(outcome.kind, ContainerKind::Trail);
        assert_eq!(items.len(), 3);
        assert!(items[1].starts_with("!not a CloudTrail record"));
    }

    #[test]
    fn deep_nesting_is_delivered_without_overflowing_the_stack() {
        let text = format!(
            "{{\"Records\":[{}{}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (outcome, records) = run(&text);
        assert!(outcome.fault.is_none());
        assert_eq!(records.len(), 1);
        let (outcome, _) = run(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
        assert_eq!(outcome.kind, ContainerKind::Other);
    }

    /// What `text` reads as with and without the one-pass reading of plain trail files: the
    /// outcome and every item, each record as the normaliser makes it.
    fn read_both_ways(text: &str) -> [String; 2] {
        [true, false].map(|one_pass| {
            let mut items = Vec::new();
            let mut on_item = |item: Item<'_>| {
                items.push(match item {
                    Item::Record(raw) => format!("{} {:?}", raw.get(), normalize(raw)),
                    Item::Read(text, record) => {
                        format!("{text} {:?}", Ok::<_, String>(normalize_record(record)))
                    }
                    Item::NotARecord(reason) => format!("!{reason}"),
                });
            };
            let outcome = read_segment_with(text, Origin::default(), &mut on_item, one_pass);
            format!("{outcome:?} {items:?}")
        })
    }

    #[test]
    fn a_plain_trail_file_read_in_one_pass_reads_as_it_does_in_full() {
        let template = r#" {"Records": [ {"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/s","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::1:role/R"}}},"eventTime":"2024-03-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"10.0.0.1","userAgent":"aws-cli/2 \"q\" \u00e9","requestParameters":{"bucketName":"b","key":"a,b]}"},"responseElements":null,"readOnly":true,"resources":[{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}],"eventID":"e1","n":[1,2.5e3,-0,true,false,null]},
 {"eventTime":"2024-03-01T10:00:01Z","eventID":"e2","errorCode":"AccessDenied","errorMessage":"no \\ way"}
 ] }
"#;
        let mut cases: Vec<String> = [
            template,
            r#"{"Records":[]}"#,
            r#"{"Records":[{}]}"#,
            r#"{"Records":[{"a":1},]}"#,
            r#"{"Records":[{"a":1}, 2]}"#,
            r#"{"Records":[{"eventID":"a","eventID":"b"}]}"#,
            r#"{"Records":[{"a":1}],"Records":[{"b":2}]}"#,
            r#"{"Records":[{"a":1}],"digest":true}"#,
            r#"{"x":1,"Records":[{"a":1}]}"#,
            r#"{"Records":[{"a":1}]}{"Records":[{"b":2}]}"#,
            r#"{"Records":[{"a":1}]} x"#,
            r#"{"Records":[{"a":1}"#,
            r#"{"Records":[{"a":1} {"b":2}]}"#,
        ]
        .map(str::to_owned)
        .to_vec();
        // Thousands of small damages to the template: most leave it not plain, some still plain.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut draw = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap_or(0)
        };
        let significant = b"{}[],:\"\\ 0aE\n";
        for _ in 0..4000 {
            let mut bytes = template.as_bytes().to_vec();
            for _ in 0..=draw(2) {
                let at = draw(bytes.len());
                let byte = significant[draw(significant.len())];
                match draw(3) {
                    0 => drop(bytes.remove(at)),
                    1 => bytes.insert(at, byte),
                    _ => bytes[at] = byte,
                }
            }
            cases.extend(String::from_utf8(bytes).ok());
        }
        let mut plain = 0;
        for case in &cases {
            let [one_pass, in_full] = read_both_ways(case);
            assert_eq!(one_pass, in_full, "{case}");
            plain += usize::from(plain_trail(case.trim_start()).is_some());
        }
        assert!(plain > 200, "only {plain} cases read in one pass");
    }
}
