//! One record's JSON text walked straight into a flat list of entries (every object, array and
//! leaf with its parent, its step from it, and its text), without building a `Value`: the index
//! is built from these. Keys and leaf texts are copied end to end into one reused `String`, so
//! a record costs no allocation once the buffers have grown.
//!
//! A record whose objects repeat a key is marked: a parsed `Value` keeps only the last of
//! them, and the index must hold what the evaluator sees, so such a record is indexed from its
//! `Value` instead.

use std::fmt;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::index::Kind;

/// How an entry is reached from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WalkStep {
    /// The record itself.
    Root,
    /// A member; its name is `Walk::text[start..end]`.
    Key(u32, u32),
    /// An array element.
    Index(u32),
}

/// An object or array, or a leaf with its text at `Walk::text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WalkValue {
    Container,
    Leaf(Kind, u32, u32),
}

/// One value of the record, in document order (a parent before its children).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    /// The position of the parent entry (the root's is its own, 0).
    pub parent: u32,
    pub step: WalkStep,
    pub value: WalkValue,
}

/// The entries of one record, and the texts they point into.
#[derive(Debug, Clone, Default)]
pub(super) struct Walk {
    pub entries: Vec<Entry>,
    pub text: String,
    /// Whether some object repeats a key.
    pub repeated_key: bool,
    /// The names of the object being read, as (hash, start, end), for finding repeats.
    names: Vec<(u64, u32, u32)>,
}

impl Walk {
    /// Reads `json` into entries; `false` if it is not one JSON value (the entries are then
    /// incomplete).
    pub fn read(&mut self, json: &str) -> bool {
        self.entries.clear();
        self.text.clear();
        self.repeated_key = false;
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let seed = Seed {
            walk: self,
            parent: 0,
            step: WalkStep::Root,
        };
        seed.deserialize(&mut deserializer).is_ok() && deserializer.end().is_ok()
    }

    /// The text a leaf or key points at.
    pub fn slice(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn push_text(&mut self, text: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        (start, self.text.len() as u32)
    }

    fn push(&mut self, parent: u32, step: WalkStep, value: WalkValue) -> u32 {
        self.entries.push(Entry {
            parent,
            step,
            value,
        });
        (self.entries.len() - 1) as u32
    }

    fn leaf(&mut self, parent: u32, step: WalkStep, kind: Kind, text: &str) {
        let (start, end) = self.push_text(text);
        self.push(parent, step, WalkValue::Leaf(kind, start, end));
    }

    /// Whether the names `from..` of one object hold a repeat.
    fn repeats_from(&mut self, from: usize) -> bool {
        let Some(names) = self.names.get_mut(from..) else {
            return false;
        };
        if names.len() < 2 {
            return false;
        }
        names.sort_unstable();
        let text = &self.text;
        let name = |&(_, start, end): &(u64, u32, u32)| text.get(start as usize..end as usize);
        names
            .windows(2)
            .any(|pair| pair[0].0 == pair[1].0 && name(&pair[0]) == name(&pair[1]))
    }
}

/// Reads one value into the walk, as the child of `parent` by `step`.
struct Seed<'w> {
    walk: &'w mut Walk,
    parent: u32,
    step: WalkStep,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        let text = if value { "true" } else { "false" };
        self.walk.leaf(self.parent, self.step, Kind::Bool, text);
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        self.number(&serde_json::Number::from(value));
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.number(&serde_json::Number::from(value));
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        // JSON text never reads as a non-finite number, so this is always `Some`.
        if let Some(number) = serde_json::Number::from_f64(value) {
            self.number(&number);
        }
        Ok(())
    }

    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        self.walk.leaf(self.parent, self.step, Kind::String, value);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.walk.leaf(self.parent, self.step, Kind::Null, "null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let me = walk.push(self.parent, self.step, WalkValue::Container);
        let mut position = 0u32;
        loop {
            let seed = Seed {
                walk: &mut *walk,
                parent: me,
                step: WalkStep::Index(position),
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            position += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let me = walk.push(self.parent, self.step, WalkValue::Container);
        let names_from = walk.names.len();
        while let Some((start, end)) = map.next_key_seed(Name { walk: &mut *walk })? {
            let hash = FxBuildHasher.hash_one(walk.slice(start, end));
            walk.names.push((hash, start, end));
            map.next_value_seed(Seed {
                walk: &mut *walk,
                parent: me,
                step: WalkStep::Key(start, end),
            })?;
        }
        if walk.repeats_from(names_from) {
            walk.repeated_key = true;
        }
        walk.names.truncate(names_from);
        Ok(())
    }
}

impl Seed<'_> {
    fn number(self, number: &serde_json::Number) {
        let text = number.to_string();
        self.walk.leaf(self.parent, self.step, Kind::Number, &text);
    }
}

/// Reads a member's name into the walk's text; gives its place there.
struct Name<'w> {
    walk: &'w mut Walk,
}

impl<'de> DeserializeSeed<'de> for Name<'_> {
    type Value = (u32, u32);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(u32, u32), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Name<'_> {
    type Value = (u32, u32);

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_str<E>(self, value: &str) -> Result<(u32, u32), E> {
        Ok(self.walk.push_text(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(json: &str) -> Vec<(u32, String, String)> {
        let mut walk = Walk::default();
        assert!(walk.read(json), "{json}");
        walk.entries
            .iter()
            .map(|entry| {
                let step = match entry.step {
                    WalkStep::Root => "$".to_owned(),
                    WalkStep::Key(start, end) => walk.slice(start, end).to_owned(),
                    WalkStep::Index(position) => format!("[{position}]"),
                };
                let value = match entry.value {
                    WalkValue::Container => "{}".to_owned(),
                    WalkValue::Leaf(kind, start, end) => {
                        format!("{kind:?} {}", walk.slice(start, end))
                    }
                };
                (entry.parent, step, value)
            })
            .collect()
    }

    #[test]
    fn every_value_in_document_order_with_its_parent() {
        let got = entries(r#"{"a":"x\"y","b":[1,-2,2.5e0,true,null],"c":{"d":{}}}"#);
        let want = [
            (0, "$", "{}"),
            (0, "a", "String x\"y"),
            (0, "b", "{}"),
            (2, "[0]", "Number 1"),
            (2, "[1]", "Number -2"),
            (2, "[2]", "Number 2.5"),
            (2, "[3]", "Bool true"),
            (2, "[4]", "Null null"),
            (0, "c", "{}"),
            (8, "d", "{}"),
        ];
        let want: Vec<(u32, String, String)> = want
            .iter()
            .map(|&(parent, step, value)| (parent, step.to_owned(), value.to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn repeated_keys_are_noticed_in_any_object_and_only_within_one() {
        let mut walk = Walk::default();
        for (json, repeated) in [
            (r#"{"a":1,"b":{"a":2},"c":[{"a":3}]}"#, false),
            (r#"{"a":1,"b":2,"a":3}"#, true),
            (r#"{"x":{"k":1,"j":2,"k":3}}"#, true),
            (r#"[{"k":1},{"k":2}]"#, false),
        ] {
            assert!(walk.read(json));
            assert_eq!(walk.repeated_key, repeated, "{json}");
        }
    }

    #[test]
    fn text_that_is_not_one_value_is_refused() {
        let mut walk = Walk::default();
        for json in [r#"{"a":1"#, r#"{"a":1} {}"#, "", "nul"] {
            assert!(!walk.read(json), "{json}");
        }
    }
}
