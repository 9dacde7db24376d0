//! The records' JSON text, kept for the detail view and for telling duplicates from conflicts,
//! in blocks of about [`BLOCK_BYTES`]. While the text fits a budget the blocks stay plain;
//! past it the oldest blocks are compressed with LZ4 (generated CloudTrail text shrinks about
//! 3.6-fold, as with deflate's fast level, at twice its speed, and decompresses at about 2 GB/s
//! natively), so a large load keeps a compressed copy instead of the whole text. Reading a
//! record from a compressed block decompresses that block once; the last block decompressed is
//! cached, as neighbours are read together (a file dropped twice checks its records in order).

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::analytics::bytes::{put_u32, Reader};

/// The size a block is filled to before the next one starts.
pub const BLOCK_BYTES: usize = 64 << 10;

/// How much record text is kept plain before the oldest blocks are compressed.
pub const DEFAULT_PLAIN_BUDGET: usize = 256 << 20;

#[derive(Debug)]
enum Block {
    Plain(String),
    Compressed(Vec<u8>),
}

/// Where one record's text is: its block, and its start and length in the block's text.
#[derive(Debug, Clone, Copy)]
struct Span {
    block: u32,
    start: u32,
    len: u32,
}

/// Every record's text, in arrival order.
#[derive(Debug)]
pub struct RawArena {
    blocks: Vec<Block>,
    spans: Vec<Span>,
    /// Bytes of text in plain blocks.
    plain_bytes: usize,
    plain_budget: usize,
    /// The oldest block that may still be plain.
    next_to_compress: usize,
    /// Bytes held by compressed blocks.
    compressed_bytes: usize,
    /// The last compressed block read back, by index.
    cache: RefCell<Option<(u32, Rc<str>)>>,
}

impl Default for RawArena {
    fn default() -> Self {
        Self {
            blocks: Vec::new(),
            spans: Vec::new(),
            plain_bytes: 0,
            plain_budget: DEFAULT_PLAIN_BUDGET,
            next_to_compress: 0,
            compressed_bytes: 0,
            cache: RefCell::new(None),
        }
    }
}

impl RawArena {
    /// Sets how much text stays plain; blocks past it are compressed from now on.
    pub fn set_plain_budget(&mut self, bytes: usize) {
        self.plain_budget = bytes;
    }

    /// Appends one record's text; its index is the number of records before it.
    pub fn push(&mut self, text: &str) {
        let needs_block = match self.blocks.last() {
            Some(Block::Plain(open)) => !open.is_empty() && open.len() + text.len() > BLOCK_BYTES,
            Some(Block::Compressed(_)) | None => true,
        };
        if needs_block {
            self.blocks.push(Block::Plain(String::with_capacity(
                BLOCK_BYTES.max(text.len()),
            )));
        }
        let block = self.blocks.len() - 1;
        let start = match self.blocks.last_mut() {
            Some(Block::Plain(open)) => {
                let start = open.len();
                open.push_str(text);
                start
            }
            Some(Block::Compressed(_)) | None => 0,
        };
        self.spans.push(Span {
            block: block as u32,
            start: start as u32,
            len: text.len() as u32,
        });
        self.plain_bytes += text.len();
        self.keep_budget();
    }

    /// Compresses the oldest full blocks while over budget; the open block stays plain.
    fn keep_budget(&mut self) {
        while self.plain_bytes > self.plain_budget && self.next_to_compress + 1 < self.blocks.len()
        {
            self.compress(self.next_to_compress);
            self.next_to_compress += 1;
        }
    }

    /// Whether text pushed now would be over the plain budget (within `margin` bytes of it).
    pub fn near_budget(&self, margin: usize) -> bool {
        self.plain_bytes + margin >= self.plain_budget
    }

    /// Appends a block of text made elsewhere (a worker's shard) and returns its index, for
    /// [`RawArena::push_span`]; the budget applies to it as to any other.
    pub fn append_plain(&mut self, text: String) -> u32 {
        self.plain_bytes += text.len();
        self.blocks.push(Block::Plain(text));
        let index = self.blocks.len() as u32 - 1;
        self.keep_budget();
        index
    }

    /// Appends a block compressed elsewhere ([`compress_text`]) and returns its index.
    pub fn append_compressed(&mut self, bytes: Vec<u8>) -> u32 {
        self.compressed_bytes += bytes.len();
        self.blocks.push(Block::Compressed(bytes));
        self.blocks.len() as u32 - 1
    }

    /// Appends a record whose text is already in block `block`, at `start`, `len` bytes long.
    pub fn push_span(&mut self, block: u32, start: u32, len: u32) {
        self.spans.push(Span { block, start, len });
    }

    /// The text at `start`, `len` bytes long, in block `block` (empty if there is none).
    pub fn text_at(&self, block: u32, start: u32, len: u32) -> Cow<'_, str> {
        self.span_text(Span { block, start, len })
    }

    fn compress(&mut self, block: usize) {
        let Some(slot) = self.blocks.get_mut(block) else {
            return;
        };
        let Block::Plain(text) = slot else {
            return;
        };
        let bytes = compress_text(text);
        self.plain_bytes -= text.len();
        self.compressed_bytes += bytes.len();
        *slot = Block::Compressed(bytes);
    }

    /// The text of record `index` (empty for an index never pushed).
    pub fn get(&self, index: u32) -> Cow<'_, str> {
        let Some(span) = self.spans.get(index as usize).copied() else {
            return Cow::Borrowed("");
        };
        self.span_text(span)
    }

    fn span_text(&self, span: Span) -> Cow<'_, str> {
        let range = span.start as usize..(span.start + span.len) as usize;
        match self.blocks.get(span.block as usize) {
            Some(Block::Plain(text)) => Cow::Borrowed(text.get(range).unwrap_or_default()),
            Some(Block::Compressed(bytes)) => {
                let text = self.decompressed(span.block, bytes);
                Cow::Owned(text.get(range).unwrap_or_default().to_owned())
            }
            None => Cow::Borrowed(""),
        }
    }

    fn decompressed(&self, block: u32, bytes: &[u8]) -> Rc<str> {
        if let Some((cached, text)) = self.cache.borrow().as_ref() {
            if *cached == block {
                return Rc::clone(text);
            }
        }
        // Our own compressed text decompresses; should it not, the records read as empty.
        let text: Rc<str> = Rc::from(decompress_text(bytes).unwrap_or_default());
        *self.cache.borrow_mut() = Some((block, Rc::clone(&text)));
        text
    }

    /// The number of records held.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held: plain text, compressed blocks and the per-record spans.
    pub fn memory_bytes(&self) -> usize {
        self.plain_bytes + self.compressed_bytes + self.spans.len() * std::mem::size_of::<Span>()
    }
}

impl RawArena {
    /// The text of records `first..end` packed as one buffer for [`PackedTexts`] (elsewhere, in a
    /// worker): the blocks holding them as they are kept, plain or compressed, and each record's
    /// place. Records past the arena's end are left out.
    pub fn pack(&self, first: u32, end: u32) -> Vec<u8> {
        let spans = self
            .spans
            .get(first as usize..(end as usize).min(self.spans.len()))
            .unwrap_or_default();
        let low = spans.iter().map(|span| span.block).min().unwrap_or(0);
        let high = spans.iter().map(|span| span.block + 1).max().unwrap_or(0);
        let mut out = Vec::new();
        out.extend_from_slice(PACK_MAGIC);
        for number in [first, spans.len() as u32, high.saturating_sub(low)] {
            put_u32(&mut out, number);
        }
        for block in self
            .blocks
            .get(low as usize..high as usize)
            .unwrap_or_default()
        {
            let (kind, bytes) = match block {
                Block::Plain(text) => (0, text.as_bytes()),
                Block::Compressed(bytes) => (1, bytes.as_slice()),
            };
            out.push(kind);
            put_u32(&mut out, bytes.len() as u32);
            out.extend_from_slice(bytes);
        }
        for span in spans {
            for number in [span.block - low, span.start, span.len] {
                put_u32(&mut out, number);
            }
        }
        out
    }
}

const PACK_MAGIC: &[u8; 4] = b"TVJ1";

/// Records' text packed by [`RawArena::pack`], read back.
#[derive(Debug)]
pub struct PackedTexts<'a> {
    /// The id of the first record.
    pub first: u32,
    blocks: Vec<Cow<'a, str>>,
    spans: Vec<Span>,
}

impl<'a> PackedTexts<'a> {
    /// Reads a packed buffer; `None` when it does not decode (a block that is not UTF-8 or does
    /// not decompress, a place outside its block).
    pub fn decode(bytes: &'a [u8]) -> Option<Self> {
        Self::read(&mut Reader::new(
            bytes.strip_prefix(PACK_MAGIC)?,
            "packed text",
        ))
        .ok()
    }

    fn read(reader: &mut Reader<'a>) -> Result<Self, String> {
        let first = reader.u32()?;
        let count = reader.u32()? as usize;
        let n_blocks = reader.u32()? as usize;
        let mut blocks = Vec::with_capacity(n_blocks.min(reader.remaining()));
        for _ in 0..n_blocks {
            let kind = reader.u8()?;
            let len = reader.u32()? as usize;
            let body = reader.take(len)?;
            blocks.push(match kind {
                0 => Cow::Borrowed(std::str::from_utf8(body).map_err(|error| error.to_string())?),
                1 => Cow::Owned(decompress_text(body)?),
                other => return Err(format!("unknown block kind {other}")),
            });
        }
        let mut spans = Vec::with_capacity(count.min(reader.remaining() / 12));
        for _ in 0..count {
            let span = Span {
                block: reader.u32()?,
                start: reader.u32()?,
                len: reader.u32()?,
            };
            let in_block = blocks.get(span.block as usize).is_some_and(|text| {
                let start = span.start as usize;
                start
                    .checked_add(span.len as usize)
                    .is_some_and(|end| text.get(start..end).is_some())
            });
            if !in_block {
                return Err(format!(
                    "a record outside its block before byte {}",
                    reader.at()
                ));
            }
            spans.push(span);
        }
        if !reader.done() {
            return Err(format!("bytes past the end at byte {}", reader.at()));
        }
        Ok(Self {
            first,
            blocks,
            spans,
        })
    }

    /// Every record, as (id, text), in order.
    pub fn records(&self) -> impl Iterator<Item = (u32, &str)> {
        (self.first..).zip(self.spans.iter().map(|span| {
            let start = span.start as usize;
            self.blocks
                .get(span.block as usize)
                .and_then(|text| text.get(start..start + span.len as usize))
                .unwrap_or_default()
        }))
    }

    /// The id after the last record.
    pub fn end(&self) -> u32 {
        self.first.saturating_add(self.spans.len() as u32)
    }
}

/// A block's text from its compressed bytes ([`compress_text`]). The size the bytes give is
/// checked against the most LZ4 can expand them (255 bytes for each), so a damaged buffer
/// cannot ask for more memory than its length justifies.
fn decompress_text(bytes: &[u8]) -> Result<String, String> {
    let (size, body) =
        lz4_flex::block::uncompressed_size(bytes).map_err(|error| error.to_string())?;
    if size > body.len().saturating_mul(255).saturating_add(16) {
        return Err(format!(
            "a compressed block of {} bytes claims {size} bytes of text",
            body.len()
        ));
    }
    let text = lz4_flex::block::decompress(body, size).map_err(|error| error.to_string())?;
    String::from_utf8(text).map_err(|error| error.to_string())
}

/// A block's text compressed as the arena keeps it: LZ4, its length first.
pub fn compress_text(text: &str) -> Vec<u8> {
    lz4_flex::block::compress_prepend_size(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> String {
        format!(
            r#"{{"eventID":"{i:08}","eventName":"Get{}","requestParameters":{{"key":"k{}"}}}}"#,
            i % 13,
            i * 7919 % 100_003
        )
    }

    #[test]
    fn packed_records_read_back_plain_or_compressed() {
        let mut arena = RawArena::default();
        arena.set_plain_budget(256 << 10);
        let n = 12_000;
        for i in 0..n {
            arena.push(&record(i));
        }
        assert!(arena.compressed_bytes > 0 && arena.plain_bytes > 0);
        for (first, end) in [
            (0, n),
            (0, 1),
            (5_000, 5_001),
            (3_000, 11_000),
            (11_990, n + 50),
            (n, n + 9),
        ] {
            let bytes = arena.pack(first as u32, end as u32);
            let packed = PackedTexts::decode(&bytes).expect("decodes");
            let read: Vec<(u32, String)> = packed
                .records()
                .map(|(id, text)| (id, text.to_owned()))
                .collect();
            let expected: Vec<(u32, String)> =
                (first..end.min(n)).map(|i| (i as u32, record(i))).collect();
            assert_eq!(read, expected, "{first}..{end}");
            assert_eq!(packed.end(), end.min(n).max(first) as u32);
            for cut in [0, 4, 12, bytes.len() / 2, bytes.len() - 1] {
                assert!(PackedTexts::decode(&bytes[..cut]).is_none(), "cut at {cut}");
            }
        }
    }

    #[test]
    fn a_compressed_block_reads_back_and_a_damaged_one_is_refused() {
        let text: String = (0..2_000).map(record).collect();
        let bytes = compress_text(&text);
        assert!(
            bytes.len() < text.len() / 2,
            "{} of {}",
            bytes.len(),
            text.len()
        );
        assert_eq!(decompress_text(&bytes).as_deref(), Ok(text.as_str()));
        // A size larger than the bytes could expand to is refused before anything is allocated.
        let mut lying = bytes.clone();
        lying[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decompress_text(&lying).unwrap_err().contains("claims"));
        // Cut, or not UTF-8: an error, never a panic.
        assert!(decompress_text(&bytes[..bytes.len() / 2]).is_err());
        assert!(decompress_text(&compress_text("\u{e9}")[..5]).is_err());
        let not_utf8 = lz4_flex::block::compress_prepend_size(&[0xff, 0xfe]);
        assert!(decompress_text(&not_utf8).is_err());
    }

    #[test]
    fn every_record_reads_back_plain_or_compressed() {
        let mut arena = RawArena::default();
        arena.set_plain_budget(64 << 10);
        let n = 20_000;
        for i in 0..n {
            arena.push(&record(i));
        }
        assert_eq!(arena.len(), n);
        // Read in order and out of order: the cache must never hand back the wrong block.
        for i in (0..n).chain((0..n).rev().step_by(7)) {
            assert_eq!(arena.get(i as u32), record(i), "record {i}");
        }
        assert_eq!(arena.get(n as u32), "");
        let plain: usize = (0..n).map(|i| record(i).len()).sum();
        assert!(
            arena.memory_bytes() < plain / 2,
            "{} of {plain}",
            arena.memory_bytes()
        );
    }

    #[test]
    fn under_budget_nothing_is_compressed() {
        let mut arena = RawArena::default();
        for i in 0..1000 {
            arena.push(&record(i));
        }
        assert!(matches!(arena.get(5), Cow::Borrowed(_)));
        assert_eq!(arena.compressed_bytes, 0);
    }

    #[test]
    fn a_record_larger_than_a_block_gets_a_block_of_its_own() {
        let mut arena = RawArena::default();
        arena.set_plain_budget(0);
        let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(3 * BLOCK_BYTES));
        arena.push("{}");
        arena.push(&big);
        arena.push("{\"a\":1}");
        assert_eq!(arena.get(0), "{}");
        assert_eq!(arena.get(1), big);
        assert_eq!(arena.get(2), "{\"a\":1}");
    }
}
