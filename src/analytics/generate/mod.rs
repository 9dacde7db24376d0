//! Synthetic trails: the record-building machinery shared by the built-in demo trail and
//! generators of other trails (`json`, `draw`, `calendar`, `record`).

pub(crate) mod calendar;
pub(crate) mod draw;
pub(crate) mod json;
pub(crate) mod record;
