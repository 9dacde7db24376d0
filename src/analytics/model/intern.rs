//! Interning of repeated strings into dense `u32` ids, one dictionary per column.
//!
//! Id 0 is always the empty string, so "no value" needs no `Option` in the columns, and counting
//! by value is an array indexed by id.
//!
//! Each text is stored once: all texts sit end to end in one `String`, id `i` spanning from the
//! end of id `i - 1` to `ends[i]`, and the hash table holds bare ids, hashing and comparing the
//! text they point at. Ends are kept as `u32`; the (rare) points where the arena passes a
//! multiple of 4 GiB are listed apart, so any size is exact.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// A dictionary of distinct strings, each given a dense id in order of first appearance.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// Every text, by id.
    texts: Texts,
    /// Ids, found by the hash of their text.
    table: HashTable<u32>,
}

/// Texts end to end, id `i` spanning from the end of id `i - 1` to its own end.
#[derive(Debug, Clone, Default)]
struct Texts {
    /// Every text, end to end.
    arena: String,
    /// The end of each id's text in `arena`, modulo 2^32.
    ends: Vec<u32>,
    /// Ids whose end lies in a later 4 GiB span than the previous id's end, once per span passed.
    wraps: Vec<u32>,
}

impl Texts {
    /// The text of `id`; the empty string for an id not given out.
    fn get(&self, id: u32) -> &str {
        span(&self.arena, &self.ends, &self.wraps, id)
    }

    /// Adds `text` as the next id and returns that id.
    fn push(&mut self, text: &str) -> u32 {
        let id = self.ends.len() as u32;
        let start = self.arena.len() as u64;
        self.arena.push_str(text);
        let end = self.arena.len() as u64;
        for _ in (start >> 32)..(end >> 32) {
            self.wraps.push(id);
        }
        self.ends.push(end as u32);
        id
    }
}

impl Default for Dictionary {
    fn default() -> Self {
        let mut dictionary = Self {
            texts: Texts::default(),
            table: HashTable::new(),
        };
        dictionary.intern("");
        dictionary
    }
}

fn hash_text(text: &str) -> u64 {
    FxBuildHasher.hash_one(text)
}

impl Dictionary {
    /// The id of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &str) -> u32 {
        self.intern_new(text).0
    }

    /// The id of `text`, and whether this call added it: one hash and one probe of the table
    /// either way.
    pub fn intern_new(&mut self, text: &str) -> (u32, bool) {
        let Self { texts, table } = self;
        let entry = table.entry(
            hash_text(text),
            |&id| texts.get(id) == text,
            |&id| hash_text(texts.get(id)),
        );
        match entry {
            Entry::Occupied(found) => (*found.get(), false),
            Entry::Vacant(vacant) => {
                let id = texts.push(text);
                vacant.insert(id);
                (id, true)
            }
        }
    }

    /// The id of `text` if it has been seen.
    pub fn lookup(&self, text: &str) -> Option<u32> {
        self.table
            .find(hash_text(text), |&id| self.texts.get(id) == text)
            .copied()
    }

    /// The text of `id`; the empty string for an id this dictionary never gave out.
    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id)
    }

    /// Makes room for `ids` more texts of `bytes` bytes in all, so that adding them moves and
    /// rehashes nothing already held; as much of it as memory allows (the rest grows as needed).
    pub fn try_reserve(&mut self, ids: usize, bytes: usize) {
        let Self { texts, table } = self;
        let _ = texts.arena.try_reserve(bytes);
        let _ = texts.ends.try_reserve(ids);
        let _ = table.try_reserve(ids, |&id| hash_text(texts.get(id)));
    }

    /// Every text in runs of consecutive ids of at least `bytes` bytes together (the last run
    /// may be shorter): each run's first id, its number of ids and their texts end to end, so a
    /// scan of all texts can read them a run at a time.
    pub fn runs(&self, bytes: usize) -> impl Iterator<Item = (u32, u32, &str)> + '_ {
        let ids = self.texts.ends.len() as u32;
        let mut first = 0u32;
        std::iter::from_fn(move || {
            if first >= ids {
                return None;
            }
            let start = self.start_of(first)?;
            let mut next = first;
            let mut end = start;
            while next < ids && (next == first || end - start < bytes) {
                end = self.start_of(next + 1)?;
                next += 1;
            }
            let run = (first, next - first, self.texts.arena.get(start..end)?);
            first = next;
            Some(run)
        })
    }

    /// The length in bytes of the text of `id` (0 for an id not given out), without reading it.
    pub fn text_len(&self, id: u32) -> usize {
        match (self.start_of(id), self.start_of(id.saturating_add(1))) {
            (Some(start), Some(end)) if (id as usize) < self.texts.ends.len() => {
                end.saturating_sub(start)
            }
            _ => 0,
        }
    }

    /// Where the text of `id` starts in the arena (the arena's end for the id after the last).
    fn start_of(&self, id: u32) -> Option<usize> {
        let Texts { ends, wraps, .. } = &self.texts;
        match id.checked_sub(1) {
            Some(previous) if wraps.is_empty() => ends.get(previous as usize).map(|&e| e as usize),
            Some(previous) => offset(ends, wraps, previous),
            None => Some(0),
        }
    }

    /// Bytes of text held.
    pub fn text_bytes(&self) -> usize {
        self.texts.arena.len()
    }

    /// The number of distinct strings, the empty string included.
    pub fn len(&self) -> usize {
        self.texts.ends.len()
    }

    /// Whether only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.texts.ends.len() <= 1
    }

    /// Heap bytes held: the texts, their ends and the hash table.
    pub fn memory_bytes(&self) -> usize {
        let texts = &self.texts;
        texts.arena.capacity()
            + (texts.ends.capacity() + texts.wraps.capacity()) * std::mem::size_of::<u32>()
            + table_bytes(self.table.capacity(), std::mem::size_of::<u32>())
    }
}

/// The text of `id` in an arena described by `ends` and `wraps`.
#[inline]
fn span<'a>(arena: &'a str, ends: &[u32], wraps: &[u32], id: u32) -> &'a str {
    let at = id as usize;
    let Some(&end) = ends.get(at) else {
        return "";
    };
    if wraps.is_empty() {
        // Under 4 GiB of text, the common case: ends are offsets as they are.
        let start = at.checked_sub(1).and_then(|previous| ends.get(previous));
        let start = start.map_or(0, |&start| start as usize);
        return arena.get(start..end as usize).unwrap_or("");
    }
    let start = match id.checked_sub(1) {
        Some(previous) => offset(ends, wraps, previous),
        None => Some(0),
    };
    match (start, offset(ends, wraps, id)) {
        (Some(start), Some(end)) => arena.get(start..end).unwrap_or(""),
        _ => "",
    }
}

/// The end of `id`'s text in the arena, with the 4 GiB spans passed up to it.
fn offset(ends: &[u32], wraps: &[u32], id: u32) -> Option<usize> {
    let low = u64::from(*ends.get(id as usize)?);
    let spans = wraps.partition_point(|&wrap| wrap <= id) as u64;
    usize::try_from((spans << 32) | low).ok()
}

/// Approximate heap bytes of a hashbrown table of `capacity` entries of `slot` bytes each: its
/// buckets (a power of two, at most 7/8 full) with one control byte each, plus one group of
/// trailing control bytes.
pub(crate) fn table_bytes(capacity: usize, slot: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 8 {
        (capacity + 1).next_power_of_two()
    } else {
        (capacity.saturating_mul(8) / 7).next_power_of_two()
    };
    buckets * (slot + 1) + 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_stable_and_empty_is_zero() {
        let mut dictionary = Dictionary::default();
        assert_eq!(dictionary.intern(""), 0);
        let a = dictionary.intern("a");
        let b = dictionary.intern("b");
        assert_eq!((a, b), (1, 2));
        assert_eq!(dictionary.intern("a"), a);
        assert_eq!(dictionary.text(b), "b");
        assert_eq!(dictionary.text(99), "");
        assert_eq!(dictionary.lookup("c"), None);
        assert_eq!(dictionary.len(), 3);
    }

    #[test]
    fn many_texts_round_trip_and_empty_texts_are_one_id() {
        let mut dictionary = Dictionary::default();
        let ids: Vec<u32> = (0..5000)
            .map(|n| dictionary.intern(&format!("t{n}é")))
            .collect();
        for (n, &id) in ids.iter().enumerate() {
            assert_eq!(dictionary.text(id), format!("t{n}é"));
            assert_eq!(dictionary.text_len(id), format!("t{n}é").len());
            assert_eq!(dictionary.lookup(&format!("t{n}é")), Some(id));
            assert_eq!(dictionary.intern(&format!("t{n}é")), id);
        }
        assert_eq!(dictionary.intern(""), 0);
        assert_eq!(dictionary.text(0), "");
        assert_eq!(
            (dictionary.text_len(0), dictionary.text_len(99_999)),
            (0, 0)
        );
        let runs: Vec<(u32, u32, &str)> = dictionary.runs(1000).collect();
        assert!(runs.len() > 1);
        assert_eq!(runs.iter().map(|run| run.1).sum::<u32>(), 5001);
        let whole: String = runs.iter().map(|run| run.2).collect();
        assert_eq!(
            whole,
            (1..=5000).map(|id| dictionary.text(id)).collect::<String>()
        );
        assert!(dictionary.memory_bytes() > 5000 * 4);
    }

    #[test]
    fn offsets_past_four_gib_are_exact() {
        // Spans are found from the ends and wrap points alone, so no 4 GiB arena is needed.
        let ends = [3, 10, 2, 5, 7];
        let wraps = [2, 4, 4];
        assert_eq!(offset(&ends, &wraps, 1), Some(10));
        if usize::BITS == 64 {
            assert_eq!(
                offset(&ends, &wraps, 2),
                usize::try_from((1u64 << 32) | 2).ok()
            );
            assert_eq!(
                offset(&ends, &wraps, 3),
                usize::try_from((1u64 << 32) | 5).ok()
            );
            assert_eq!(
                offset(&ends, &wraps, 4),
                usize::try_from((3u64 << 32) | 7).ok()
            );
        }
        assert_eq!(offset(&ends, &wraps, 5), None);
    }
}
