//! A column of small ids (dictionary ids, counts), stored as narrow as its largest value
//! allows: one byte while every value is below 256, two below 65,536, else four. Most of a
//! trail's fields have a few distinct values (regions, services, error codes, identity types),
//! so most columns take one or two bytes an event instead of four. A value too large for the
//! width widens the whole column once.

/// One column: values in order, each read back as a `u32`.
#[derive(Debug, Clone)]
pub enum Column {
    /// Every value below 256.
    U8(Vec<u8>),
    /// Every value below 65,536.
    U16(Vec<u16>),
    /// Any value.
    U32(Vec<u32>),
}

impl Default for Column {
    fn default() -> Self {
        Column::U8(Vec::new())
    }
}

impl Column {
    /// Appends `value`, widening the column first if it does not fit.
    pub fn push(&mut self, value: u32) {
        self.fit(value);
        match self {
            Column::U8(values) => values.push(value as u8),
            Column::U16(values) => values.push(value as u16),
            Column::U32(values) => values.push(value),
        }
    }

    /// Sets value `at` (if there is one), widening the column first if it does not fit.
    pub fn set(&mut self, at: usize, value: u32) {
        self.fit(value);
        match self {
            Column::U8(values) => {
                if let Some(slot) = values.get_mut(at) {
                    *slot = value as u8;
                }
            }
            Column::U16(values) => {
                if let Some(slot) = values.get_mut(at) {
                    *slot = value as u16;
                }
            }
            Column::U32(values) => {
                if let Some(slot) = values.get_mut(at) {
                    *slot = value;
                }
            }
        }
    }

    /// Widens the column so that `value` fits.
    fn fit(&mut self, value: u32) {
        match self {
            Column::U8(values) if value > u32::from(u8::MAX) => {
                *self = if value > u32::from(u16::MAX) {
                    Column::U32(widen(values))
                } else {
                    Column::U16(widen(values))
                };
            }
            Column::U16(values) if value > u32::from(u16::MAX) => {
                *self = Column::U32(widen(values));
            }
            _ => {}
        }
    }

    /// Value `at`, if there is one.
    #[inline]
    pub fn get(&self, at: usize) -> Option<u32> {
        match self {
            Column::U8(values) => values.get(at).map(|&value| u32::from(value)),
            Column::U16(values) => values.get(at).map(|&value| u32::from(value)),
            Column::U32(values) => values.get(at).copied(),
        }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::U8(values) => values.len(),
            Column::U16(values) => values.len(),
            Column::U32(values) => values.len(),
        }
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every value, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).filter_map(|at| self.get(at))
    }

    /// Calls `visit(at, value)` for the value at each of `ats` (skipping any past the end),
    /// choosing the column's width once rather than at every value: the loops that count
    /// events go through here.
    #[inline]
    pub fn for_each(&self, ats: impl Iterator<Item = u32>, visit: impl FnMut(u32, u32)) {
        fn each<T: Copy + Into<u32>>(
            values: &[T],
            ats: impl Iterator<Item = u32>,
            mut visit: impl FnMut(u32, u32),
        ) {
            for at in ats {
                if let Some(&value) = values.get(at as usize) {
                    visit(at, value.into());
                }
            }
        }
        match self {
            Column::U8(values) => each(values, ats, visit),
            Column::U16(values) => each(values, ats, visit),
            Column::U32(values) => each(values, ats, visit),
        }
    }

    /// Adds one to `counts[value]` for the value at each of `ats` (a value past the end of
    /// `counts` is not counted).
    #[inline]
    pub fn count_into(&self, counts: &mut [u64], ats: impl Iterator<Item = u32>) {
        self.for_each(ats, |_, value| {
            if let Some(count) = counts.get_mut(value as usize) {
                *count += 1;
            }
        });
    }

    /// Makes room for `additional` more values at the current width, if memory allows.
    pub fn try_reserve(&mut self, additional: usize) {
        let _ = match self {
            Column::U8(values) => values.try_reserve(additional),
            Column::U16(values) => values.try_reserve(additional),
            Column::U32(values) => values.try_reserve(additional),
        };
    }

    /// Bytes held (capacity).
    pub fn memory_bytes(&self) -> usize {
        match self {
            Column::U8(values) => values.capacity(),
            Column::U16(values) => values.capacity() * 2,
            Column::U32(values) => values.capacity() * 4,
        }
    }
}

/// `values` converted to a wider type, with room for as many values as they had.
fn widen<Narrow: Copy, Wide: From<Narrow>>(values: &Vec<Narrow>) -> Vec<Wide> {
    let mut wide = Vec::with_capacity(values.capacity());
    wide.extend(values.iter().map(|&value| Wide::from(value)));
    wide
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_widens_as_values_grow_and_reads_back_every_value() {
        let mut column = Column::default();
        let values: Vec<u32> = (0..300)
            .map(|i| i * 7 % 250)
            .chain([300, 5, 70_000, 1, 0])
            .collect();
        for (at, &value) in values.iter().enumerate() {
            column.push(value);
            let width = match column {
                Column::U8(_) => 1,
                Column::U16(_) => 2,
                Column::U32(_) => 4,
            };
            let largest = values[..=at].iter().copied().max().unwrap_or(0);
            let needed = if largest < 256 {
                1
            } else if largest < 65_536 {
                2
            } else {
                4
            };
            assert_eq!(width, needed, "after {at} values");
        }
        assert_eq!(column.iter().collect::<Vec<_>>(), values);
        assert_eq!(column.get(values.len()), None);
        column.set(3, 99);
        column.set(10_000, 1);
        assert_eq!(column.get(3), Some(99));
        let mut counts = Column::default();
        counts.push(0);
        counts.set(0, 1_000);
        assert_eq!((counts.get(0), counts.len()), (Some(1_000), 1));
        assert!(matches!(counts, Column::U16(_)));
    }
}
