//! The vocabulary shared by ingest, store and queries: interned strings, timestamps and the
//! table of fields a user can filter and count by.

pub mod column;
pub mod event_ids;
pub mod field;
pub mod intern;
pub mod time;
