//! Interning of repeated strings into dense `u32` ids, one dictionary per column.
//!
//! Id 0 is always the empty string, so "no value" needs no `Option` in the columns, and counting
//! by value is an array indexed by id.

use rustc_hash::FxHashMap;

/// A dictionary of distinct strings, each given a dense id in order of first appearance.
#[derive(Debug, Clone)]
pub struct Dictionary {
    id_by_text: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Default for Dictionary {
    fn default() -> Self {
        let mut dictionary = Self {
            id_by_text: FxHashMap::default(),
            texts: Vec::new(),
        };
        dictionary.intern("");
        dictionary
    }
}

impl Dictionary {
    /// The id of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.id_by_text.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.into());
        self.id_by_text.insert(text.into(), id);
        id
    }

    /// The id of `text` if it has been seen.
    pub fn lookup(&self, text: &str) -> Option<u32> {
        self.id_by_text.get(text).copied()
    }

    /// The text of `id`; the empty string for an id this dictionary never gave out.
    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", |text| text)
    }

    /// The number of distinct strings, the empty string included.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.texts.len() <= 1
    }
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
}
