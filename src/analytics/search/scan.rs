//! Free text over every distinct text at once: which texts of a [`Dictionary`] contain a
//! needle, ignoring case, exactly as [`contains_ignoring_case`] judges each one.
//!
//! The dictionary's texts lie end to end, so they are read in runs of about 64 KB: each run is
//! copied and lower-cased byte by byte (ASCII only), then searched with `memchr`'s substring
//! finder, which skips ahead with SIMD rather than comparing at every byte. A hit counts for
//! the text it starts in only if it ends there too; the rest of that text is then skipped. A
//! hit in ASCII bytes of a non-ASCII text is a hit once the text is lower-cased too (an ASCII
//! needle only matches ASCII bytes, which lower-case in place), but a non-ASCII text without
//! one may still match (the Kelvin sign lower-cases to `k`), so those are judged one by one.
//! A needle that is not ASCII judges every text one by one.

use memchr::memmem::Finder;

use super::leaf::contains_ignoring_case;
use crate::analytics::model::intern::Dictionary;

/// Bytes of text searched at a time.
const RUN_BYTES: usize = 64 * 1024;

/// For every id of `texts`, whether its text contains `lowered_needle` (already lower-cased)
/// when lower-cased.
pub(super) fn texts_containing(texts: &Dictionary, lowered_needle: &str) -> Vec<bool> {
    let mut found = vec![false; texts.len()];
    if !lowered_needle.is_ascii() || lowered_needle.is_empty() {
        for (id, verdict) in (0u32..).zip(found.iter_mut()) {
            *verdict = contains_ignoring_case(texts.text(id), lowered_needle);
        }
        return found;
    }
    let finder = Finder::new(lowered_needle.as_bytes());
    let needle_len = lowered_needle.len();
    let mut lowered = Vec::with_capacity(RUN_BYTES);
    for (first, count, run) in texts.runs(RUN_BYTES) {
        lowered.clear();
        lowered.extend_from_slice(run.as_bytes());
        lowered.make_ascii_lowercase();
        // The id the search has reached and where its text ends in the run.
        let mut id = first;
        let mut id_end = texts.text_len(id);
        let mut from = 0;
        while let Some(hit) = lowered.get(from..).and_then(|rest| finder.find(rest)) {
            let at = from + hit;
            while id_end <= at {
                id += 1;
                id_end += texts.text_len(id);
            }
            if at + needle_len <= id_end {
                if let Some(verdict) = found.get_mut(id as usize) {
                    *verdict = true;
                }
                from = id_end;
            } else {
                from = at + 1;
            }
        }
        if !run.is_ascii() {
            for id in first..first + count {
                let text = texts.text(id);
                if let Some(verdict) = found.get_mut(id as usize) {
                    if !*verdict && !text.is_ascii() {
                        *verdict = contains_ignoring_case(text, lowered_needle);
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_by_one(texts: &Dictionary, needle: &str) -> Vec<bool> {
        (0..texts.len() as u32)
            .map(|id| contains_ignoring_case(texts.text(id), needle))
            .collect()
    }

    #[test]
    fn every_text_is_judged_as_one_by_one_across_runs_and_boundaries() {
        let mut texts = Dictionary::default();
        // Hits across two texts, texts ending and starting with parts of the needle, empty
        // and non-ASCII texts, and enough text for many runs.
        let fixed = [
            "xa",
            "aab",
            "Terra",
            "form",
            "TERRAFORM/1.5",
            "\u{212A}ey",
            "ÄRGER",
            "a\u{212A}",
            "ey",
            "é",
            "terraforM",
            "k",
            "",
        ];
        for text in fixed {
            texts.intern(text);
        }
        let mut state = 7u32;
        for n in 0..40_000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let alphabet = [
                "a", "A", "b", "k", "\u{212A}", "é", "terra", "FORM", "/", "ey",
            ];
            let text: String = (0..(state >> 16) % 12)
                .map(|i| alphabet[((state >> (i % 16)) as usize + n) % alphabet.len()])
                .collect();
            texts.intern(&text);
        }
        for needle in [
            "aa",
            "ab",
            "terraform",
            "key",
            "k",
            "ärg",
            "é",
            "kk",
            "a/",
            "z",
            "",
        ] {
            assert_eq!(
                texts_containing(&texts, needle),
                one_by_one(&texts, needle),
                "{needle:?}"
            );
        }
        assert!(texts.runs(RUN_BYTES).count() > 1);
    }

    #[test]
    fn a_text_longer_than_a_run_is_a_run_of_its_own() {
        let mut texts = Dictionary::default();
        let long = format!("{}TerraForm", "x".repeat(RUN_BYTES * 2));
        let id = texts.intern(&long);
        texts.intern("terraform");
        let found = texts_containing(&texts, "terraform");
        assert_eq!(found, vec![false, true, true]);
        assert_eq!(texts.text(id), long);
    }
}
