//! One file read as a stream of chunks, however large: bytes are inflated as they arrive, the
//! text is cut between records into pieces of about [`DEFAULT_PIECE_BYTES`], and each piece is
//! read as soon as it is complete. A file is never held whole, compressed or not; what is held
//! at once is one piece and the chunk being decoded.
//!
//! Text that cannot be cut (CSV, an object whose first key is not `Records`, text that is not
//! JSON) is held whole, up to the per-file limit. Every record read is accounted for in the
//! file's [`FileReport`], exactly as if the file had been read in one go.

use std::borrow::Cow;

use crate::analytics::ingest::container::{
    read_more_values, read_segment, stray_reason, ContainerKind, Item, Origin, Shape,
};
use crate::analytics::ingest::decode::{gzip_size_hint, Inflow};
use crate::analytics::ingest::split::{Layout, Splitter};
use crate::analytics::ingest::{
    finish, place_read_record, place_record, reject, FileReport, FileStatus, RejectReason,
    DIGEST_MESSAGE, MAX_REASONS,
};
use crate::analytics::raw_arena::Reread;
use crate::analytics::store::RecordSink;

/// How much decoded text is gathered before a piece is cut off and read.
pub const DEFAULT_PIECE_BYTES: usize = 8 << 20;

/// A unit (one record, one line) larger than this is cut anyway, wherever it is.
const MAX_UNIT_BYTES: usize = 64 << 20;

/// How many parse faults a report lists before it only counts them.
const MAX_FAULTS: usize = 3;

/// A file being read.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // independent facts about one read, not one state
pub struct FileIngest {
    file_idx: u32,
    report: FileReport,
    /// The path with `/` separators.
    normalized_path: String,
    max_decoded_bytes: usize,
    piece_bytes: usize,
    /// Set for a digest recognised by its path: its bytes are not read.
    digest_by_path: bool,
    inflow: Inflow,
    /// Decoded text not read yet.
    pending: Vec<u8>,
    /// Whether a byte-order mark at the start has been looked for.
    bom_checked: bool,
    /// Whether one was found (and left out of the text).
    bom_dropped: bool,
    /// Whether the file can be read again for its records' text (not an archive's entry).
    rereadable: bool,
    /// The file offset of `pending[0]` (in the text, after any byte-order mark).
    pending_offset: usize,
    /// Lines before `pending[0]`.
    pending_line: usize,
    splitter: Splitter,
    /// Set when the text can no longer be read (not UTF-8, or held whole past the limit).
    stopped: bool,
    /// Set when the bytes stopped arriving early: what arrived is still read.
    interrupted: bool,
    /// Problems with the bytes or the text: the records before them still count.
    decode_problems: Vec<String>,
    n_pieces: u64,
    saw_trail: bool,
    saw_digest: bool,
    shape: Option<Shape>,
    faults: Vec<String>,
    n_faults: usize,
    strays: u64,
    first_stray: Option<String>,
    reasons: Vec<RejectReason>,
}

impl FileIngest {
    /// Starts reading the file `path` of `size_bytes` bytes, whose report will be `file_idx`.
    pub fn new(file_idx: u32, path: &str, size_bytes: u64, max_decoded_bytes: usize) -> Self {
        let normalized_path = path.replace('\\', "/");
        let digest_by_path = normalized_path.contains("/CloudTrail-Digest/")
            || normalized_path.starts_with("CloudTrail-Digest/");
        Self {
            file_idx,
            report: FileReport::new(path, size_bytes),
            normalized_path,
            max_decoded_bytes,
            piece_bytes: DEFAULT_PIECE_BYTES,
            digest_by_path,
            inflow: Inflow::new(max_decoded_bytes),
            pending: Vec::new(),
            bom_checked: false,
            bom_dropped: false,
            rereadable: true,
            pending_offset: 0,
            pending_line: 0,
            splitter: Splitter::default(),
            stopped: digest_by_path,
            interrupted: false,
            decode_problems: Vec::new(),
            n_pieces: 0,
            saw_trail: false,
            saw_digest: false,
            shape: None,
            faults: Vec::new(),
            n_faults: 0,
            strays: 0,
            first_stray: None,
            reasons: Vec::new(),
        }
    }

    /// Sets how much text is gathered before a piece is read (at least one byte); smaller
    /// pieces cost only speed, which is how tests cut files everywhere.
    #[must_use]
    pub fn with_piece_bytes(mut self, piece_bytes: usize) -> Self {
        self.piece_bytes = piece_bytes.max(1);
        self
    }

    /// Says the file cannot be read again (an entry of an archive): its records' text is
    /// always handed over, never left in it.
    #[must_use]
    pub fn not_rereadable(mut self) -> Self {
        self.rereadable = false;
        self
    }

    /// The report so far (records read up to the last piece).
    pub fn report(&self) -> &FileReport {
        &self.report
    }

    /// Reads the next bytes of the file, storing the records of every piece they complete.
    pub fn push(&mut self, store: &mut dyn RecordSink, bytes: &[u8]) {
        if self.stopped || self.interrupted {
            return;
        }
        if self.inflow.decoded_bytes() == 0 && bytes.len() as u64 == self.report.size_bytes {
            // The whole file at once: its gzip trailer says how much room its text needs.
            if let Some(size) = gzip_size_hint(bytes) {
                let cap = self
                    .max_decoded_bytes
                    .min(self.piece_bytes.saturating_mul(2));
                self.pending.reserve(size.min(cap));
            }
        }
        self.inflow.push(bytes, &mut self.pending);
        self.drop_bom();
        while !self.stopped && self.pending.len() >= self.piece_bytes {
            let Some(cut) = self.splitter.scan(&self.pending) else {
                self.hold_or_force(store);
                break;
            };
            self.read_piece(store, cut.end, false);
            self.take(cut.next);
            self.splitter.taken(cut.next);
        }
    }

    /// No place to cut yet: wait for more text, unless it has grown past what may be held.
    fn hold_or_force(&mut self, store: &mut dyn RecordSink) {
        match self.splitter.layout() {
            Layout::Unknown | Layout::Whole => {
                if self.pending.len() > self.max_decoded_bytes {
                    self.pending.truncate(self.max_decoded_bytes);
                    self.decode_problems.push(format!(
                        "more than {} MB that cannot be read in pieces (not a trail file, JSON array or JSON lines), the per-file limit; only the first {} MB were read (raise the limit in the Files panel and load the file again)",
                        self.max_decoded_bytes >> 20,
                        self.max_decoded_bytes >> 20
                    ));
                    self.inflow.stop();
                    let end = self.pending.len();
                    self.read_piece(store, end, true);
                    self.stopped = true;
                }
            }
            Layout::Records | Layout::Array | Layout::Values => {
                if self.pending.len() >= MAX_UNIT_BYTES.max(self.piece_bytes) {
                    // One unit this large is malformed or not CloudTrail: read what there is
                    // (the reader finds and counts the damage) and go on after it.
                    let end = self.pending.len();
                    self.read_piece(store, end, false);
                    self.take(end);
                    self.splitter.taken(end);
                }
            }
        }
    }

    /// Ends the file and returns its report.
    pub fn finish(mut self, store: &mut dyn RecordSink) -> FileReport {
        if self.digest_by_path {
            self.report.format = "digest";
            return finish(
                self.report,
                FileStatus::Digest,
                &[DIGEST_MESSAGE.to_owned()],
            );
        }
        if !self.stopped && !self.interrupted {
            self.inflow.finish(&mut self.pending);
            self.drop_bom();
        }
        if self.report.size_bytes == 0 && self.pending.is_empty() && self.n_pieces == 0 {
            return finish(
                self.report,
                FileStatus::Rejected,
                &["empty file".to_owned()],
            );
        }
        let only_space = self.pending.iter().all(u8::is_ascii_whitespace);
        if !self.stopped && (self.n_pieces == 0 || !only_space) {
            let end = self.pending.len();
            self.read_piece(store, end, true);
        }
        self.conclude()
    }

    /// Says the rest of the file could not be had (`reason`): what arrived is read at
    /// [`FileIngest::finish`], and the file is partial at best.
    pub fn interrupt(&mut self, reason: String) {
        if !self.interrupted && !self.stopped {
            self.decode_problems.push(reason);
        }
        self.interrupted = true;
        self.inflow.stop();
    }

    /// Skips a UTF-8 byte-order mark at the very start of the text.
    fn drop_bom(&mut self) {
        if self.bom_checked || self.pending.len() < 3 {
            return;
        }
        self.bom_checked = true;
        if self.pending.starts_with(&[0xef, 0xbb, 0xbf]) {
            self.pending.drain(..3);
            self.bom_dropped = true;
        }
    }

    /// Forgets the first `taken` bytes of pending text.
    fn take(&mut self, taken: usize) {
        let taken = taken.min(self.pending.len());
        #[allow(clippy::naive_bytecount)] // once per piece; not worth a crate
        let lines = self
            .pending
            .get(..taken)
            .unwrap_or_default()
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count();
        self.pending.drain(..taken);
        self.pending_offset += taken;
        self.pending_line += lines;
    }

    /// Reads `pending[..end]` as a piece: with the layout's prefix unless it is the first, and
    /// its suffix unless it is the last.
    fn read_piece(&mut self, store: &mut dyn RecordSink, end: usize, last: bool) {
        let layout = self.splitter.layout();
        let prefix = if self.n_pieces == 0 {
            ""
        } else {
            layout.prefix()
        };
        let bytes = self.pending.get(..end).unwrap_or_default();
        if !last && bytes.iter().all(u8::is_ascii_whitespace) {
            // Only the space between two units: nothing to read.
            return;
        }
        let (valid, last) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, last),
            Err(error) => {
                let valid_up_to = error.valid_up_to();
                // A cut stream often ends inside a multi-byte character; that is not a fault.
                let ends_inside_a_character =
                    last && self.inflow.problem().is_some() && bytes.len() - valid_up_to < 4;
                if !ends_inside_a_character {
                    self.decode_problems.push(format!(
                        "not UTF-8 text: invalid byte sequence at byte {}",
                        self.pending_offset + valid_up_to
                    ));
                    self.stopped = true;
                    self.inflow.stop();
                }
                let valid = bytes
                    .get(..valid_up_to)
                    .and_then(|valid| std::str::from_utf8(valid).ok())
                    .unwrap_or_default();
                (valid, true)
            }
        };
        let suffix = if last { "" } else { layout.suffix() };
        let text: Cow<'_, str> = if prefix.is_empty() && suffix.is_empty() {
            Cow::Borrowed(valid)
        } else {
            Cow::Owned([prefix, valid, suffix].concat())
        };
        let origin = Origin {
            byte: self.pending_offset.saturating_sub(prefix.len()),
            line: self.pending_line,
            more_follows: !last,
        };

        let (file_idx, report, reasons) = (self.file_idx, &mut self.report, &mut self.reasons);
        // Where a record's text starts in the file's decoded text, when it is a slice of it.
        let piece = text.as_bytes().as_ptr_range();
        let (rereadable, origin_byte) = (self.rereadable, origin.byte);
        let at = |raw: &str| {
            let range = raw.as_bytes().as_ptr_range();
            let inside = piece.start <= range.start && range.end <= piece.end;
            (rereadable && inside)
                .then(|| (origin_byte + (range.start as usize - piece.start as usize)) as u64)
        };
        let on_item = &mut |item: Item<'_>| match item {
            Item::Record(raw) => {
                place_record(store, file_idx, (raw, at(raw.get())), report, reasons);
            }
            Item::Read(text, record) => {
                place_read_record(store, file_idx, (text, at(text)), record, report);
            }
            Item::NotARecord(reason) => {
                report.read += 1;
                reject(report, reasons, reason);
            }
        };
        let outcome = if layout == Layout::Values && self.n_pieces > 0 {
            read_more_values(&text, origin, on_item)
        } else {
            read_segment(&text, origin, on_item)
        };
        self.n_pieces += 1;
        self.saw_trail |= outcome.kind == ContainerKind::Trail;
        self.saw_digest |= outcome.kind == ContainerKind::Digest;
        if matches!(self.shape, None | Some(Shape::Unknown)) {
            self.shape = Some(outcome.shape);
        }
        if let Some(fault) = outcome.fault {
            self.n_faults += 1;
            if self.faults.len() < MAX_FAULTS {
                self.faults.push(fault);
            }
        }
        self.strays += outcome.strays;
        if self.first_stray.is_none() {
            self.first_stray = outcome.first_stray;
        }
    }

    /// The file's status and message, from everything its pieces said.
    fn conclude(mut self) -> FileReport {
        let kind = if self.saw_trail {
            ContainerKind::Trail
        } else if self.saw_digest {
            ContainerKind::Digest
        } else {
            ContainerKind::Other
        };
        if kind == ContainerKind::Trail {
            // Beside records, anything else is a record that could not be read.
            let reason = stray_reason(self.first_stray.as_deref().unwrap_or_default());
            for _ in 0..self.strays {
                self.report.read += 1;
                reject(&mut self.report, &mut self.reasons, reason.clone());
            }
        }
        let mut report = self.report;
        report.decoded_bytes = self.inflow.decoded_bytes();
        report.reread = self.rereadable.then_some(if self.inflow.was_gzip() {
            Reread::Whole
        } else {
            Reread::Slice {
                skip: if self.bom_dropped { 3 } else { 0 },
            }
        });
        let mut reasons = self.reasons;
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        reasons.truncate(MAX_REASONS);
        report.reasons = reasons;

        let mut decode_problems: Vec<String> = self
            .inflow
            .problem()
            .map(str::to_owned)
            .into_iter()
            .collect();
        decode_problems.extend(self.decode_problems);
        let mut problems = decode_problems.clone();
        problems.extend(self.faults);
        if self.n_faults > MAX_FAULTS {
            problems.push(format!(
                "and {} more places where the JSON is invalid",
                self.n_faults - MAX_FAULTS
            ));
        }
        let mut shape = self.shape.unwrap_or(Shape::Unknown);
        if shape != Shape::Unknown && self.n_pieces > 1 && self.splitter.layout() == Layout::Values
        {
            // Several values one after another, as reading the file whole would say.
            shape = Shape::Lines;
        }
        report.format = shape.label();
        let was_gzip = self.inflow.was_gzip();
        let status = match kind {
            ContainerKind::Digest => {
                report.format = "digest";
                return finish(report, FileStatus::Digest, &[DIGEST_MESSAGE.to_owned()]);
            }
            ContainerKind::Other => {
                let unreadable = report.read == 0
                    && !was_gzip
                    && decode_problems.is_empty()
                    && !problems.is_empty();
                problems.insert(
                    0,
                    if unreadable {
                        "not JSON, or not a CloudTrail file".to_owned()
                    } else {
                        "no CloudTrail records found: not a trail file, a record, JSON lines of records, lookup-events output, an EventBridge event or a CloudWatch Logs message".to_owned()
                    },
                );
                FileStatus::Rejected
            }
            ContainerKind::Trail => {
                let all_rejected = report.read > 0 && report.rejected == report.read;
                if all_rejected || (report.read == 0 && !problems.is_empty()) {
                    FileStatus::Rejected
                } else if report.rejected > 0 || !problems.is_empty() {
                    FileStatus::Partial
                } else {
                    FileStatus::Ok
                }
            }
        };
        if report.rejected > 0 {
            problems.push(rejected_summary(&report));
        }
        // A misleading name is worth saying even when the content read cleanly.
        let extension = self.normalized_path.rsplit('.').next().unwrap_or_default();
        let named_gzip =
            extension.eq_ignore_ascii_case("gz") || extension.eq_ignore_ascii_case("gzip");
        if named_gzip && !was_gzip && status != FileStatus::Rejected {
            problems.insert(
                0,
                "not gzip despite its name: read as plain text".to_owned(),
            );
        }
        finish(report, status, &problems)
    }
}

/// "n of m records rejected: reasons", for the file's message.
fn rejected_summary(report: &FileReport) -> String {
    let listed: Vec<String> = report
        .reasons
        .iter()
        .map(|reason| {
            if reason.count > 1 {
                format!("{} (×{})", reason.reason, reason.count)
            } else {
                reason.reason.clone()
            }
        })
        .collect();
    format!(
        "{} of {} records rejected: {}",
        report.rejected,
        report.read,
        listed.join("; ")
    )
}
