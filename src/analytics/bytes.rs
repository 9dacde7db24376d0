//! The byte layouts of the buffers that cross between the page and its pool workers (shards,
//! packed record text, index parts): a reader that checks every step and the writers that
//! match it. Numbers are little-endian `u32`/`u64`, or unsigned LEB128 where most are small; a
//! string is a `u32` length and UTF-8 bytes.

/// Reads a buffer front to back; every read past the end or of text that is not UTF-8 is an
/// error naming the buffer (`what`) and the byte.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`, called `what` in its errors.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }

    /// The offset of the next byte.
    pub fn at(&self) -> usize {
        self.at
    }

    /// Whether every byte has been read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let taken = self
            .at
            .checked_add(n)
            .and_then(|end| self.bytes.get(self.at..end));
        let Some(taken) = taken else {
            return Err(format!("{} cut short at byte {}", self.what, self.at));
        };
        self.at += n;
        Ok(taken)
    }

    /// The next `N` bytes, as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        self.array().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Result<u64, String> {
        self.array().map(u64::from_le_bytes)
    }

    /// A string written by [`put_str`].
    pub fn str(&mut self) -> Result<&'a str, String> {
        let at = self.at;
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?)
            .map_err(|_| format!("{} text at byte {at} is not UTF-8", self.what))
    }

    /// A number written by [`put_varint`].
    pub fn varint(&mut self) -> Result<u32, String> {
        let at = self.at;
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let byte = self.u8()?;
            value |= u32::from(byte & 0x7f)
                .checked_shl(shift)
                .filter(|part| part >> shift == u32::from(byte & 0x7f))
                .ok_or_else(|| format!("{} number at byte {at} is too large", self.what))?;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("{} number at byte {at} is too long", self.what))
    }
}

pub fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// A string as its `u32` length and its bytes.
pub fn put_str(out: &mut Vec<u8>, text: &str) {
    put_u32(out, text.len() as u32);
    out.extend_from_slice(text.as_bytes());
}

/// A number as unsigned LEB128: seven bits a byte, low first, the high bit set on all but the
/// last.
pub fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_a_cut_says_where() {
        let mut out = Vec::new();
        put_u32(&mut out, 7);
        put_str(&mut out, "héllo");
        for value in [0, 1, 127, 128, 300, 1 << 21, u32::MAX] {
            put_varint(&mut out, value);
        }
        let mut reader = Reader::new(&out, "test buffer");
        assert_eq!(reader.u32(), Ok(7));
        assert_eq!(reader.str(), Ok("héllo"));
        for value in [0, 1, 127, 128, 300, 1 << 21, u32::MAX] {
            assert_eq!(reader.varint(), Ok(value));
        }
        assert!(reader.done());
        assert_eq!(
            reader.u8(),
            Err(format!("test buffer cut short at byte {}", out.len()))
        );
        // Five bytes whose last holds more than 32 bits fit, or six bytes, are refused.
        assert!(Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x7f], "x")
            .varint()
            .is_err());
        assert!(Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "x")
            .varint()
            .is_err());
        assert!(Reader::new(&[4, 0, 0, 0, 0xff, 0xfe, 0, 0], "x")
            .str()
            .is_err());
    }
}
