//! Deterministic draws from a seeded `fastrand::Rng`. Only `u32`/`u64`/`i64` draws are used:
//! fastrand's `usize` draws differ between 32-bit wasm and 64-bit native, and generated trails
//! must be the same bytes on both.

use fastrand::Rng;

/// A uniform index below `n` (0 when `n` is 0).
pub(crate) fn below(rng: &mut Rng, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        rng.u32(..u32::try_from(n).unwrap_or(u32::MAX)) as usize
    }
}

/// A uniformly chosen element, `None` for an empty slice.
pub(crate) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(below(rng, items.len()))
}

/// A uniformly chosen string, `""` for an empty slice.
pub(crate) fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    pick(rng, items).copied().unwrap_or_default()
}

/// An element chosen in proportion to its weight.
pub(crate) fn pick_weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> Option<T> {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    let mut x = if total == 0 { 0 } else { rng.u32(..total) };
    for &(item, weight) in items {
        if x < weight {
            return Some(item);
        }
        x -= weight;
    }
    items.last().map(|&(item, _)| item)
}

/// True with probability `per_mille` / 1000.
pub(crate) fn chance(rng: &mut Rng, per_mille: u32) -> bool {
    rng.u32(..1_000) < per_mille
}

/// A uniform integer in `low..=high` (just `low` if the range is empty).
pub(crate) fn between(rng: &mut Rng, low: i64, high: i64) -> i64 {
    if high <= low {
        low
    } else {
        rng.i64(low..=high)
    }
}

/// A random version 4 UUID in its usual text form.
pub(crate) fn uuid(rng: &mut Rng) -> String {
    let high = (rng.u64(..) & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let low = (rng.u64(..) & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(crate) const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub(crate) const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

/// `len` characters drawn uniformly from `alphabet`.
pub(crate) fn token(rng: &mut Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .filter_map(|_| pick(rng, alphabet).map(|&b| char::from(b)))
        .collect()
}

/// Zipf-like popularity over `n` ranked items: item `i` (0-based) is drawn in proportion to
/// `1 / (i + 1)^s`. The weights are integers computed with square roots and products only
/// (both exactly rounded in IEEE arithmetic), so every platform draws the same items.
pub(crate) struct Zipf {
    /// Running totals of the weights; the last is the total.
    cumulative: Vec<u64>,
}

impl Zipf {
    /// Popularity over `n` items with exponent `s = sixteenths / 16`.
    pub(crate) fn new(n: usize, sixteenths: u32) -> Self {
        let mut total = 0u64;
        let cumulative = (1..=n)
            .map(|rank| {
                // rank^(1/16) by four square roots, then raised to `sixteenths` by products.
                let root = (rank as f64).sqrt().sqrt().sqrt().sqrt();
                let mut power = 1.0f64;
                for _ in 0..sixteenths {
                    power *= root;
                }
                total += ((1u64 << 40) as f64 / power) as u64 + 1;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank, `0..n` (0 when `n` is 0).
    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = rng.u64(..total);
        self.cumulative.partition_point(|&running| running <= x)
    }
}
