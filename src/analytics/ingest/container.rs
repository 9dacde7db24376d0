//! The file container: a streaming pass over the top-level JSON value that hands each element of
//! `Records` to a callback as raw text, and tells a trail file from a digest file and from JSON
//! that is not CloudTrail.
//!
//! Records are handed over as they are met, so a fault half-way through a file keeps every
//! record before it.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// What the top-level value turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// An object with a `Records` array.
    Trail,
    /// A digest file (`digestStartTime` or `logFiles` at the top level).
    Digest,
    /// Valid JSON of another shape.
    Other,
}

/// The result of the pass: the kind found and the fault that ended it early, if any.
#[derive(Debug)]
pub struct ContainerOutcome {
    /// What the file is.
    pub kind: ContainerKind,
    /// The parse error that stopped the pass (records before it were delivered).
    pub fault: Option<String>,
}

/// Walks `text`, calling `on_record` with each element of the top-level `Records` array.
pub fn read_container<'a>(
    text: &'a str,
    on_record: &mut dyn FnMut(&'a RawValue),
) -> ContainerOutcome {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // Deeply nested junk must fail cleanly rather than exhaust the stack; serde_json's default
    // recursion limit (128) does that, and CloudTrail records are far shallower.
    let mut kind = ContainerKind::Other;
    let seed = TopLevel {
        on_record,
        kind: &mut kind,
    };
    let fault = match seed.deserialize(&mut deserializer) {
        Ok(()) => deserializer.end().err().map(|error| describe(&error, text)),
        Err(error) => Some(describe(&error, text)),
    };
    ContainerOutcome { kind, fault }
}

/// A parse error as a sentence with its byte offset.
fn describe(error: &serde_json::Error, text: &str) -> String {
    let offset = byte_offset(text, error.line(), error.column());
    let what = error.to_string();
    // serde_json appends " at line L column C"; the byte offset says it better for one-line files.
    let what = what.split(" at line ").next().unwrap_or(&what);
    if error.is_eof() {
        format!("the JSON ends early at byte {offset} ({what})")
    } else {
        format!("invalid JSON at byte {offset}: {what}")
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

struct TopLevel<'r, 'a> {
    on_record: &'r mut dyn FnMut(&'a RawValue),
    kind: &'r mut ContainerKind,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "Records" => {
                    *self.kind = ContainerKind::Trail;
                    map.next_value_seed(RecordsArray {
                        on_record: &mut *self.on_record,
                    })?;
                }
                "digestStartTime" | "logFiles" => {
                    if *self.kind == ContainerKind::Other {
                        *self.kind = ContainerKind::Digest;
                    }
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct RecordsArray<'r, 'a> {
    on_record: &'r mut dyn FnMut(&'a RawValue),
}

impl<'de> DeserializeSeed<'de> for RecordsArray<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsArray<'_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of records")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            (self.on_record)(record);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (ContainerOutcome, Vec<String>) {
        let mut records = Vec::new();
        let outcome = read_container(text, &mut |raw| records.push(raw.get().to_owned()));
        (outcome, records)
    }

    #[test]
    fn records_are_streamed_in_order() {
        let (outcome, records) = run(r#"{"Records":[{"a":1}, 2, {"b":[3]}]}"#);
        assert_eq!(outcome.kind, ContainerKind::Trail);
        assert!(outcome.fault.is_none());
        assert_eq!(records, [r#"{"a":1}"#, "2", r#"{"b":[3]}"#]);
    }

    #[test]
    fn a_cut_file_keeps_the_records_before_the_cut() {
        let (outcome, records) = run(r#"{"Records":[{"a":1},{"b":2},{"c":"#);
        assert_eq!(records.len(), 2);
        assert!(outcome.fault.unwrap().contains("ends early"));
    }

    #[test]
    fn digests_and_other_json_are_told_apart() {
        assert_eq!(
            run(r#"{"digestStartTime":"x","logFiles":[]}"#).0.kind,
            ContainerKind::Digest
        );
        assert_eq!(run(r#"{"hello":"world"}"#).0.kind, ContainerKind::Other);
        assert_eq!(run("[1,2]").0.kind, ContainerKind::Other);
    }

    #[test]
    fn garbage_after_the_value_is_a_fault_with_an_offset() {
        let (outcome, records) = run(r#"{"Records":[{"a":1}]} trailing"#);
        assert_eq!(records.len(), 1);
        assert!(outcome.fault.unwrap().contains("byte 22"));
    }

    #[test]
    fn deep_nesting_is_delivered_without_overflowing_the_stack() {
        let text = format!(
            "{{\"Records\":[{}{}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (outcome, records) = run(&text);
        assert!(outcome.fault.is_none());
        assert_eq!(records.len(), 1);
    }
}
