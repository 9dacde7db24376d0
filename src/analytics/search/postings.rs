//! Posting lists: strictly increasing event ids, kept as 16-bit gaps (a gap of 65535 or more
//! is an escape followed by its two halves), appended to one id at a time and read forwards.
//!
//! Fixed-width gaps halve the bytes of plain ids yet keep reading fast: the escape is rare
//! and predictable, so the position of each gap never waits on decoding the one before (a
//! byte-wise varint measured about a third slower on dense facets and negations).
//!
//! This file must not know about queries or records.

/// The escape: the gap follows as its low then its high 16 bits.
const ESCAPE: u16 = u16::MAX;

/// An appendable posting list: the first id, then each gap to the previous id.
#[derive(Debug, Clone, Default)]
pub(super) struct PackedList {
    units: Vec<u16>,
    /// The last id appended (meaningless while `units` is empty).
    last: u32,
}

impl PackedList {
    /// A list holding `first` and then `second` (if above it).
    pub(super) fn pair(first: u32, second: u32) -> Self {
        let mut list = Self::default();
        list.push_once(first);
        list.push_once(second);
        list
    }

    /// A list holding `event` alone.
    pub(super) fn one(event: u32) -> Self {
        let mut list = Self::default();
        list.push_once(event);
        list
    }

    /// Appends `event` when it is above the last id; a repeat (one event reaching a path
    /// twice) or a lower id is ignored, so the list stays strictly increasing.
    pub(super) fn push_once(&mut self, event: u32) {
        let gap = if self.units.is_empty() {
            event
        } else if event > self.last {
            event - self.last
        } else {
            return;
        };
        self.last = event;
        match u16::try_from(gap) {
            Ok(short) if short != ESCAPE => self.units.push(short),
            _ => self
                .units
                .extend([ESCAPE, (gap & 0xffff) as u16, (gap >> 16) as u16]),
        }
    }

    /// A view of the ids.
    pub(super) fn postings(&self) -> Postings<'_> {
        Postings(Repr::Packed(&self.units))
    }

    /// Heap bytes held (the list's own struct apart).
    pub(super) fn heap_bytes(&self) -> usize {
        self.units.capacity() * std::mem::size_of::<u16>()
    }
}

/// The sorted, distinct event ids of one term (or of one path's containers), borrowed from
/// the index; iterate with [`Postings::iter`].
#[derive(Debug, Clone, Copy)]
pub struct Postings<'a>(Repr<'a>);

#[derive(Debug, Clone, Copy)]
enum Repr<'a> {
    One(u32),
    Packed(&'a [u16]),
}

impl<'a> Postings<'a> {
    /// The single id `event`.
    pub(super) fn one(event: u32) -> Self {
        Self(Repr::One(event))
    }

    /// No id.
    pub(super) fn none() -> Self {
        Self(Repr::Packed(&[]))
    }

    /// The ids in increasing order.
    pub fn iter(&self) -> PostingsIter<'a> {
        match self.0 {
            Repr::One(event) => PostingsIter {
                units: &[],
                previous: 0,
                pending: Some(event),
            },
            Repr::Packed(units) => PostingsIter {
                units,
                previous: 0,
                pending: None,
            },
        }
    }
}

impl<'a> IntoIterator for Postings<'a> {
    type Item = u32;
    type IntoIter = PostingsIter<'a>;

    fn into_iter(self) -> PostingsIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Postings<'a> {
    type Item = u32;
    type IntoIter = PostingsIter<'a>;

    fn into_iter(self) -> PostingsIter<'a> {
        self.iter()
    }
}

/// The gap starting at `units[at]` and its length in units; `None` at the end.
#[inline]
fn decode(units: &[u16], at: usize) -> Option<(u32, usize)> {
    let first = *units.get(at)?;
    if first != ESCAPE {
        return Some((u32::from(first), 1));
    }
    let low = units.get(at + 1).copied().unwrap_or(0);
    let high = units.get(at + 2).copied().unwrap_or(0);
    Some((u32::from(low) | (u32::from(high) << 16), 3))
}

/// The ids of a [`Postings`], in increasing order.
#[derive(Debug, Clone)]
pub struct PostingsIter<'a> {
    units: &'a [u16],
    previous: u32,
    pending: Option<u32>,
}

impl Iterator for PostingsIter<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        let (gap, len) = decode(self.units, 0)?;
        self.units = self.units.get(len..).unwrap_or(&[]);
        self.previous = self.previous.wrapping_add(gap);
        Some(self.previous)
    }

    /// The tight loop behind `for_each`, `count` and the like: no per-id `Option`.
    #[inline]
    fn fold<B, F: FnMut(B, u32) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = init;
        if let Some(event) = self.pending {
            acc = f(acc, event);
        }
        let mut previous = self.previous;
        let mut at = 0;
        while let Some((gap, len)) = decode(self.units, at) {
            at += len;
            previous = previous.wrapping_add(gap);
            acc = f(acc, previous);
        }
        acc
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let pending = usize::from(self.pending.is_some());
        (
            pending + self.units.len().div_ceil(3),
            Some(pending + self.units.len()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{PackedList, Postings};

    #[test]
    fn ids_round_trip_with_repeats_and_lower_ids_ignored() {
        let ids = [
            0,
            1,
            2,
            65_534,
            65_535,
            131_069,
            131_070,
            131_071,
            1 << 28,
            u32::MAX - 1,
            u32::MAX,
        ];
        let mut list = PackedList::default();
        for &id in &ids {
            list.push_once(id);
            list.push_once(id);
            list.push_once(id.saturating_sub(1));
        }
        assert_eq!(list.postings().iter().collect::<Vec<_>>(), ids);
        let mut folded = Vec::new();
        list.postings().iter().for_each(|id| folded.push(id));
        assert_eq!(folded, ids);
        assert_eq!(
            PackedList::pair(7, 7).postings().iter().collect::<Vec<_>>(),
            [7]
        );
        assert_eq!(
            PackedList::pair(5, u32::MAX)
                .postings()
                .iter()
                .collect::<Vec<_>>(),
            [5, u32::MAX]
        );
        assert_eq!(
            PackedList::one(9).postings().iter().collect::<Vec<_>>(),
            [9]
        );
        assert_eq!(Postings::one(4).into_iter().collect::<Vec<_>>(), [4]);
        assert_eq!(Postings::none().iter().count(), 0);
        assert!(PackedList::pair(10, 11).heap_bytes() >= 4);
    }
}
