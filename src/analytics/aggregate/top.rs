//! Top-N lists: the most frequent values of a field in a selection, with counts and shares.

use crate::analytics::model::field::Field;
use crate::analytics::store::Store;

/// One value and how often it occurs.
#[derive(Debug, Clone, PartialEq)]
pub struct TopItem {
    /// The value.
    pub key: String,
    /// Selected events with this value.
    pub count: u64,
    /// `count` over the selected events.
    pub share: f64,
}

/// The most frequent values of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct TopList {
    /// The field counted.
    pub field: Field,
    /// The values, most frequent first, ties by value.
    pub items: Vec<TopItem>,
    /// How many distinct non-empty values the selection has.
    pub n_distinct: u64,
}

/// How many of `events` hold each value of `field`, indexed by the value's dictionary id.
pub fn count(store: &Store, events: impl Iterator<Item = u32>, field: Field) -> Vec<u64> {
    let mut counts = Vec::new();
    count_into(&mut counts, store, events, field);
    counts
}

/// Adds the counts of `field`'s values over `events` to `counts` (indexed by value id), which
/// grows to hold every value of the field.
pub fn count_into(
    counts: &mut Vec<u64>,
    store: &Store,
    events: impl Iterator<Item = u32>,
    field: Field,
) {
    counts.resize(counts.len().max(store.dictionary(field).len()), 0);
    store.column(field).count_into(counts, events);
}

/// The top list of `field` from its values' counts ([`count`]) over `total` selected events:
/// the `limit` most frequent non-empty values, ties by value.
pub fn rank(store: &Store, field: Field, counts: &[u64], total: u64, limit: usize) -> TopList {
    let dictionary = store.dictionary(field);
    let total = total.max(1) as f64;
    let mut ranked: Vec<(u32, u64)> = counts
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, &count)| count > 0)
        .map(|(id, &count)| (id as u32, count))
        .collect();
    let n_distinct = ranked.len() as u64;
    let order = |a: &(u32, u64), b: &(u32, u64)| {
        b.1.cmp(&a.1)
            .then_with(|| dictionary.text(a.0).cmp(dictionary.text(b.0)))
    };
    // Only the first `limit` are ordered (values are distinct, so the order is total).
    if ranked.len() > limit && limit > 0 {
        ranked.select_nth_unstable_by(limit - 1, order);
        ranked.truncate(limit);
    }
    ranked.sort_by(order);
    let items = ranked
        .into_iter()
        .take(limit)
        .map(|(id, count)| TopItem {
            key: dictionary.text(id).to_owned(),
            count,
            share: count as f64 / total,
        })
        .collect();
    TopList {
        field,
        items,
        n_distinct,
    }
}
