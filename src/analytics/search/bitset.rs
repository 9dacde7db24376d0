//! A fixed-size set of event ids, one bit per event: what the indexed executor returns.
//!
//! This file must not know about queries or records.

/// A set of event ids in `0..len`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u64>,
    len: u32,
}

impl Bitset {
    /// The empty set over `0..len`.
    pub fn empty(len: u32) -> Self {
        Self {
            words: vec![0; len.div_ceil(64) as usize],
            len,
        }
    }

    /// The set of the given ids over `0..len`; ids at or past `len` are left out.
    pub fn from_ids(len: u32, ids: impl IntoIterator<Item = u32>) -> Self {
        let mut set = Self::empty(len);
        for id in ids {
            set.insert(id);
        }
        set
    }

    /// The size of the universe, `len` in `0..len`.
    pub fn universe(&self) -> u32 {
        self.len
    }

    /// Adds `id`; an id at or past the universe is ignored.
    pub fn insert(&mut self, id: u32) {
        if id < self.len {
            if let Some(word) = self.words.get_mut((id / 64) as usize) {
                *word |= 1 << (id % 64);
            }
        }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: u32) -> bool {
        self.words
            .get((id / 64) as usize)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }

    /// The number of ids in the set.
    pub fn count(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// Whether the set has no id.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&word| word == 0)
    }

    /// Keeps the ids also in `other`.
    pub fn intersect_with(&mut self, other: &Bitset) {
        for (position, word) in self.words.iter_mut().enumerate() {
            *word &= other.words.get(position).copied().unwrap_or(0);
        }
    }

    /// Adds the ids of `other` that are inside this set's universe.
    pub fn union_with(&mut self, other: &Bitset) {
        for (word, other_word) in self.words.iter_mut().zip(&other.words) {
            *word |= other_word;
        }
        self.clear_past_len();
    }

    /// Removes the ids of `other`.
    pub fn subtract(&mut self, other: &Bitset) {
        for (word, other_word) in self.words.iter_mut().zip(&other.words) {
            *word &= !other_word;
        }
    }

    /// The ids in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(position, &word)| {
            let base = position as u32 * 64;
            let mut remaining = word;
            std::iter::from_fn(move || {
                if remaining == 0 {
                    return None;
                }
                let bit = remaining.trailing_zeros();
                remaining &= remaining - 1;
                Some(base + bit)
            })
        })
    }

    /// Builds a set from raw words (bit `i` of word `w` is id `64 w + i`) cut to `0..len`.
    pub(super) fn from_words(len: u32, words: &[u64]) -> Self {
        let mut set = Self::empty(len);
        for (word, source) in set.words.iter_mut().zip(words) {
            *word = *source;
        }
        set.clear_past_len();
        set
    }

    fn clear_past_len(&mut self) {
        let used_bits = self.len % 64;
        if used_bits != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << used_bits) - 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_respect_the_universe() {
        let mut a = Bitset::from_ids(70, [0, 3, 64, 69, 70, 500]);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 3, 64, 69]);
        let b = Bitset::from_ids(200, [3, 69, 150]);
        let mut both = a.clone();
        both.intersect_with(&b);
        assert_eq!(both.iter().collect::<Vec<_>>(), vec![3, 69]);
        a.union_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 3, 64, 69]);
        a.subtract(&Bitset::from_ids(70, [0, 64]));
        assert_eq!(a.count(), 2);
        assert!(!a.contains(0) && a.contains(3) && !a.contains(1000));
        assert_eq!(Bitset::from_words(3, &[u64::MAX]).count(), 3);
    }
}
