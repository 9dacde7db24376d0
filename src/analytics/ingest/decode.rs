//! From file bytes to text: gzip is recognised by its magic bytes (whatever the file is called),
//! inflated with every member, and capped; the text is validated as UTF-8 once.
//!
//! A stream cut short or corrupt keeps what inflated before the fault and says so.

use std::io::Read as _;

use flate2::read::MultiGzDecoder;

/// The default cap on one file's decompressed size.
pub const DEFAULT_MAX_DECODED_BYTES: usize = 1 << 30;

/// File bytes turned into text, with the problem met on the way if any.
#[derive(Debug)]
pub struct Decoded {
    /// The UTF-8 text (for a faulty stream, what decoded before the fault).
    pub text: String,
    /// Whether the bytes were gzip.
    pub was_gzip: bool,
    /// What went wrong, if anything; the text may still hold records.
    pub problem: Option<String>,
    /// Whether the problem means the text ends early (so a parse error at its end is expected).
    pub cut_short: bool,
}

/// Whether `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Inflates (when gzip) and validates `bytes` as UTF-8, keeping at most `max_decoded_bytes`.
pub fn decode(bytes: &[u8], max_decoded_bytes: usize) -> Decoded {
    let mut problem = None;
    let mut cut_short = false;
    let was_gzip = is_gzip(bytes);
    let raw = if was_gzip {
        let mut out = Vec::with_capacity(size_hint_from_trailer(bytes, max_decoded_bytes));
        let limit = max_decoded_bytes as u64 + 1;
        let result = MultiGzDecoder::new(bytes).take(limit).read_to_end(&mut out);
        if out.len() > max_decoded_bytes {
            out.truncate(max_decoded_bytes);
            problem = Some(format!(
                "decompresses to more than {} MB, the per-file limit (raise it in the Files panel and load the file again); only the first {} MB were read",
                max_decoded_bytes >> 20,
                max_decoded_bytes >> 20
            ));
            cut_short = true;
        } else if let Err(error) = result {
            problem = Some(format!(
                "gzip data is truncated or corrupt after {} decompressed bytes ({error})",
                out.len()
            ));
            cut_short = true;
        }
        out
    } else if bytes.len() > max_decoded_bytes {
        problem = Some(format!(
            "larger than {} MB, the per-file limit (raise it in the Files panel and load the file again); only the first {} MB were read",
            max_decoded_bytes >> 20,
            max_decoded_bytes >> 20
        ));
        cut_short = true;
        bytes[..max_decoded_bytes].to_vec()
    } else {
        bytes.to_vec()
    };
    let text = match String::from_utf8(raw) {
        Ok(text) => text,
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let mut raw = error.into_bytes();
            // A cut stream often ends inside a multi-byte character; that is not a second fault.
            let ends_early = cut_short && raw.len() - valid_up_to < 4;
            if !ends_early && problem.is_none() {
                problem = Some(format!(
                    "not UTF-8 text: invalid byte sequence at byte {valid_up_to}"
                ));
                cut_short = true;
            }
            raw.truncate(valid_up_to);
            String::from_utf8(raw).unwrap_or_default()
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Decoded {
        text,
        was_gzip,
        problem,
        cut_short,
    }
}

/// The output capacity to reserve: the gzip trailer's ISIZE (size mod 2^32 of the last member),
/// trusted only within reason.
fn size_hint_from_trailer(bytes: &[u8], max_decoded_bytes: usize) -> usize {
    let Some(trailer) = bytes
        .len()
        .checked_sub(4)
        .and_then(|start| bytes.get(start..))
    else {
        return 0;
    };
    let isize = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) as usize;
    // A single-member file inflates at most ~1032x; anything outside is a wrapped or bogus ISIZE.
    let plausible = isize >= bytes.len() && isize <= bytes.len().saturating_mul(1032);
    if plausible {
        isize.min(max_decoded_bytes)
    } else {
        bytes.len().saturating_mul(8).min(max_decoded_bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use flate2::{write::GzEncoder, Compression};

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn plain_text_passes_through_and_bom_is_dropped() {
        let decoded = decode("\u{feff}{\"Records\":[]}".as_bytes(), 1 << 20);
        assert_eq!(decoded.text, "{\"Records\":[]}");
        assert!(!decoded.was_gzip);
        assert!(decoded.problem.is_none());
    }

    #[test]
    fn gzip_is_found_by_magic_and_members_are_concatenated() {
        let mut bytes = gzip(b"{\"Rec");
        bytes.extend(gzip(b"ords\":[]}"));
        let decoded = decode(&bytes, 1 << 20);
        assert!(decoded.was_gzip);
        assert_eq!(decoded.text, "{\"Records\":[]}");
        assert!(decoded.problem.is_none());
    }

    #[test]
    fn a_cut_stream_keeps_its_prefix_and_says_so() {
        let text = (0..2000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let bytes = gzip(text.as_bytes());
        let decoded = decode(&bytes[..bytes.len() / 2], 1 << 20);
        assert!(decoded.cut_short);
        assert!(decoded.problem.unwrap().contains("truncated or corrupt"));
        assert!(!decoded.text.is_empty());
        assert!(text.starts_with(&decoded.text));
    }

    #[test]
    fn the_size_cap_holds_against_a_bomb() {
        let bytes = gzip(&vec![b' '; 4 << 20]);
        let decoded = decode(&bytes, 1 << 20);
        assert_eq!(decoded.text.len(), 1 << 20);
        assert!(decoded.problem.unwrap().contains("limit"));
    }

    #[test]
    fn binary_junk_is_reported_as_not_text() {
        let decoded = decode(&[0x89, b'P', b'N', b'G', 0xff, 0x00], 1 << 20);
        assert!(decoded.problem.unwrap().contains("not UTF-8"));
    }
}
