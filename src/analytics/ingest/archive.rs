//! Zip archives: every entry is read as a file of its own (`archive.zip/inner/path`), each with
//! its own outcome. Entries are read at most up to the per-file size limit; archives inside
//! archives are opened one level deep only.

use std::io::{Cursor, Read as _};

/// Whether `bytes` start like a zip archive (a local file header, or an empty archive).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// One entry taken out of an archive.
#[derive(Debug)]
pub enum Entry {
    /// A file entry: its path (archive path included) and bytes (possibly cut at the limit).
    File {
        /// `archive.zip/inner/path`.
        path: String,
        /// The entry's bytes.
        bytes: Vec<u8>,
        /// Set when the entry was larger than the limit and was cut.
        cut_at_limit: bool,
    },
    /// An entry that could not be read, and why.
    Unreadable {
        /// `archive.zip/inner/path`.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// Lists and reads the entries of the archive `bytes`, or says why it cannot be opened.
pub fn entries(
    archive_path: &str,
    bytes: &[u8],
    max_entry_bytes: usize,
) -> Result<Vec<Entry>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|error| format!("not a readable zip archive: {error}"))?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(error) => {
                entries.push(Entry::Unreadable {
                    path: format!("{archive_path}/#{index}"),
                    reason: format!("zip entry could not be opened: {error}"),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = file
            .name()
            .map_or_else(|_| format!("#{index}"), std::borrow::Cow::into_owned);
        let path = format!("{archive_path}/{name}");
        let mut out = Vec::new();
        match (&mut file)
            .take(max_entry_bytes as u64 + 1)
            .read_to_end(&mut out)
        {
            Ok(_) => {
                let cut_at_limit = out.len() > max_entry_bytes;
                out.truncate(max_entry_bytes);
                entries.push(Entry::File {
                    path,
                    bytes: out,
                    cut_at_limit,
                });
            }
            Err(error) => entries.push(Entry::Unreadable {
                path,
                reason: format!("zip entry could not be read: {error}"),
            }),
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn entries_come_out_with_their_paths_and_bytes() {
        let bytes = zip_of(&[("a/one.json", b"{}"), ("two.json", b"[1]")]);
        assert!(is_zip(&bytes));
        let entries = entries("x.zip", &bytes, 1 << 20).unwrap();
        let names: Vec<String> = entries
            .iter()
            .map(|entry| match entry {
                Entry::File { path, bytes, .. } => {
                    format!("{path}={}", String::from_utf8_lossy(bytes))
                }
                Entry::Unreadable { path, reason } => format!("{path}!{reason}"),
            })
            .collect();
        assert_eq!(names, ["x.zip/a/one.json={}", "x.zip/two.json=[1]"]);
    }

    #[test]
    fn big_entries_are_cut_at_the_limit_and_junk_is_refused() {
        let bytes = zip_of(&[("big.json", &vec![b' '; 3 << 20])]);
        match &entries("x.zip", &bytes, 1 << 20).unwrap()[0] {
            Entry::File {
                bytes,
                cut_at_limit,
                ..
            } => assert!(*cut_at_limit && bytes.len() == 1 << 20),
            Entry::Unreadable { reason, .. } => panic!("{reason}"),
        }
        assert!(entries("x.zip", b"PK\x03\x04 junk", 1 << 20)
            .unwrap_err()
            .contains("not a readable zip archive"));
    }
}
