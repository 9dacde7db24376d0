//! Aggregations over a selection, each returning a plain view-model: totals, the timeline,
//! top-N lists and error-rate insights. Deterministic: ties are broken by key.

pub mod errors;
pub mod timeline;
pub mod top;
pub mod totals;
