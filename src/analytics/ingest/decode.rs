//! From file bytes to text, as a stream: gzip is recognised by its magic bytes (whatever the
//! file is called) and inflated chunk by chunk, every member; plain bytes pass through.
//!
//! A stream cut short or corrupt keeps what inflated before the fault and says so. A
//! decompression bomb is stopped: past the per-file limit *and* past [`MAX_EXPANSION`] times the
//! compressed bytes read, which real CloudTrail files never reach. This module holds no text: it
//! appends to the caller's buffer, and UTF-8 is the caller's to check.

use std::io::Write;

use flate2::write::MultiGzDecoder;

/// The default per-file limit on decompressed size.
pub const DEFAULT_MAX_DECODED_BYTES: usize = 1 << 30;

/// How many times its compressed size a gzip file may expand past the limit. CloudTrail files
/// expand 10 to 30 times; deflate's worst case is 1032.
pub const MAX_EXPANSION: u64 = 128;

/// How much compressed input is inflated between two checks of the output size, which bounds
/// the output of one step to about 1032 times this.
const STEP_BYTES: usize = 16 << 10;

/// Whether `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A streaming decoder for one file.
#[derive(Debug)]
pub struct Inflow {
    state: State,
    max_decoded_bytes: usize,
    compressed_bytes: u64,
    decoded_bytes: u64,
    was_gzip: bool,
    problem: Option<String>,
}

#[derive(Debug)]
enum State {
    /// Fewer than two bytes seen: gzip or not is not known yet.
    Sniffing(Vec<u8>),
    Plain,
    Gzip(Box<MultiGzDecoder<Vec<u8>>>),
    /// Finished, or stopped by a fault or the limit: further bytes are ignored.
    Stopped,
}

impl Inflow {
    /// A decoder that stops a gzip file past `max_decoded_bytes` (and [`MAX_EXPANSION`]).
    pub fn new(max_decoded_bytes: usize) -> Self {
        Self {
            state: State::Sniffing(Vec::new()),
            max_decoded_bytes,
            compressed_bytes: 0,
            decoded_bytes: 0,
            was_gzip: false,
            problem: None,
        }
    }

    /// Decodes the next bytes of the file, appending the text's bytes to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        if let State::Sniffing(head) = &mut self.state {
            head.extend_from_slice(bytes);
            if head.len() < 2 {
                return;
            }
            let head = std::mem::take(head);
            self.was_gzip = is_gzip(&head);
            self.state = if self.was_gzip {
                State::Gzip(Box::new(MultiGzDecoder::new(Vec::new())))
            } else {
                State::Plain
            };
            return self.push(&head, out);
        }
        match std::mem::replace(&mut self.state, State::Stopped) {
            state @ State::Sniffing(_) => self.state = state,
            State::Stopped => {}
            State::Plain => {
                out.extend_from_slice(bytes);
                self.decoded_bytes += bytes.len() as u64;
                self.state = State::Plain;
            }
            State::Gzip(mut decoder) => {
                if self.inflate(&mut decoder, bytes, out) {
                    self.state = State::Gzip(decoder);
                }
            }
        }
    }

    /// Inflates `bytes` step by step; returns whether decoding may go on.
    fn inflate(
        &mut self,
        decoder: &mut MultiGzDecoder<Vec<u8>>,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> bool {
        for step in bytes.chunks(STEP_BYTES) {
            let before = out.len();
            let written = write_into(decoder, out, |decoder| decoder.write_all(step));
            self.compressed_bytes += step.len() as u64;
            let stopped = self.keep(before, out);
            if let Err(error) = written {
                self.stop_corrupt(&error);
                return false;
            }
            if stopped {
                return false;
            }
        }
        let before = out.len();
        let flushed = write_into(decoder, out, Write::flush);
        let stopped = self.keep(before, out);
        if let Err(error) = flushed {
            self.stop_corrupt(&error);
            return false;
        }
        !stopped
    }

    /// Ends the file: flushes what is left and checks that a gzip stream was complete.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        match std::mem::replace(&mut self.state, State::Stopped) {
            State::Sniffing(head) => {
                out.extend_from_slice(&head);
                self.decoded_bytes += head.len() as u64;
            }
            State::Plain | State::Stopped => {}
            State::Gzip(mut decoder) => {
                let before = out.len();
                let finished = write_into(&mut decoder, out, MultiGzDecoder::try_finish);
                let stopped = self.keep(before, out);
                if let (Err(error), false) = (finished, stopped) {
                    self.stop_corrupt(&error);
                }
            }
        }
    }

    /// Keeps the bytes inflated into `out` past `before` up to the limit, dropping the rest;
    /// returns whether decoding stopped.
    fn keep(&mut self, before: usize, out: &mut Vec<u8>) -> bool {
        let produced = out.len().saturating_sub(before);
        let total = self.decoded_bytes + produced as u64;
        let allowed = (self.max_decoded_bytes as u64)
            .max(self.compressed_bytes.saturating_mul(MAX_EXPANSION));
        if self.problem.is_some() {
            out.truncate(before);
            return true;
        }
        if total <= allowed {
            self.decoded_bytes = total;
            return false;
        }
        let room = allowed.saturating_sub(self.decoded_bytes) as usize;
        out.truncate(before + room.min(produced));
        self.decoded_bytes += room as u64;
        self.problem = Some(format!(
            "decompresses to more than {} MB, past the per-file limit and over {MAX_EXPANSION} times its compressed size, as only a decompression bomb does; only the first {} MB were read (raise the limit in the Files panel and load the file again)",
            allowed >> 20,
            allowed >> 20
        ));
        true
    }

    fn stop_corrupt(&mut self, error: &std::io::Error) {
        if self.problem.is_some() {
            return;
        }
        self.problem = Some(format!(
            "gzip data is truncated or corrupt after {} decompressed bytes ({error})",
            self.decoded_bytes
        ));
        self.state = State::Stopped;
    }

    /// Stops decoding: further bytes are ignored.
    pub fn stop(&mut self) {
        self.state = State::Stopped;
    }

    /// Whether the bytes were gzip.
    pub fn was_gzip(&self) -> bool {
        self.was_gzip
    }

    /// What went wrong, if anything (the text before it is still good).
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Decompressed bytes produced so far.
    pub fn decoded_bytes(&self) -> u64 {
        self.decoded_bytes
    }
}

/// Runs `write` on `decoder` with `out` as its output, so inflated bytes are appended to `out`
/// directly rather than gathered in a buffer of their own and copied.
fn write_into<T>(
    decoder: &mut MultiGzDecoder<Vec<u8>>,
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut MultiGzDecoder<Vec<u8>>) -> T,
) -> T {
    std::mem::swap(decoder.get_mut(), out);
    let result = write(decoder);
    std::mem::swap(decoder.get_mut(), out);
    result
}

/// How many bytes a whole gzip file inflates to, as its trailer says (modulo 4 GiB, and for
/// its last member only): a hint for reserving room, never trusted as a limit.
pub fn gzip_size_hint(file: &[u8]) -> Option<usize> {
    if !is_gzip(file) {
        return None;
    }
    let trailer: [u8; 4] = file.get(file.len().checked_sub(4)?..)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(trailer)).ok()
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

    /// Decodes `bytes` pushed `chunk` bytes at a time.
    fn decode(bytes: &[u8], chunk: usize, max_decoded_bytes: usize) -> (Vec<u8>, Inflow) {
        let mut inflow = Inflow::new(max_decoded_bytes);
        let mut out = Vec::new();
        for piece in bytes.chunks(chunk) {
            inflow.push(piece, &mut out);
        }
        inflow.finish(&mut out);
        (out, inflow)
    }

    #[test]
    fn plain_bytes_pass_through_in_any_chunking() {
        for chunk in [1, 2, 7, 1 << 20] {
            let (out, inflow) = decode(b"{\"Records\":[]}", chunk, 1 << 20);
            assert_eq!(out, b"{\"Records\":[]}");
            assert!(!inflow.was_gzip());
            assert!(inflow.problem().is_none());
        }
    }

    #[test]
    fn gzip_is_found_by_magic_and_members_are_concatenated_across_chunks() {
        let mut bytes = gzip(b"{\"Rec");
        bytes.extend(gzip(b"ords\":[]}"));
        for chunk in [1, 3, 1 << 20] {
            let (out, inflow) = decode(&bytes, chunk, 1 << 20);
            assert!(inflow.was_gzip());
            assert_eq!(out, b"{\"Records\":[]}");
            assert!(inflow.problem().is_none(), "{:?}", inflow.problem());
        }
    }

    #[test]
    fn a_cut_stream_keeps_its_prefix_and_says_so() {
        let text = (0..20_000)
            .map(|i| (i * 7919 % 10_007).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let bytes = gzip(text.as_bytes());
        let (out, inflow) = decode(&bytes[..bytes.len() / 2], 4096, 1 << 20);
        assert!(inflow.problem().unwrap().contains("truncated or corrupt"));
        assert!(!out.is_empty());
        assert!(text.as_bytes().starts_with(&out));
    }

    #[test]
    fn a_bomb_stops_past_the_limit_and_the_expansion_bound() {
        let bytes = gzip(&vec![b' '; 64 << 20]);
        let (out, inflow) = decode(&bytes, 1 << 20, 1 << 20);
        assert!(out.len() >= 1 << 20 && out.len() < 8 << 20, "{}", out.len());
        assert!(inflow.problem().unwrap().contains("per-file limit"));
    }

    #[test]
    fn a_large_file_with_an_ordinary_ratio_is_not_a_bomb() {
        // Varied text compresses far less than 128 times: the limit alone does not stop it.
        let mut text = String::new();
        for i in 0..400_000u64 {
            text.push_str(&(i.wrapping_mul(2_654_435_761) % 1_000_003).to_string());
            text.push(',');
        }
        let bytes = gzip(text.as_bytes());
        let (out, inflow) = decode(&bytes, 1 << 16, 1 << 20);
        assert!(inflow.problem().is_none(), "{:?}", inflow.problem());
        assert_eq!(out.len(), text.len());
    }
}
