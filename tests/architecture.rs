//! Repository-wide checks: every source file says what it is for, the analytics core stays pure,
//! and the UI keeps to the façade.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::files_under;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .map(|(_, path)| path)
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    for path in rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("tests")))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} must start with a `//!` line saying what it is for",
            path.display()
        );
    }
}

#[test]
fn analytics_names_no_web_crate_clock_or_thread() {
    const FORBIDDEN: [&str; 10] = [
        "leptos",
        "web_sys",
        "js_sys",
        "wasm_bindgen",
        "gloo",
        "crate::ui",
        "Instant::now",
        "SystemTime::now",
        "thread::spawn",
        "std::collections::HashMap",
    ];
    for path in rust_files(&root().join("src/analytics")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for word in FORBIDDEN {
            assert!(
                !text.contains(word),
                "{} mentions `{word}`; analytics must stay pure",
                path.display()
            );
        }
    }
}

#[test]
fn the_ui_reaches_analytics_only_through_the_facade() {
    // The façade is `crate::analytics::{…}` (re-exports in analytics/mod.rs) plus the demo trail.
    for path in rust_files(&root().join("src/ui")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (line_no, line) in text.lines().enumerate() {
            if let Some(rest) = line.split("crate::analytics::").nth(1) {
                let allowed = rest.starts_with('{')
                    || rest.starts_with("demo::")
                    || rest.chars().next().is_some_and(char::is_uppercase)
                    || rest.starts_with("format_utc");
                assert!(
                    allowed,
                    "{}:{}: reaches past the façade: {line}",
                    path.display(),
                    line_no + 1
                );
            }
        }
    }
}

#[test]
fn the_ci_script_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        readme.contains("scripts/test.sh"),
        "README must give scripts/test.sh as the test command"
    );
    assert!(
        ci.contains("scripts/test.sh"),
        ".ci/run must run scripts/test.sh"
    );
}
