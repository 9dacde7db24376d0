//! Helpers shared by the native test files.

use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) with its path relative to `dir` ('/' separators), in
/// byte-wise path order.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let entries =
            std::fs::read_dir(&next).unwrap_or_else(|error| panic!("{}: {error}", next.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                found.push((relative, path));
            }
        }
    }
    found.sort();
    found
}

/// The fixture trail folder (`tests/fixtures/trail`), every file ingested and committed.
#[allow(dead_code)] // not every test crate that includes this module loads the trail
pub fn load_trail() -> trailview::analytics::Dataset {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trail");
    let mut dataset = trailview::analytics::Dataset::default();
    for (relative, path) in files_under(&dir) {
        dataset.ingest_file(&relative, &std::fs::read(path).unwrap());
    }
    dataset.commit();
    dataset
}
