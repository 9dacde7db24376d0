//! The `eventID`s of the store: every event's is distinct (duplicates aside), so they are the
//! store's largest table. CloudTrail writes them as UUIDs (`8-4-4-4-12` lowercase hex), which
//! are kept as their 128 bits (16 bytes, not 36); any other text is kept as text in a
//! [`Dictionary`] beside them. Ids are dense `u32`s in order of first appearance, as in a
//! dictionary, id 0 being the empty string; a UUID's text is rebuilt when asked for, so it
//! reads back exactly as it was written.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::analytics::model::intern::{table_bytes, Dictionary};

/// Distinct `eventID`s, each given a dense id.
#[derive(Debug, Clone)]
pub struct EventIds {
    /// Per id: a UUID's bits, or (an id set in `other`) the id of its text in `others`.
    keys: Vec<u128>,
    /// One bit per id: set when its text is not a UUID as CloudTrail writes them.
    other: Vec<u64>,
    /// The texts that are not such UUIDs.
    others: Dictionary,
    /// Ids, found by the hash of their key.
    table: HashTable<u32>,
}

/// What an `eventID` is looked up by.
#[derive(Clone, Copy)]
enum Key<'a> {
    Uuid(u128),
    Text(&'a str),
}

impl Key<'_> {
    fn of(text: &str) -> Key<'_> {
        parse_uuid(text).map_or(Key::Text(text), Key::Uuid)
    }

    fn hash(self) -> u64 {
        match self {
            Key::Uuid(bits) => FxBuildHasher.hash_one(bits),
            Key::Text(text) => FxBuildHasher.hash_one(text),
        }
    }
}

impl Default for EventIds {
    fn default() -> Self {
        let mut ids = Self {
            keys: Vec::new(),
            other: Vec::new(),
            others: Dictionary::default(),
            table: HashTable::new(),
        };
        ids.intern_new("");
        ids
    }
}

impl EventIds {
    fn view(&self) -> View<'_> {
        View {
            keys: &self.keys,
            other: &self.other,
            others: &self.others,
        }
    }

    /// The id of `text`, and whether this call added it: one hash and one probe of the table.
    pub fn intern_new(&mut self, text: &str) -> (u32, bool) {
        let key = Key::of(text);
        let entry = {
            let Self {
                keys,
                other,
                others,
                table,
            } = self;
            let view = View {
                keys,
                other,
                others,
            };
            table.entry(
                key.hash(),
                |&id| view.same(id, key),
                |&id| view.key(id).hash(),
            )
        };
        match entry {
            Entry::Occupied(found) => (*found.get(), false),
            Entry::Vacant(vacant) => {
                let id = self.keys.len() as u32;
                vacant.insert(id);
                let at = id as usize;
                if self.other.len() <= at / 64 {
                    self.other.push(0);
                }
                match key {
                    Key::Uuid(bits) => self.keys.push(bits),
                    Key::Text(text) => {
                        self.keys.push(u128::from(self.others.intern(text)));
                        self.other[at / 64] |= 1 << (at % 64);
                    }
                }
                (id, true)
            }
        }
    }

    /// The id of `text` if it has been seen.
    pub fn lookup(&self, text: &str) -> Option<u32> {
        let key = Key::of(text);
        let view = self.view();
        self.table
            .find(key.hash(), |&id| view.same(id, key))
            .copied()
    }

    /// The text of `id`; the empty string for an id never given out.
    pub fn text(&self, id: u32) -> Cow<'_, str> {
        if id as usize >= self.keys.len() {
            return Cow::Borrowed("");
        }
        match self.view().key(id) {
            Key::Text(text) => Cow::Borrowed(text),
            Key::Uuid(bits) => Cow::Owned(format_uuid(bits)),
        }
    }

    /// Makes room for `ids` more ids, so that adding them moves and rehashes nothing already
    /// held; as much of it as memory allows.
    pub fn try_reserve(&mut self, ids: usize) {
        let _ = self.keys.try_reserve(ids);
        let _ = self.other.try_reserve(ids / 64 + 1);
        let Self {
            keys,
            other,
            others,
            table,
        } = self;
        let view = View {
            keys,
            other,
            others,
        };
        let _ = table.try_reserve(ids, |&id| view.key(id).hash());
    }

    /// The number of ids, the empty string's included.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.keys.len() <= 1
    }

    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<u128>()
            + self.other.capacity() * std::mem::size_of::<u64>()
            + self.others.memory_bytes()
            + table_bytes(self.table.capacity(), std::mem::size_of::<u32>())
    }
}

/// The ids' keys, borrowed apart from the table that hashes them.
struct View<'a> {
    keys: &'a [u128],
    other: &'a [u64],
    others: &'a Dictionary,
}

impl<'a> View<'a> {
    fn key(&self, id: u32) -> Key<'a> {
        let at = id as usize;
        let bits = self.keys.get(at).copied().unwrap_or_default();
        if self
            .other
            .get(at / 64)
            .is_some_and(|word| word >> (at % 64) & 1 == 1)
        {
            Key::Text(self.others.text(bits as u32))
        } else {
            Key::Uuid(bits)
        }
    }

    fn same(&self, id: u32, key: Key<'_>) -> bool {
        match (self.key(id), key) {
            (Key::Uuid(a), Key::Uuid(b)) => a == b,
            (Key::Text(a), Key::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// Where the dashes of a UUID's text are.
const DASHES: [usize; 4] = [8, 13, 18, 23];

/// The bits of a UUID written as CloudTrail writes them (36 characters, lowercase hex, dashes
/// at 8, 13, 18 and 23); `None` for any other text, which is then kept as text.
fn parse_uuid(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut bits = 0u128;
    for (at, &byte) in bytes.iter().enumerate() {
        if DASHES.contains(&at) {
            if byte != b'-' {
                return None;
            }
            continue;
        }
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => return None,
        };
        bits = bits << 4 | u128::from(digit);
    }
    Some(bits)
}

/// The text of a UUID's bits, as [`parse_uuid`] reads it.
fn format_uuid(bits: u128) -> String {
    let hex = format!("{bits:032x}");
    let mut text = String::with_capacity(36);
    for (at, part) in [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)] {
        if at > 0 {
            text.push('-');
        }
        text.push_str(&hex[at..part]);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_other_ids_read_back_exactly_and_are_found_again() {
        let mut ids = EventIds::default();
        let texts = [
            "3f1e2d4c-5b6a-4789-8abc-def012345678",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            // Not as CloudTrail writes them: kept as text, told apart from the lowercase one.
            "3F1E2D4C-5B6A-4789-8ABC-DEF012345678",
            "3f1e2d4c5b6a47898abcdef012345678",
            "3f1e2d4c-5b6a-4789-8abc-def01234567g",
            "e1",
            "{\"not\":\"an id\"}",
        ];
        let got: Vec<(u32, bool)> = texts.iter().map(|text| ids.intern_new(text)).collect();
        assert_eq!(got, (1..=8).map(|id| (id, true)).collect::<Vec<_>>());
        for (id, text) in (1..).zip(texts) {
            assert_eq!(ids.text(id), text);
            assert_eq!(ids.lookup(text), Some(id));
            assert_eq!(ids.intern_new(text), (id, false));
        }
        assert_eq!(ids.text(0), "");
        assert_eq!(ids.lookup(""), Some(0));
        assert_eq!(ids.text(99), "");
        assert_eq!(ids.lookup("3f1e2d4c-5b6a-4789-8abc-def012345679"), None);
        assert_eq!(ids.len(), 9);
    }

    #[test]
    fn many_ids_grow_the_table_and_stay_found() {
        let mut ids = EventIds::default();
        ids.try_reserve(1_000);
        let mut grown = EventIds::default();
        grown.try_reserve(20_001);
        let uuid = |n: u128| format_uuid(n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834));
        for n in 0..20_000u128 {
            let text = if n % 7 == 0 {
                format!("id-{n}")
            } else {
                uuid(n)
            };
            assert_eq!(ids.intern_new(&text), (n as u32 + 1, true));
            grown.intern_new(&text);
        }
        for n in (0..20_000u128).step_by(13) {
            let text = if n % 7 == 0 {
                format!("id-{n}")
            } else {
                uuid(n)
            };
            assert_eq!(ids.lookup(&text), Some(n as u32 + 1));
            assert_eq!(ids.text(n as u32 + 1), text);
        }
        // Room made ahead: 16 bytes a UUID and a few for the table, where their text is 36.
        assert!(
            grown.memory_bytes() < 20_000 * 28,
            "{}",
            grown.memory_bytes()
        );
    }
}
