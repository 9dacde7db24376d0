//! Files read elsewhere (in a worker, with its own copy of the analytics), handed over as one
//! byte buffer: the files' reports and every record they held, already normalised, with its
//! text. The receiving [`Store`] places the records itself, so de-duplication across files and
//! the ledger come out exactly as if the files had been read there, in the order absorbed.
//!
//! The reader in the worker decides what a file is, what each record holds and what is
//! rejected; the store decides what is kept. A report leaves the worker without its placement
//! counts (`indexed`, `duplicates`, `conflicts`, time span), which absorbing fills in.
//!
//! The records' text travels in blocks of about 64 KB, which the page appends to its record-text
//! arena as they are; each record names its block and place. Once the page keeps no more text
//! (past its budget), a record whose text is a slice of its file travels without it: only where
//! it is in the file's decoded text, and its length. Every record carries its text's hash.
//!
//! A record's field values travel as ids into the shard's own tables, one per
//! field, each holding the distinct values in order of first use.
//! The page interns each table's values once and maps the records' ids, rather than hashing
//! every value of every record again.
//!
//! Layout (little-endian): `TVS4`, the number of reports, each report, the number of text
//! blocks, each block (length, bytes), the number of value tables, each table (the number
//! of values, then each value), then records until the end. A string is a `u32` length and
//! UTF-8 bytes; a value id is a LEB128 number. A plain block is validated as UTF-8 once, whole.
//! A buffer whose reports, blocks or tables do not decode is refused whole with a reason;
//! nothing of it is placed.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::analytics::bytes::{put_str, put_u32, put_varint, Reader};
use crate::analytics::ingest::container::Shape;
use crate::analytics::ingest::normalize::{Normalized, TimeSource};
use crate::analytics::ingest::{count_placement, FileReport, FileStatus, RejectReason};
use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::raw_arena::{text_hash, Reread, BLOCK_BYTES};
use crate::analytics::store::{Placement, RecordSink, ShardText, Store, ValueIds};

const MAGIC: &[u8; 4] = b"TVS4";

/// Value tables in a shard: one per [`Field`].
const N_TABLES: usize = Field::COUNT;

/// A shard's distinct values of one field, in order of first use.
#[derive(Debug, Default)]
struct ValueTable {
    ids: FxHashMap<Box<str>, u32>,
    /// The values, encoded, in id order.
    encoded: Vec<u8>,
}

impl ValueTable {
    /// The id of `value`, added if new.
    fn id(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(value.into(), id);
        put_str(&mut self.encoded, value);
        id
    }
}

/// Records written for a shard, in the order found.
#[derive(Debug)]
pub struct ShardWriter {
    records: Vec<u8>,
    /// The text block being filled.
    open: String,
    /// Sealed text blocks, encoded.
    blocks: Vec<u8>,
    n_blocks: u32,
    /// Whether text that is a slice of its file is sent anyway (the page still keeps text).
    keep_text: bool,
    /// The records' values, by field.
    tables: [ValueTable; N_TABLES],
}

impl Default for ShardWriter {
    fn default() -> Self {
        Self {
            records: Vec::new(),
            open: String::new(),
            blocks: Vec::new(),
            n_blocks: 0,
            keep_text: true,
            tables: Default::default(),
        }
    }
}

impl RecordSink for ShardWriter {
    fn place(
        &mut self,
        record: &Normalized<'_>,
        raw: &str,
        file_idx: u32,
        at: Option<u64>,
    ) -> Placement {
        let text = if let Some(at) = at.filter(|_| !self.keep_text) {
            ShardText::InFile {
                at,
                len: raw.len() as u32,
            }
        } else {
            if !self.open.is_empty() && self.open.len() + raw.len() > BLOCK_BYTES {
                self.seal();
            }
            let start = self.open.len() as u32;
            self.open.push_str(raw);
            ShardText::Block {
                block: self.n_blocks,
                start,
                len: raw.len() as u32,
                at,
            }
        };
        let out = &mut self.records;
        put_u32(out, file_idx);
        out.extend_from_slice(&record.time.unwrap_or(UNDATED).to_le_bytes());
        out.push(match record.read_only {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
        put_str(out, &record.event_id);
        for (table, value) in self.tables.iter_mut().zip(&record.values) {
            put_varint(out, table.id(value));
        }
        put_u32(out, record.resource_arns.len() as u32);
        for arn in &record.resource_arns {
            put_str(out, arn);
        }
        match text {
            ShardText::Block {
                block,
                start,
                len,
                at,
            } => {
                out.push(if at.is_some() { 2 } else { 0 });
                for number in [block, start, len] {
                    put_u32(out, number);
                }
                if let Some(at) = at {
                    out.extend_from_slice(&at.to_le_bytes());
                }
            }
            ShardText::InFile { at, len } => {
                out.push(1);
                out.extend_from_slice(&at.to_le_bytes());
                put_u32(out, len);
            }
        }
        out.extend_from_slice(&text_hash(raw).to_le_bytes());
        // Provisional: the store that absorbs the shard decides.
        Placement::Indexed
    }
}

impl ShardWriter {
    /// Whether text that is a slice of its file is sent anyway (as long as the receiving page
    /// keeps text) or left in the file.
    pub fn set_keep_text(&mut self, keep_text: bool) {
        self.keep_text = keep_text;
    }

    /// Ends the open text block.
    fn seal(&mut self) {
        if self.open.is_empty() {
            return;
        }
        put_u32(&mut self.blocks, self.open.len() as u32);
        self.blocks.extend_from_slice(self.open.as_bytes());
        self.n_blocks += 1;
        self.open.clear();
    }

    /// The shard of `reports` and the records written, leaving the writer empty.
    pub fn finish(&mut self, reports: &[FileReport]) -> Vec<u8> {
        self.seal();
        let table_bytes: usize = self
            .tables
            .iter()
            .map(|table| table.encoded.len() + 4)
            .sum();
        let mut out = Vec::with_capacity(
            self.records.len() + self.blocks.len() + table_bytes + 256 * reports.len() + 16,
        );
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, reports.len() as u32);
        for report in reports {
            put_report(&mut out, report);
        }
        put_u32(&mut out, self.n_blocks);
        out.append(&mut self.blocks);
        put_u32(&mut out, N_TABLES as u32);
        for table in &mut self.tables {
            put_u32(&mut out, table.ids.len() as u32);
            out.append(&mut table.encoded);
            table.ids.clear();
        }
        out.append(&mut self.records);
        self.n_blocks = 0;
        out
    }
}

/// Places the records of `shard` in `store` and returns its reports, complete, with their
/// file indexes counted from `first_file_idx`.
///
/// A shard whose reports do not decode is refused whole. Should its records stop decoding
/// part-way, the records not placed are counted as rejected, with the reason, in their files'
/// reports, so the ledger still balances.
pub fn absorb(
    store: &mut Store,
    shard: &[u8],
    first_file_idx: u32,
) -> Result<Vec<FileReport>, String> {
    let mut reader = Reader::new(shard, "shard");
    if reader.take(4)? != MAGIC {
        return Err("not a trailview shard".to_owned());
    }
    let n_reports = reader.u32()? as usize;
    let mut reports = Vec::with_capacity(n_reports.min(1 << 16));
    for _ in 0..n_reports {
        reports.push(read_report(&mut reader)?);
    }
    // The text blocks, whole, before anything is placed.
    let n_blocks = reader.u32()?;
    let mut blocks = Vec::with_capacity(n_blocks.min(1 << 16) as usize);
    for _ in 0..n_blocks {
        blocks.push(read_block(&mut reader)?);
    }
    let n_tables = reader.u32()? as usize;
    if n_tables != N_TABLES {
        return Err(format!(
            "{n_tables} value tables in a shard, where {N_TABLES} were expected"
        ));
    }
    let mut tables: Vec<Vec<&str>> = Vec::with_capacity(N_TABLES);
    for _ in 0..N_TABLES {
        let n_values = reader.u32()? as usize;
        let mut values = Vec::with_capacity(n_values.min(reader.remaining() / 4));
        for _ in 0..n_values {
            values.push(reader.str()?);
        }
        tables.push(values);
    }
    // Each table's values, interned once: value `i` of table `t` is id `ids[t][i]` of the store.
    let ids: Vec<Vec<u32>> = tables
        .iter()
        .enumerate()
        .map(|(table, values)| {
            values
                .iter()
                .map(|value| store.intern_value(table, value))
                .collect()
        })
        .collect();
    let mut blocks = ShardBlocks::new(blocks);
    while !reader.done() {
        let record = match read_record(&mut reader, &ids) {
            Ok(record) if (record.file_idx as usize) < reports.len() => record,
            Ok(record) => {
                let reason = format!(
                    "a record of file {} in a shard of {} files",
                    record.file_idx,
                    reports.len()
                );
                lost_rest(&mut reports, &reason);
                break;
            }
            Err(reason) => {
                lost_rest(&mut reports, &reason);
                break;
            }
        };
        let Some(text) = blocks.place(store, record.text) else {
            lost_rest(
                &mut reports,
                &format!("a record's text outside its block at byte {}", reader.at()),
            );
            break;
        };
        let report = &mut reports[record.file_idx as usize];
        let placement = store.place_spanned(
            &record.normalized,
            ValueIds {
                values: &record.values,
            },
            text,
            record.hash,
            first_file_idx + record.file_idx,
        );
        count_placement(report, placement, record.normalized.time);
    }
    Ok(reports)
}

/// A shard's text blocks while its records are placed: block `i` becomes a block of the store
/// once a record kept there needs it (once the store lets go of text that is a slice of its
/// file, a block may hold only such text, and is then never appended).
struct ShardBlocks {
    texts: Vec<Option<String>>,
    lens: Vec<u32>,
    appended: Vec<Option<u32>>,
}

impl ShardBlocks {
    fn new(blocks: Vec<String>) -> Self {
        Self {
            lens: blocks.iter().map(|block| block.len() as u32).collect(),
            appended: vec![None; blocks.len()],
            texts: blocks.into_iter().map(Some).collect(),
        }
    }

    /// Where a record's text goes in `store`: its shard block (appended on first use), or its
    /// file when the store keeps no more text that is a slice of a file; `None` for text
    /// outside its block.
    fn place(&mut self, store: &mut Store, text: ShardText) -> Option<ShardText> {
        let ShardText::Block {
            block,
            start,
            len,
            at,
        } = text
        else {
            return Some(text);
        };
        let block_len = *self.lens.get(block as usize)?;
        if u64::from(start) + u64::from(len) > u64::from(block_len) {
            return None;
        }
        if let (Some(at), false) = (at, store.takes_text_with_place()) {
            return Some(ShardText::InFile { at, len });
        }
        let slot = self.appended.get_mut(block as usize)?;
        let appended = if let Some(appended) = *slot {
            appended
        } else {
            let text = self
                .texts
                .get_mut(block as usize)?
                .take()
                .unwrap_or_default();
            *slot.insert(store.append_text_block(text))
        };
        Some(ShardText::Block {
            block: appended,
            start,
            len,
            at,
        })
    }
}

/// Counts the records a shard's reports say were read but that were never placed.
fn lost_rest(reports: &mut [FileReport], reason: &str) {
    for report in reports {
        let accounted = report.indexed + report.duplicates + report.rejected + report.held;
        let lost = report.read.saturating_sub(accounted);
        if lost > 0 {
            report.rejected += lost;
            report.reasons.push(RejectReason {
                reason: format!("lost on the way from the reading worker ({reason})"),
                count: lost,
            });
            if report.status == FileStatus::Ok {
                report.status = FileStatus::Partial;
            }
        }
    }
}

fn put_report(out: &mut Vec<u8>, report: &FileReport) {
    put_str(out, &report.path);
    out.extend_from_slice(&report.size_bytes.to_le_bytes());
    out.extend_from_slice(&report.decoded_bytes.to_le_bytes());
    out.push(match report.status {
        FileStatus::Ok => 0,
        FileStatus::Partial => 1,
        FileStatus::Rejected => 2,
        FileStatus::Digest => 3,
        FileStatus::Skipped => 4,
    });
    put_str(out, report.format);
    out.extend_from_slice(&report.read.to_le_bytes());
    out.extend_from_slice(&report.rejected.to_le_bytes());
    put_u32(out, report.reasons.len() as u32);
    for reason in &report.reasons {
        put_str(out, &reason.reason);
        out.extend_from_slice(&reason.count.to_le_bytes());
    }
    put_str(out, &report.message);
    out.push(match report.reread {
        None => 0,
        Some(Reread::Whole) => 1,
        Some(Reread::Slice { skip }) => 2 + skip,
    });
}

/// The report formats a shard can name (reports hold them as `&'static str`).
fn known_format(text: &str) -> Option<&'static str> {
    const OTHERS: [&str; 2] = ["digest", "zip archive"];
    Shape::ALL
        .iter()
        .map(|shape| shape.label())
        .chain(OTHERS)
        .find(|known| *known == text)
}

struct ShardRecord<'a> {
    file_idx: u32,
    /// The record, its values and error message left empty: they are the ids below.
    normalized: Normalized<'a>,
    /// The store's ids of its values, one per [`Field`].
    values: [u32; Field::COUNT],
    /// Where its text is: the shard's block, or its file.
    text: ShardText,
    /// Its text's hash.
    hash: u64,
}

fn read_report(reader: &mut Reader<'_>) -> Result<FileReport, String> {
    let path = reader.str()?;
    let size_bytes = reader.u64()?;
    let mut report = FileReport::new(path, size_bytes);
    report.decoded_bytes = reader.u64()?;
    report.status = match reader.u8()? {
        0 => FileStatus::Ok,
        1 => FileStatus::Partial,
        2 => FileStatus::Rejected,
        3 => FileStatus::Digest,
        4 => FileStatus::Skipped,
        other => return Err(format!("unknown file status {other} in a shard")),
    };
    let format = reader.str()?;
    report.format =
        known_format(format).ok_or_else(|| format!("unknown file format {format:?} in a shard"))?;
    report.read = reader.u64()?;
    report.rejected = reader.u64()?;
    let n_reasons = reader.u32()?;
    for _ in 0..n_reasons {
        let reason = reader.str()?.to_owned();
        let count = reader.u64()?;
        report.reasons.push(RejectReason { reason, count });
    }
    reader.str()?.clone_into(&mut report.message);
    report.reread = match reader.u8()? {
        0 => None,
        1 => Some(Reread::Whole),
        code @ 2..=5 => Some(Reread::Slice { skip: code - 2 }),
        other => {
            return Err(format!(
                "unknown way of reading a file again {other} in a shard"
            ))
        }
    };
    Ok(report)
}

fn read_record<'a>(reader: &mut Reader<'a>, ids: &[Vec<u32>]) -> Result<ShardRecord<'a>, String> {
    let file_idx = reader.u32()?;
    let time: Millis = i64::from_le_bytes(reader.array()?);
    let read_only = match reader.u8()? {
        0 => None,
        1 => Some(false),
        2 => Some(true),
        other => return Err(format!("unknown readOnly code {other} in a shard")),
    };
    let event_id = Cow::Borrowed(reader.str()?);
    let mut values = [0u32; N_TABLES];
    for (slot, table) in values.iter_mut().zip(ids) {
        let local = reader.varint()?;
        *slot = *table
            .get(local as usize)
            .ok_or_else(|| format!("value {local} outside its table of {}", table.len()))?;
    }
    let n_arns = reader.u32()? as usize;
    let mut resource_arns = Vec::with_capacity(n_arns.min(1 << 10));
    for _ in 0..n_arns {
        resource_arns.push(Cow::Borrowed(reader.str()?));
    }
    let text = match reader.u8()? {
        kind @ (0 | 2) => ShardText::Block {
            block: reader.u32()?,
            start: reader.u32()?,
            len: reader.u32()?,
            at: if kind == 2 { Some(reader.u64()?) } else { None },
        },
        1 => ShardText::InFile {
            at: reader.u64()?,
            len: reader.u32()?,
        },
        other => return Err(format!("unknown text place {other} in a shard")),
    };
    let hash = reader.u64()?;
    Ok(ShardRecord {
        file_idx,
        normalized: Normalized {
            time: (time != UNDATED).then_some(time),
            time_source: TimeSource::EventTime,
            event_id,
            values: Default::default(),
            read_only,
            resource_arns,
        },
        values,
        text,
        hash,
    })
}

/// One text block, as the store keeps it.
fn read_block(reader: &mut Reader<'_>) -> Result<String, String> {
    let at = reader.at();
    let len = reader.u32()? as usize;
    let bytes = reader.take(len)?;
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| format!("shard text block at byte {at} is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(event_id: &'a str, event_name: &'a str) -> Normalized<'a> {
        let mut values: [Cow<'a, str>; Field::COUNT] = Default::default();
        values[Field::EventName as usize] = Cow::Borrowed(event_name);
        Normalized {
            time: Some(1_700_000_000_000),
            time_source: TimeSource::EventTime,
            event_id: Cow::Borrowed(event_id),
            values,
            read_only: None,
            resource_arns: Vec::new(),
        }
    }

    /// A shard of three records of one file, two of them sharing their values.
    fn shard() -> (Vec<u8>, usize) {
        let mut writer = ShardWriter::default();
        for (event_id, name) in [("a", "GetObject"), ("b", "GetObject"), ("c", "PutObject")] {
            writer.place(&record(event_id, name), r#"{"x":1}"#, 0, None);
        }
        let records_len = writer.records.len();
        let mut report = FileReport::new("f.json", 100);
        report.read = 3;
        report.format = Shape::ALL[0].label();
        (writer.finish(&[report]), records_len)
    }

    #[test]
    fn values_travel_once_per_shard_and_come_back_as_the_stores_ids() {
        let (shard, _) = shard();
        // Each distinct value is written once: "GetObject" once, not twice.
        let text = String::from_utf8_lossy(&shard);
        assert_eq!(text.matches("GetObject").count(), 1);
        assert_eq!(text.matches("PutObject").count(), 1);
        let mut store = Store::new();
        store.intern_value(Field::EventName as usize, "Earlier");
        let reports = absorb(&mut store, &shard, 0).unwrap();
        assert_eq!(reports[0].indexed, 3);
        let names: Vec<&str> = (0..3)
            .map(|event_idx| store.value(Field::EventName, event_idx))
            .collect();
        assert_eq!(names, ["GetObject", "GetObject", "PutObject"]);
    }

    #[test]
    fn a_value_id_outside_its_table_loses_the_rest_with_the_reason() {
        let (mut shard, records_len) = shard();
        // The first record: file (4), time (8), readOnly (1), eventID "a" (4 + 1), then the id
        // of its first field's value, in a table of one value ("").
        let first_id = shard.len() - records_len + 4 + 8 + 1 + 5;
        shard[first_id] = 0x7f;
        let mut store = Store::new();
        let reports = absorb(&mut store, &shard, 0).unwrap();
        assert_eq!((reports[0].indexed, reports[0].rejected), (0, 3));
        assert!(
            reports[0].reasons[0]
                .reason
                .contains("value 127 outside its table of 1"),
            "{:?}",
            reports[0].reasons
        );
        assert_eq!(store.len(), 0);
    }
}
