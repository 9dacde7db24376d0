//! One record laid out for reading and clicking, and several records side by side.
//!
//! [`Dataset::json_lines`] pretty-prints a record line by line, and marks every leaf with the
//! generalised path and value text a filter on it uses (the path `TermIndex::paths` lists,
//! the value [`crate::analytics::search::Expr::field_equals`] compares), so a click on any value
//! in the detail view can include, exclude or pivot on exactly that value.
//! [`Dataset::compare`] flattens up to [`MAX_COMPARED`] records into rows of (concrete path,
//! value per record), marking the rows that differ.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::search::{Path, Step};
use crate::analytics::Dataset;

/// How many events can be compared at once.
pub const MAX_COMPARED: usize = 5;

/// The top-level members whose string values a pivot looks for (besides the readable caller):
/// who called, on what, with which parameters and answers, and from where.
pub const PIVOT_ROOTS: [&str; 5] = [
    "userIdentity",
    "resources",
    "requestParameters",
    "responseElements",
    "sourceIPAddress",
];

/// One line of a pretty-printed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLine {
    /// Nesting depth (0 for the record's own braces).
    pub depth: u16,
    /// The member name, when the line starts with one.
    pub key: Option<String>,
    /// The JSON text after the name: `{`, `[`, `}`, `]`, `{}`, `[]` or a value.
    pub text: String,
    /// Whether a comma ends the line.
    pub comma: bool,
    /// For a string, number or boolean value: what a filter on it is made of.
    pub leaf: Option<LeafRef>,
}

/// A value a click can filter or pivot on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafRef {
    /// The generalised path (`resources[].ARN`).
    pub path: String,
    /// The value's text: a string itself, a number's or boolean's JSON text.
    pub value: String,
    /// Whether a pivot on the value is offered: a non-empty string under one of
    /// [`PIVOT_ROOTS`].
    pub pivot: bool,
}

/// Records side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The events compared, in the order asked.
    pub events: Vec<ComparedEvent>,
    /// Every leaf path of any of them, in the order first met.
    pub rows: Vec<CompareRow>,
}

/// One event in a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedEvent {
    /// The event's position in the store.
    pub event_idx: u32,
    /// `eventID`.
    pub event_id: String,
    /// Event time; `None` when undated.
    pub time: Option<Millis>,
}

/// One path across the compared records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    /// The concrete path (`resources[0].ARN`).
    pub path: String,
    /// The value's text in each record (`None` where the record lacks the path).
    pub values: Vec<Option<String>>,
    /// Whether the values are not all the same (a missing value differs from any value).
    pub differs: bool,
}

impl Dataset {
    /// The record of `event_idx` as pretty-printed lines with clickable leaves; `None` when
    /// there is no such event or its text is not JSON.
    pub fn json_lines(&self, event_idx: u32) -> Option<Vec<JsonLine>> {
        let record = self.parsed_record(event_idx)?;
        let mut lines = Vec::new();
        let mut steps = Vec::new();
        push_lines(&record, None, 0, false, &mut steps, &mut lines);
        Some(lines)
    }

    /// Up to [`MAX_COMPARED`] events side by side (further ids and unknown ids are ignored).
    pub fn compare(&self, event_idxs: &[u32]) -> Comparison {
        let mut comparison = Comparison::default();
        let mut flattened = Vec::new();
        for &event_idx in event_idxs.iter().take(MAX_COMPARED) {
            let Some(record) = self.parsed_record(event_idx) else {
                continue;
            };
            let mut leaves = Vec::new();
            flatten(&record, &mut String::new(), &mut leaves);
            flattened.push(leaves);
            let time = self.store.time(event_idx);
            comparison.events.push(ComparedEvent {
                event_idx,
                event_id: self.store.event_id(event_idx).into_owned(),
                time: (time != UNDATED).then_some(time),
            });
        }
        // Rows in the order first met; a path's position is found through a sorted index.
        let mut row_of = BTreeMap::<String, usize>::new();
        for (column, leaves) in flattened.iter().enumerate() {
            for (path, value) in leaves {
                let row = *row_of.entry(path.clone()).or_insert_with(|| {
                    comparison.rows.push(CompareRow {
                        path: path.clone(),
                        values: vec![None; flattened.len()],
                        differs: false,
                    });
                    comparison.rows.len() - 1
                });
                if let Some(slot) = comparison
                    .rows
                    .get_mut(row)
                    .and_then(|row| row.values.get_mut(column))
                {
                    *slot = Some(value.clone());
                }
            }
        }
        for row in &mut comparison.rows {
            row.differs = row.values.windows(2).any(|pair| pair[0] != pair[1]);
        }
        comparison
    }

    /// The event carrying `event_id` (the first kept, when several conflict), to reopen an
    /// event named in a link.
    pub fn find_event(&self, event_id: &str) -> Option<u32> {
        self.store.find_event_id(event_id)
    }

    /// The first and last event time over everything loaded (undated events aside).
    pub fn time_span(&self) -> Option<(Millis, Millis)> {
        let by_time = self.store.by_time();
        let first = by_time
            .iter()
            .map(|&event_idx| self.store.time(event_idx))
            .find(|&time| time != UNDATED)?;
        let last = self.store.time(*by_time.last()?);
        Some((first, last))
    }

    /// The `eventID` of a stored event.
    pub fn event_id_of(&self, event_idx: u32) -> Option<Cow<'_, str>> {
        ((event_idx as usize) < self.store.len()).then(|| self.store.event_id(event_idx))
    }

    /// One stored record, parsed; `None` for an unknown id or text that is not JSON.
    pub(crate) fn parsed_record(&self, event_idx: u32) -> Option<Value> {
        if event_idx as usize >= self.store.len() {
            return None;
        }
        self.record_value(event_idx)
    }
}

/// The text a value is filtered by, or `None` for null and containers.
fn leaf_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

/// Appends the lines of `value` (a member `key` of its parent, if any) at `depth`; `steps`
/// is its generalised path.
fn push_lines(
    value: &Value,
    key: Option<&str>,
    depth: u16,
    comma: bool,
    steps: &mut Vec<Step>,
    lines: &mut Vec<JsonLine>,
) {
    let key = key.map(str::to_owned);
    let (open, close, children): (&str, &str, Vec<(Option<&str>, &Value)>) = match value {
        Value::Object(members) if !members.is_empty() => (
            "{",
            "}",
            members
                .iter()
                .map(|(name, child)| (Some(name.as_str()), child))
                .collect(),
        ),
        Value::Array(elements) if !elements.is_empty() => (
            "[",
            "]",
            elements.iter().map(|child| (None, child)).collect(),
        ),
        _ => {
            let leaf = leaf_text(value).map(|text| LeafRef {
                pivot: value.is_string()
                    && !text.is_empty()
                    && matches!(steps.first(), Some(Step::Key(root)) if PIVOT_ROOTS.contains(&root.as_str())),
                path: Path {
                    steps: steps.clone(),
                }
                .to_string(),
                value: text,
            });
            lines.push(JsonLine {
                depth,
                key,
                text: value.to_string(),
                comma,
                leaf,
            });
            return;
        }
    };
    lines.push(JsonLine {
        depth,
        key,
        text: open.to_owned(),
        comma: false,
        leaf: None,
    });
    let last = children.len().saturating_sub(1);
    for (position, (name, child)) in children.into_iter().enumerate() {
        steps.push(match name {
            Some(name) => Step::Key(name.to_owned()),
            None => Step::AnyIndex,
        });
        push_lines(child, name, depth + 1, position < last, steps, lines);
        steps.pop();
    }
    lines.push(JsonLine {
        depth,
        key: None,
        text: close.to_owned(),
        comma,
        leaf: None,
    });
}

/// Every leaf of `value` as (concrete path, text); empty containers are leaves written `{}`
/// and `[]`, null is `null`.
fn flatten(value: &Value, path: &mut String, leaves: &mut Vec<(String, String)>) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (name, child) in members {
                let length = path.len();
                let step = Path {
                    steps: vec![Step::Key(name.clone())],
                }
                .to_string();
                if !path.is_empty() && !step.starts_with('[') {
                    path.push('.');
                }
                path.push_str(&step);
                flatten(child, path, leaves);
                path.truncate(length);
            }
        }
        Value::Array(elements) if !elements.is_empty() => {
            for (position, child) in elements.iter().enumerate() {
                let length = path.len();
                let _ = write!(path, "[{position}]");
                flatten(child, path, leaves);
                path.truncate(length);
            }
        }
        _ => leaves.push((
            path.clone(),
            leaf_text(value).unwrap_or_else(|| value.to_string()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(records: &[&str]) -> Dataset {
        let mut dataset = Dataset::default();
        let text = format!("{{\"Records\":[{}]}}", records.join(","));
        dataset.ingest_file("t.json", text.as_bytes());
        dataset.commit();
        dataset
    }

    const ONE: &str = r#"{"eventVersion":"1.08","eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a","accessKeyId":"AKIA1"},"resources":[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::b/k"}],"requestParameters":{"bucketName":"b","odd key":7,"on":true,"none":null,"empty":{},"list":[]},"sourceIPAddress":"1.2.3.4","readOnly":true}"#;
    const TWO: &str = r#"{"eventVersion":"1.08","eventID":"e2","eventTime":"2024-03-01T11:00:00Z","eventName":"PutObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a","accessKeyId":"AKIA1"},"resources":[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"}],"requestParameters":{"bucketName":"b","odd key":8},"sourceIPAddress":"1.2.3.4","readOnly":false}"#;

    fn leaf<'a>(lines: &'a [JsonLine], key: &str) -> &'a LeafRef {
        lines
            .iter()
            .find(|line| line.key.as_deref() == Some(key))
            .and_then(|line| line.leaf.as_ref())
            .unwrap()
    }

    #[test]
    fn lines_reassemble_into_the_record_and_name_each_leaf_by_its_filter_path() {
        let dataset = dataset(&[ONE]);
        let event_idx = 0;
        let lines = dataset.json_lines(event_idx).unwrap();
        let mut text = String::new();
        for line in &lines {
            if let Some(key) = &line.key {
                let _ = write!(text, "{}:", Value::String(key.clone()));
            }
            text.push_str(&line.text);
            if line.comma {
                text.push(',');
            }
        }
        let reread: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reread, serde_json::from_str::<Value>(ONE).unwrap());
        assert_eq!(lines[0].depth, 0);
        assert_eq!(
            leaf(&lines, "bucketName").path,
            "requestParameters.bucketName"
        );
        assert_eq!(
            leaf(&lines, "odd key"),
            &LeafRef {
                path: r#"requestParameters["odd key"]"#.to_owned(),
                value: "7".to_owned(),
                pivot: false
            }
        );
        assert_eq!(leaf(&lines, "on").value, "true");
        let arn = leaf(&lines, "ARN");
        assert_eq!((arn.path.as_str(), arn.pivot), ("resources[].ARN", true));
        assert!(leaf(&lines, "sourceIPAddress").pivot);
        assert!(!leaf(&lines, "eventName").pivot, "not under a pivot root");
        assert!(leaf(&lines, "accessKeyId").pivot);
        let none = lines
            .iter()
            .find(|line| line.key.as_deref() == Some("none"))
            .unwrap();
        assert_eq!((none.text.as_str(), none.leaf.is_none()), ("null", true));
        assert!(dataset.json_lines(9).is_none());
        assert_eq!(dataset.find_event("e1"), Some(0));
        assert_eq!(dataset.find_event("nope"), None);
        assert_eq!(dataset.find_event(""), None);
        assert_eq!(dataset.event_id_of(0).as_deref(), Some("e1"));
        assert_eq!(dataset.event_id_of(1), None);
        assert_eq!(
            dataset.time_span(),
            Some((1_709_287_200_000, 1_709_287_200_000))
        );
        assert_eq!(Dataset::default().time_span(), None);
    }

    #[test]
    fn a_leaf_filter_selects_the_event_it_was_clicked_in() {
        let dataset = dataset(&[ONE, TWO]);
        for event_idx in 0..2 {
            for line in dataset.json_lines(event_idx).unwrap() {
                let Some(leaf) = line.leaf else { continue };
                let expr =
                    crate::analytics::search::Expr::field_equals(&leaf.path, &leaf.value).unwrap();
                let record = dataset.parsed_record(event_idx).unwrap();
                assert!(
                    crate::analytics::search::matches_value(&expr, &record),
                    "{} = {}",
                    leaf.path,
                    leaf.value
                );
            }
        }
    }

    #[test]
    fn compare_marks_the_rows_that_differ_and_missing_paths() {
        let dataset = dataset(&[ONE, TWO]);
        let comparison = dataset.compare(&[0, 1, 7]);
        assert_eq!(comparison.events.len(), 2, "unknown ids are skipped");
        assert_eq!(comparison.events[0].event_id, "e1");
        let row = |path: &str| {
            comparison
                .rows
                .iter()
                .find(|row| row.path == path)
                .unwrap()
                .clone()
        };
        assert!(row("eventName").differs);
        assert!(!row("userIdentity.arn").differs);
        assert!(!row("requestParameters.bucketName").differs);
        let second = row("resources[1].ARN");
        assert_eq!(
            second.values,
            vec![Some("arn:aws:s3:::b/k".to_owned()), None]
        );
        assert!(second.differs);
        assert_eq!(
            row(r#"requestParameters["odd key"]"#).values[1].as_deref(),
            Some("8")
        );
        assert_eq!(
            row("requestParameters.empty").values[0].as_deref(),
            Some("{}")
        );
        assert_eq!(comparison.rows[0].path, "eventVersion", "first-met order");
        let many = dataset.compare(&[0, 1, 0, 1, 0, 1, 0]);
        assert_eq!(many.events.len(), MAX_COMPARED);
    }
}
