//! The records' JSON text, for the detail view, exports and the search index. While the text
//! fits a budget it is kept, in blocks of about [`BLOCK_BYTES`]. Once it grows past the budget
//! the arena *lets go*: a record whose text is a verbatim slice of its file (every record of a
//! trail file, plain or gzipped), kept before or offered after, keeps only where that slice is
//! (its offset in the file's decoded text and its length) and the text stays in the file,
//! which is read again when the text is wanted. So a large load keeps no such text at all,
//! and a small one keeps all of it. A record whose text is not in its file as such (a row of a
//! CSV export, a record quoted inside a CloudWatch Logs message, an entry of a zip archive) is
//! always kept.
//!
//! Every record also keeps a 64-bit hash of its text (XXH3): identical copies are told apart
//! from different content without the text, and text read again from a file is checked
//! against it, so a file changed since it was loaded is never shown as the record it held.
//!
//! Text read again is *lent* to the arena ([`RawArena::lend`]): the decoded text of a range of
//! one file, kept until newer loans push it out (past [`LENT_BUDGET`], the newest
//! [`MIN_LENT`] always stay).

use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64;

use crate::analytics::bytes::{put_u32, Reader};

/// The size a block is filled to before the next one starts.
pub const BLOCK_BYTES: usize = 64 << 10;

/// How much record text is kept before records whose text is in their file keep only its place.
pub const DEFAULT_RESIDENT_BUDGET: usize = 256 << 20;

/// How many bytes of lent file text are kept before the oldest loans are dropped.
pub const LENT_BUDGET: usize = 96 << 20;

/// How many of the newest loans are kept whatever their size.
pub const MIN_LENT: usize = 4;

/// `Span::block` of a record whose text is in its file.
const IN_FILE: u32 = u32::MAX;

/// `RawArena::kept_at` of a kept record whose text is not a slice of its file.
const NO_PLACE: u64 = u64::MAX;

/// Where one record's text is: a block and its start in the block's text, or ([`IN_FILE`]) its
/// start in the decoded text of its file.
#[derive(Debug, Clone, Copy)]
struct Span {
    block: u32,
    len: u32,
    start: u64,
}

/// Why a record's text cannot be had now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// It is in its file, which has not been lent (read again) yet.
    NotLent,
    /// Its file was read again, but the text there is not the text loaded: the file changed.
    Changed,
}

/// The decoded text of one range of a file, read again.
#[derive(Debug)]
struct Loan {
    file_idx: u32,
    start: u64,
    bytes: Vec<u8>,
}

impl Loan {
    fn covers(&self, file_idx: u32, range: &Range<u64>) -> bool {
        self.file_idx == file_idx
            && self.start <= range.start
            && range.end <= self.start + self.bytes.len() as u64
    }
}

/// Every record's text or its place, in arrival order.
#[derive(Debug)]
pub struct RawArena {
    blocks: Vec<String>,
    spans: Vec<Span>,
    hashes: Vec<u64>,
    /// Bytes of text in blocks.
    resident_bytes: usize,
    budget: usize,
    /// Until the arena lets go: for each record kept so far, where its text is in its file
    /// ([`NO_PLACE`] when it is not a slice of it).
    kept_at: Vec<u64>,
    /// Set once the text grew past the budget: text that is a slice of its file is not kept.
    let_go: bool,
    /// Set when blocks may be freed ([`RawArena::compact`]).
    to_compact: bool,
    /// Newest last.
    lent: Vec<Loan>,
    lent_bytes: usize,
}

impl Default for RawArena {
    fn default() -> Self {
        Self {
            blocks: Vec::new(),
            spans: Vec::new(),
            hashes: Vec::new(),
            resident_bytes: 0,
            budget: DEFAULT_RESIDENT_BUDGET,
            kept_at: Vec::new(),
            let_go: false,
            to_compact: false,
            lent: Vec::new(),
            lent_bytes: 0,
        }
    }
}

/// The hash a record's text is kept and checked by.
pub fn text_hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

impl RawArena {
    /// Sets how much text is kept; past it, records whose text is in their file keep its place.
    pub fn set_resident_budget(&mut self, bytes: usize) {
        self.budget = bytes;
    }

    /// Whether text offered now (and `margin` bytes more) that is a slice of its file would
    /// still be kept.
    pub fn keeps_text(&self, margin: usize) -> bool {
        !self.let_go && self.resident_bytes.saturating_add(margin) <= self.budget
    }

    /// Appends one record's text; `at` is where the text starts in its file's decoded text,
    /// when it is a verbatim slice of a file that can be read again. Its index is the number
    /// of records before it.
    pub fn push(&mut self, text: &str, at: Option<u64>) {
        let hash = text_hash(text);
        if let Some(at) = at.filter(|_| !self.keeps_text(text.len())) {
            self.push_in_file(at, text.len() as u32, hash);
            return;
        }
        let span = self.keep(text);
        self.note_kept(at);
        self.spans.push(span);
        self.hashes.push(hash);
    }

    /// Copies `text` into the open block (a new one when it does not fit, or when the last was
    /// freed) and says where.
    fn keep(&mut self, text: &str) -> Span {
        let needs_block = match self.blocks.last() {
            Some(open) => {
                (!open.is_empty() && open.len() + text.len() > BLOCK_BYTES) || open.capacity() == 0
            }
            None => true,
        };
        if needs_block {
            self.blocks
                .push(String::with_capacity(BLOCK_BYTES.max(text.len())));
        }
        let block = self.blocks.len() - 1;
        let start = self.blocks.last().map_or(0, String::len);
        if let Some(open) = self.blocks.last_mut() {
            open.push_str(text);
        }
        self.resident_bytes += text.len();
        Span {
            block: block as u32,
            len: text.len() as u32,
            start: start as u64,
        }
    }

    /// Notes where the record about to be pushed, kept, is in its file (until the arena lets
    /// go, after which no text with a place is kept).
    fn note_kept(&mut self, at: Option<u64>) {
        if self.let_go {
            return;
        }
        let index = self.spans.len();
        if at.is_some() || self.kept_at.len() > index {
            self.kept_at.resize(index, NO_PLACE);
            self.kept_at.push(at.unwrap_or(NO_PLACE));
        }
    }

    /// Lets go of the text kept so far that is a slice of its file (it keeps only its place),
    /// and of such text from now on. The blocks stay where they are (a block being read from,
    /// by a shard being absorbed, keeps its index) until [`RawArena::compact`] frees those no
    /// record needs.
    fn let_go(&mut self) {
        if self.let_go {
            return;
        }
        self.let_go = true;
        self.to_compact = true;
        let kept_at = std::mem::take(&mut self.kept_at);
        for (span, at) in self.spans.iter_mut().zip(kept_at) {
            if span.block != IN_FILE && at != NO_PLACE {
                *span = Span {
                    block: IN_FILE,
                    len: span.len,
                    start: at,
                };
            }
        }
    }

    /// After the arena let go: frees the blocks whose text no record keeps any longer, and
    /// rewrites the others to hold only the text still kept (each block keeps its index). Call
    /// it between reads, never while a shard's records are being placed.
    pub fn compact(&mut self) {
        if !std::mem::take(&mut self.to_compact) {
            return;
        }
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); self.blocks.len()];
        for (index, span) in self.spans.iter().enumerate() {
            if let Some(users) = users.get_mut(span.block as usize) {
                users.push(index);
            }
        }
        for (block, users) in self.blocks.iter_mut().zip(users) {
            let used: usize = users
                .iter()
                .map(|&index| self.spans[index].len as usize)
                .sum();
            if used == block.len() {
                continue;
            }
            let mut kept = String::with_capacity(used);
            for index in users {
                let span = &mut self.spans[index];
                let from = span.start as usize;
                let start = kept.len();
                kept.push_str(
                    block
                        .get(from..from + span.len as usize)
                        .unwrap_or_default(),
                );
                span.start = start as u64;
            }
            *block = kept;
        }
        self.resident_bytes = self.blocks.iter().map(String::len).sum();
    }

    /// Whether text that is a slice of its file, offered now from elsewhere, would be kept: if
    /// not, it should be placed with [`RawArena::push_in_file`].
    pub fn takes_text_with_place(&self) -> bool {
        !self.let_go
    }

    /// Appends a block of text made elsewhere (a worker's shard) and returns its index, for
    /// [`RawArena::push_span`].
    pub fn append_block(&mut self, text: String) -> u32 {
        self.to_compact |= self.let_go;
        self.resident_bytes += text.len();
        self.blocks.push(text);
        self.blocks.len() as u32 - 1
    }

    /// Appends a record whose text is already in block `block`, at `start`, `len` bytes long;
    /// `at` is where it is in its file's decoded text, if it is a slice of it. Once the text
    /// kept passes the budget, the arena lets go.
    pub fn push_span(&mut self, block: u32, start: u32, len: u32, hash: u64, at: Option<u64>) {
        if let (Some(at), true) = (at, self.let_go) {
            self.push_in_file(at, len, hash);
            return;
        }
        self.note_kept(at);
        self.spans.push(Span {
            block,
            len,
            start: u64::from(start),
        });
        self.hashes.push(hash);
        if self.resident_bytes > self.budget {
            self.let_go();
        }
    }

    /// Appends a record whose text stays in its file, at `at` in its decoded text; the arena
    /// lets go of kept text that is in its file.
    pub fn push_in_file(&mut self, at: u64, len: u32, hash: u64) {
        self.let_go();
        self.spans.push(Span {
            block: IN_FILE,
            len,
            start: at,
        });
        self.hashes.push(hash);
    }

    /// The hash of record `index`'s text (0 for an index never pushed).
    pub fn hash(&self, index: u32) -> u64 {
        self.hashes.get(index as usize).copied().unwrap_or_default()
    }

    /// Where record `index`'s text is in its file's decoded text, when it was left there.
    pub fn in_file(&self, index: u32) -> Option<Range<u64>> {
        let span = self.spans.get(index as usize)?;
        (span.block == IN_FILE).then(|| span.start..span.start + u64::from(span.len))
    }

    /// The text of record `index`, whose file is `file_idx`: kept, or read from a loan of its
    /// file; empty for an index never pushed.
    pub fn text(&self, index: u32, file_idx: u32) -> Result<&str, Missing> {
        let Some(span) = self.spans.get(index as usize).copied() else {
            return Ok("");
        };
        if span.block == IN_FILE {
            let range = span.start..span.start + u64::from(span.len);
            self.lent_text(file_idx, range, self.hash(index))
        } else {
            Ok(self.block_text(span.block, span.start as u32, span.len))
        }
    }

    /// The text at `start`, `len` bytes long, in block `block` (empty if there is none).
    pub fn block_text(&self, block: u32, start: u32, len: u32) -> &str {
        let start = start as usize;
        self.blocks
            .get(block as usize)
            .and_then(|block| block.get(start..start + len as usize))
            .unwrap_or_default()
    }

    /// The text of `range` of file `file_idx`'s decoded text, from a loan, checked against
    /// `hash`.
    pub fn lent_text(&self, file_idx: u32, range: Range<u64>, hash: u64) -> Result<&str, Missing> {
        let loan = self
            .lent
            .iter()
            .rev()
            .find(|loan| loan.covers(file_idx, &range))
            .ok_or(Missing::NotLent)?;
        let from = (range.start - loan.start) as usize;
        let len = (range.end - range.start) as usize;
        loan.bytes
            .get(from..from + len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .filter(|text| text_hash(text) == hash)
            .ok_or(Missing::Changed)
    }

    /// Whether the decoded text of `range` of file `file_idx` is lent now.
    pub fn is_lent(&self, file_idx: u32, range: &Range<u64>) -> bool {
        self.lent.iter().any(|loan| loan.covers(file_idx, range))
    }

    /// Lends the arena the decoded text of file `file_idx` from `start` on, read again; the
    /// oldest loans go once more than [`LENT_BUDGET`] bytes are lent.
    pub fn lend(&mut self, file_idx: u32, start: u64, bytes: Vec<u8>) {
        let range = start..start + bytes.len() as u64;
        // A loan this one covers is no longer needed.
        self.lent.retain(|loan| {
            !(loan.file_idx == file_idx
                && range.start <= loan.start
                && loan.start + loan.bytes.len() as u64 <= range.end)
        });
        self.lent.push(Loan {
            file_idx,
            start,
            bytes,
        });
        self.lent_bytes = self.lent.iter().map(|loan| loan.bytes.len()).sum();
        while self.lent_bytes > LENT_BUDGET && self.lent.len() > MIN_LENT {
            let oldest = self.lent.remove(0);
            self.lent_bytes -= oldest.bytes.len();
        }
    }

    /// The number of records held.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held: kept text, the per-record places and hashes, and lent text.
    pub fn memory_bytes(&self) -> usize {
        self.resident_bytes
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + (self.hashes.capacity() + self.kept_at.capacity()) * std::mem::size_of::<u64>()
            + self.lent_bytes
    }

    /// Drops every loan.
    pub fn release_loans(&mut self) {
        self.lent = Vec::new();
        self.lent_bytes = 0;
    }

    /// Bytes of kept text.
    pub fn resident_bytes(&self) -> usize {
        self.resident_bytes
    }

    /// The text of records `first..end` packed as one buffer for [`PackedTexts`] (elsewhere, in a
    /// worker), and the reads of files it needs: kept text travels in the blocks holding it;
    /// text left in a file travels as the range of the file's decoded text to read, one
    /// *file block* per run of records of one file, in the order of `reads`. `file_of` gives a
    /// record's file, `reread` how that file is read again. Records past the arena's end are
    /// left out.
    pub fn pack(
        &self,
        first: u32,
        end: u32,
        file_of: impl Fn(u32) -> u32,
        reread: impl Fn(u32) -> Option<Reread>,
    ) -> (Vec<u8>, Vec<FileRead>) {
        let end = end.min(self.spans.len() as u32).max(first);
        // Blocks in order of first use: kept blocks by index, file blocks by run.
        let mut blocks: Vec<PackBlock> = Vec::new();
        let mut reads: Vec<FileRead> = Vec::new();
        let mut places: Vec<(u32, u64, u32, u64)> = Vec::with_capacity((end - first) as usize);
        for index in first..end {
            let span = self.spans[index as usize];
            let hash = self.hash(index);
            if span.block == IN_FILE {
                let file_idx = file_of(index);
                let range = span.start..span.start + u64::from(span.len);
                let open_run = match blocks.last() {
                    Some(PackBlock::File { read }) => reads[*read].file_idx == file_idx,
                    _ => false,
                };
                if !open_run {
                    reads.push(FileRead {
                        file_idx,
                        how: reread(file_idx).unwrap_or(Reread::Whole),
                        decoded: range.clone(),
                    });
                    blocks.push(PackBlock::File {
                        read: reads.len() - 1,
                    });
                }
                if let Some(read) = reads.last_mut() {
                    read.decoded.start = read.decoded.start.min(range.start);
                    read.decoded.end = read.decoded.end.max(range.end);
                }
                places.push((blocks.len() as u32 - 1, span.start, span.len, hash));
            } else {
                let known = blocks.iter().rposition(
                    |block| matches!(block, PackBlock::Kept { block } if *block == span.block),
                );
                let at = known.unwrap_or_else(|| {
                    blocks.push(PackBlock::Kept { block: span.block });
                    blocks.len() - 1
                });
                places.push((at as u32, span.start, span.len, hash));
            }
        }
        let mut out = Vec::new();
        out.extend_from_slice(PACK_MAGIC);
        for number in [first, end - first, blocks.len() as u32] {
            put_u32(&mut out, number);
        }
        for block in &blocks {
            match block {
                PackBlock::Kept { block } => {
                    let text = self.blocks.get(*block as usize).map_or("", String::as_str);
                    out.push(0);
                    put_u32(&mut out, text.len() as u32);
                    out.extend_from_slice(text.as_bytes());
                }
                PackBlock::File { read } => {
                    let read = &reads[*read];
                    out.push(1);
                    put_u32(&mut out, read.file_idx);
                    out.push(match read.how {
                        Reread::Whole => 0,
                        Reread::Slice { skip } => 1 + skip,
                    });
                    out.extend_from_slice(&read.decoded.start.to_le_bytes());
                    out.extend_from_slice(&read.decoded.end.to_le_bytes());
                }
            }
        }
        for (block, start, len, hash) in places {
            put_u32(&mut out, block);
            out.extend_from_slice(&start.to_le_bytes());
            put_u32(&mut out, len);
            out.extend_from_slice(&hash.to_le_bytes());
        }
        (out, reads)
    }
}

/// A block of a packed buffer while it is written.
enum PackBlock {
    Kept { block: u32 },
    File { read: usize },
}

/// How a file is read again to get its decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// Compressed: the whole file, decoded from its start.
    Whole,
    /// Plain text: the bytes of a decoded range are the file's bytes `skip` further on (a
    /// byte-order mark).
    Slice {
        /// Bytes before the decoded text (3 for a byte-order mark, else 0).
        skip: u8,
    },
}

/// One read of a file for text left in it: which file, how, and the range of its decoded text
/// wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The file's index among the dataset's reports.
    pub file_idx: u32,
    /// How to read it.
    pub how: Reread,
    /// The range of its decoded text wanted.
    pub decoded: Range<u64>,
}

impl FileRead {
    /// The bytes of the file to read: `None` for the whole file, else this range of it.
    pub fn bytes(&self) -> Option<Range<u64>> {
        match self.how {
            Reread::Whole => None,
            Reread::Slice { skip } => {
                Some(self.decoded.start + u64::from(skip)..self.decoded.end + u64::from(skip))
            }
        }
    }
}

const PACK_MAGIC: &[u8; 4] = b"TVJ2";

/// Records' text packed by [`RawArena::pack`], read back; the text left in files is read with
/// the decoded text of the file reads it names ([`PackedTexts::file_reads`]).
#[derive(Debug)]
pub struct PackedTexts<'a> {
    /// The id of the first record.
    pub first: u32,
    blocks: Vec<PackedBlock<'a>>,
    /// Per record: block, start (in the block's text, or in its file's decoded text), length
    /// and hash.
    places: Vec<(u32, u64, u32, u64)>,
}

/// A block of a packed buffer, read back.
#[derive(Debug)]
enum PackedBlock<'a> {
    /// Kept text.
    Kept(&'a [u8]),
    /// Text left in a file: the read that gets it, and which of the buffer's reads it is.
    File(FileRead, usize),
}

impl<'a> PackedTexts<'a> {
    /// Reads a packed buffer; an error says what does not fit (a place outside its block, a
    /// buffer cut short).
    pub fn decode(bytes: &'a [u8]) -> Result<Self, String> {
        let body = bytes
            .strip_prefix(PACK_MAGIC)
            .ok_or("not a packed index job")?;
        Self::read(&mut Reader::new(body, "packed text"))
    }

    fn read(reader: &mut Reader<'a>) -> Result<Self, String> {
        let first = reader.u32()?;
        let count = reader.u32()? as usize;
        let n_blocks = reader.u32()? as usize;
        let mut blocks = Vec::with_capacity(n_blocks.min(reader.remaining()));
        let mut n_reads = 0;
        for _ in 0..n_blocks {
            blocks.push(match reader.u8()? {
                0 => {
                    let len = reader.u32()? as usize;
                    PackedBlock::Kept(reader.take(len)?)
                }
                1 => {
                    let file_idx = reader.u32()?;
                    let how = match reader.u8()? {
                        0 => Reread::Whole,
                        code @ 1..=4 => Reread::Slice { skip: code - 1 },
                        other => return Err(format!("unknown way of reading a file {other}")),
                    };
                    let decoded = reader.u64()?..reader.u64()?;
                    n_reads += 1;
                    PackedBlock::File(
                        FileRead {
                            file_idx,
                            how,
                            decoded,
                        },
                        n_reads - 1,
                    )
                }
                other => return Err(format!("unknown block kind {other}")),
            });
        }
        let mut places = Vec::with_capacity(count.min(reader.remaining() / 24));
        for _ in 0..count {
            let place = (reader.u32()?, reader.u64()?, reader.u32()?, reader.u64()?);
            let (block, start, len, _) = place;
            let end = start.saturating_add(u64::from(len));
            let inside = match blocks.get(block as usize) {
                Some(PackedBlock::Kept(text)) => end <= text.len() as u64,
                Some(PackedBlock::File(read, _)) => {
                    read.decoded.start <= start && end <= read.decoded.end
                }
                None => false,
            };
            if !inside {
                return Err(format!(
                    "a record outside its block before byte {}",
                    reader.at()
                ));
            }
            places.push(place);
        }
        if !reader.done() {
            return Err(format!("bytes past the end at byte {}", reader.at()));
        }
        Ok(Self {
            first,
            blocks,
            places,
        })
    }

    /// The reads of files whose decoded text [`PackedTexts::records`] needs, in order.
    pub fn file_reads(&self) -> Vec<FileRead> {
        self.blocks
            .iter()
            .filter_map(|block| match block {
                PackedBlock::File(read, _) => Some(read.clone()),
                PackedBlock::Kept(_) => None,
            })
            .collect()
    }

    /// Every record, as (id, text), in order, `files` holding the decoded text of each of
    /// [`PackedTexts::file_reads`] (see [`decoded_range`]); `None` for a record whose text is
    /// not the text loaded (missing, not UTF-8, or another hash: its file changed since).
    pub fn records<'s>(
        &'s self,
        files: &'s [Vec<u8>],
    ) -> impl Iterator<Item = (u32, Option<&'s str>)> + 's {
        (self.first..).zip(self.places.iter().map(move |&(block, start, len, hash)| {
            let (text, from) = match self.blocks.get(block as usize)? {
                PackedBlock::Kept(text) => (*text, start),
                PackedBlock::File(read, ordinal) => {
                    (files.get(*ordinal)?.as_slice(), start - read.decoded.start)
                }
            };
            let from = from as usize;
            text.get(from..from + len as usize)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .filter(|text| text_hash(text) == hash)
        }))
    }

    /// The id after the last record.
    pub fn end(&self) -> u32 {
        self.first.saturating_add(self.places.len() as u32)
    }
}

/// The decoded text of `read.decoded` from `given`, the bytes [`FileRead::bytes`] names (the
/// whole file, or the range of it), decoded as the file was when it was loaded: gzip by its
/// magic bytes, a byte-order mark left out; decoding stops once the range is in. An error says
/// what does not fit.
pub fn decoded_range(read: &FileRead, given: &[u8]) -> Result<Vec<u8>, String> {
    let wanted = read.decoded.end.saturating_sub(read.decoded.start);
    if let Reread::Slice { .. } = read.how {
        if given.len() as u64 != wanted {
            return Err(format!(
                "{} bytes where {wanted} were expected: the file is shorter than when it was loaded",
                given.len()
            ));
        }
        return Ok(given.to_vec());
    }
    // Only the range is wanted: a limit past it (and a byte-order mark) stops nothing that was
    // read when the file was loaded.
    let limit = usize::try_from(read.decoded.end.saturating_add(4)).unwrap_or(usize::MAX);
    let mut inflow = crate::analytics::ingest::decode::Inflow::new(limit);
    let mut out: Vec<u8> = Vec::new();
    // Decoded bytes before `out[0]`, counted after a byte-order mark.
    let mut dropped: u64 = 0;
    let mut bom_checked = false;
    let mut chunks = given.chunks(1 << 20);
    loop {
        let more = if let Some(chunk) = chunks.next() {
            inflow.push(chunk, &mut out);
            true
        } else {
            inflow.finish(&mut out);
            false
        };
        if !bom_checked && (out.len() >= 3 || !more) {
            bom_checked = true;
            if out.starts_with(&[0xef, 0xbb, 0xbf]) {
                out.drain(..3);
            }
        }
        if bom_checked {
            // Forget what comes before the range as it is decoded.
            let before = read
                .decoded
                .start
                .saturating_sub(dropped)
                .min(out.len() as u64);
            out.drain(..before as usize);
            dropped += before;
        }
        if !more || dropped + out.len() as u64 >= read.decoded.end {
            break;
        }
    }
    out.truncate(wanted as usize);
    if (out.len() as u64) < wanted || dropped < read.decoded.start {
        return Err(inflow.problem().map_or_else(
            || "the file holds less text than when it was loaded".to_owned(),
            str::to_owned,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn record(i: usize) -> String {
        format!(
            r#"{{"eventID":"{i:08}","eventName":"Get{}","requestParameters":{{"key":"k{}"}}}}"#,
            i % 13,
            i * 7919 % 100_003
        )
    }

    /// A file of `n` records, one per line, and where each starts.
    fn file(n: usize) -> (String, Vec<u64>) {
        let mut text = String::new();
        let mut starts = Vec::new();
        for i in 0..n {
            starts.push(text.len() as u64);
            text.push_str(&record(i));
            text.push('\n');
        }
        (text, starts)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// The bytes a read asks for from a file's bytes.
    fn given(read: &FileRead, file: &[u8]) -> Vec<u8> {
        match read.bytes() {
            None => file.to_vec(),
            Some(range) => file[range.start as usize..range.end as usize].to_vec(),
        }
    }

    /// An arena of `n` records of one file, whose text past `budget` is left in the file.
    fn arena(n: usize, budget: usize) -> (RawArena, String, Vec<u64>) {
        let (text, starts) = file(n);
        let mut arena = RawArena::default();
        arena.set_resident_budget(budget);
        for (i, &start) in starts.iter().enumerate() {
            arena.push(&record(i), Some(start));
        }
        (arena, text, starts)
    }

    #[test]
    fn a_load_past_the_budget_keeps_no_text_that_is_in_its_file() {
        let (text, starts) = file(5_000);
        let mut arena = RawArena::default();
        arena.set_resident_budget(64 << 10);
        // Every tenth record's text is not a slice of its file (a CSV row, say).
        let place = |i: usize| (i % 10 != 5).then_some(starts[i]);
        for i in 0..200 {
            arena.push(&record(i), place(i));
        }
        assert!(arena.keeps_text(0));
        assert!(
            (0..200).all(|i| arena.in_file(i).is_none()),
            "under the budget, all is kept"
        );
        assert_eq!(arena.text(7, 0), Ok(record(7).as_str()));
        for i in 200..5_000 {
            arena.push(&record(i), place(i));
        }
        arena.compact();
        assert!(!arena.keeps_text(0));
        let not_in_file: usize = (0..5_000)
            .filter(|&i| place(i).is_none())
            .map(|i| record(i).len())
            .sum();
        assert_eq!(
            arena.resident_bytes(),
            not_in_file,
            "only text that is not in its file is kept"
        );
        for i in [0, 7, 199, 200, 4_000] {
            assert_eq!(arena.text(i as u32, 0), Err(Missing::NotLent), "record {i}");
        }
        for i in [5, 195, 205, 4_995] {
            assert_eq!(
                arena.text(i as u32, 0),
                Ok(record(i).as_str()),
                "record {i}"
            );
        }
        // Records kept before the arena let go read back from their file like the others.
        for i in [7, 4_000] {
            let range = arena.in_file(i).unwrap();
            assert_eq!(range.start, starts[i as usize]);
            let read = FileRead {
                file_idx: 0,
                how: Reread::Slice { skip: 0 },
                decoded: range.start - 100..range.end + 50,
            };
            let bytes = decoded_range(&read, &given(&read, text.as_bytes())).unwrap();
            arena.lend(0, read.decoded.start, bytes);
            assert_eq!(arena.text(i, 0), Ok(record(i as usize).as_str()));
            // Another file's loan is not this one's.
            assert_eq!(arena.text(i, 1), Err(Missing::NotLent));
        }
        assert_eq!(arena.text(4_001, 0), Err(Missing::NotLent));
        assert_eq!(arena.text(9_999, 0), Ok(""));
        // Kept text offered after letting go goes on a block of its own.
        arena.push("{\"late\":1}", None);
        assert_eq!(arena.text(5_000, 0), Ok("{\"late\":1}"));
    }

    #[test]
    fn text_from_elsewhere_is_let_go_like_text_read_here() {
        let mut arena = RawArena::default();
        arena.set_resident_budget(100);
        let block = arena.append_block("{\"a\":1}{\"b\":2}".repeat(10));
        arena.push_span(block, 0, 7, text_hash("{\"a\":1}"), Some(1_000));
        arena.push_span(block, 7, 7, text_hash("{\"b\":2}"), None);
        // The block's 140 bytes are past the budget: the first record's text is let go.
        assert!(!arena.takes_text_with_place());
        assert_eq!(arena.in_file(0), Some(1_000..1_007));
        assert_eq!(arena.text(1, 0), Ok("{\"b\":2}"));
        // The block keeps only what a record without a place still needs.
        arena.compact();
        assert_eq!(arena.text(1, 0), Ok("{\"b\":2}"));
        assert_eq!(arena.resident_bytes(), 7);
        // A block no record needs any longer is freed.
        let unused = arena.append_block("x".repeat(50));
        arena.push_span(unused, 0, 7, 0, Some(2_000));
        assert_eq!(arena.in_file(2), Some(2_000..2_007));
        arena.compact();
        assert_eq!(arena.resident_bytes(), 7);
        assert_eq!(arena.text(1, 0), Ok("{\"b\":2}"));
    }

    #[test]
    fn gzip_is_decoded_from_its_start_and_a_byte_order_mark_left_out() {
        let (text, starts) = file(3_000);
        for bom in [false, true] {
            let mut bytes = if bom {
                vec![0xef, 0xbb, 0xbf]
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(text.as_bytes());
            let gzipped = gzip(&bytes);
            let range = starts[2_500]..starts[2_600];
            let whole = FileRead {
                file_idx: 0,
                how: Reread::Whole,
                decoded: range.clone(),
            };
            let expected = &text.as_bytes()[range.start as usize..range.end as usize];
            assert_eq!(decoded_range(&whole, &gzipped).unwrap(), expected);
            let slice = FileRead {
                how: Reread::Slice {
                    skip: if bom { 3 } else { 0 },
                },
                ..whole.clone()
            };
            assert_eq!(
                decoded_range(&slice, &given(&slice, &bytes)).unwrap(),
                expected
            );
            // Cut short: an error, never a panic.
            let error = decoded_range(&whole, &gzipped[..gzipped.len() / 3]).unwrap_err();
            assert!(
                error.contains("truncated") || error.contains("less text"),
                "{error}"
            );
            assert!(decoded_range(&slice, b"short").is_err());
        }
    }

    #[test]
    fn packed_records_read_back_kept_or_from_their_files() {
        let n = 6_000;
        let (arena, text, _) = arena(n, 128 << 10);
        let file_of = |index: u32| u32::from(index >= 3_000);
        let reread = |_| Some(Reread::Slice { skip: 0 });
        for (first, end) in [
            (0, n),
            (0, 1),
            (1_000, 1_001),
            (500, 5_500),
            (5_990, n + 9),
            (n, n + 9),
        ] {
            let (bytes, reads) = arena.pack(first as u32, end as u32, file_of, reread);
            let packed = PackedTexts::decode(&bytes).expect("decodes");
            assert_eq!(packed.file_reads(), reads);
            // Both files hold the same text here, so either serves its own records.
            let texts: Vec<Vec<u8>> = reads
                .iter()
                .map(|read| decoded_range(read, &given(read, text.as_bytes())).unwrap())
                .collect();
            let read: Vec<(u32, String)> = packed
                .records(&texts)
                .map(|(id, text)| (id, text.expect("the text as loaded").to_owned()))
                .collect();
            let expected: Vec<(u32, String)> =
                (first..end.min(n)).map(|i| (i as u32, record(i))).collect();
            assert_eq!(read, expected, "{first}..{end}");
            assert_eq!(packed.end(), end.min(n).max(first) as u32);
            for cut in [0, 4, 12, bytes.len() / 2, bytes.len() - 1] {
                assert!(PackedTexts::decode(&bytes[..cut]).is_err(), "cut at {cut}");
            }
            // Text that is not what was loaded is no record's.
            if let Some(first_text) = texts.first() {
                let mut changed = texts.clone();
                changed[0] = first_text
                    .iter()
                    .map(|&b| if b == b'G' { b'P' } else { b })
                    .collect();
                assert!(packed.records(&changed).any(|(_, text)| text.is_none()));
            }
        }
    }

    #[test]
    fn the_oldest_loans_go_past_the_lent_budget_and_the_newest_stay() {
        let mut arena = RawArena::default();
        for file_idx in 0..8u32 {
            arena.lend(file_idx, 0, vec![b' '; 40 << 20]);
        }
        assert!(
            arena.lent.len() >= MIN_LENT && arena.lent_bytes <= LENT_BUDGET.max(4 * (40 << 20))
        );
        assert!(arena.is_lent(7, &(0..10)));
        assert!(!arena.is_lent(0, &(0..10)));
        // A loan covering an older one of the same file replaces it.
        arena.lend(7, 0, vec![b' '; 41 << 20]);
        assert_eq!(
            arena.lent.iter().filter(|loan| loan.file_idx == 7).count(),
            1
        );
    }

    #[test]
    fn a_record_larger_than_a_block_gets_a_block_of_its_own() {
        let mut arena = RawArena::default();
        let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(3 * BLOCK_BYTES));
        arena.push("{}", None);
        arena.push(&big, None);
        arena.push("{\"a\":1}", None);
        assert_eq!(arena.text(0, 0), Ok("{}"));
        assert_eq!(arena.text(1, 0), Ok(big.as_str()));
        assert_eq!(arena.text(2, 0), Ok("{\"a\":1}"));
        // Text that is not a slice of its file is kept whatever the budget.
        arena.set_resident_budget(0);
        arena.push("{\"b\":2}", None);
        assert_eq!(arena.text(3, 0), Ok("{\"b\":2}"));
    }
}
