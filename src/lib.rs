//! trailview: a CloudTrail log viewer that runs entirely in the browser.
//!
//! # Brief overview
//!
//! The crate has two halves with a hard line between them:
//!
//! - [`analytics`] is pure Rust. It takes file bytes and plain values and returns plain values:
//!   it sniffs, inflates and parses CloudTrail files, keeps events in interned columns, and
//!   answers queries with view-models (totals, timelines, top lists, table rows). It knows
//!   nothing of the browser and compiles and tests natively with `--no-default-features`.
//! - `ui` (feature `ui`, on by default) is the Leptos shell: file and folder inputs, drag and
//!   drop, the dashboard components. It holds no analytics logic; it calls the façade in
//!   [`analytics`] through one seam, `ui::engine`.
//!
//! See `ARCHITECTURE.md` for the codemap and the invariants.

pub mod analytics;

#[cfg(feature = "ui")]
pub mod ui;
