//! Related events for the detail panel: the events sharing this event's request, shared event,
//! access key or role session, each as the path filter that shows them and how many it shows.

use super::leaf_text;
use crate::analytics::query::{PathFilter, Query};
use crate::analytics::Dataset;

/// A link from one event to the events sharing one of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// What is shared, for display (`Same request ID`).
    pub label: String,
    /// The path filtered on.
    pub path: String,
    /// The shared value.
    pub value: String,
    /// Events (this one included) that `PathFilter { path, value, exclude: false }` alone
    /// selects: what a click shows.
    pub count: usize,
}

/// The relations offered, in display order: label, path, and the path as a JSON pointer.
const RELATIONS: [(&str, &str, &str); 4] = [
    ("Same request ID", "requestID", "/requestID"),
    ("Same shared event ID", "sharedEventID", "/sharedEventID"),
    (
        "Same access key",
        "userIdentity.accessKeyId",
        "/userIdentity/accessKeyId",
    ),
    ("Same role session", "userIdentity.arn", "/userIdentity/arn"),
];

impl Dataset {
    /// The relations of one event that it has a (non-empty) value for: same `requestID`, same
    /// `sharedEventID`, same `userIdentity.accessKeyId`, same role session (its
    /// `userIdentity.arn`, when that is an assumed-role session ARN). Empty for an unknown
    /// event. Counting selects over every committed event, so it is quick once indexed.
    pub fn related(&self, event_idx: u32) -> Vec<Related> {
        if event_idx as usize >= self.store.len() {
            return Vec::new();
        }
        let Some(record) = self.record_value(event_idx) else {
            return Vec::new();
        };
        let mut related = Vec::new();
        for (label, path, pointer) in RELATIONS {
            let Some(value) = record
                .pointer(pointer)
                .and_then(leaf_text)
                .filter(|value| !value.is_empty())
            else {
                continue;
            };
            if path == "userIdentity.arn" && !value.contains(":assumed-role/") {
                continue;
            }
            let filter = PathFilter {
                path: path.to_owned(),
                value: value.into_owned(),
                exclude: false,
            };
            let count = self
                .select(&Query::default().with_path_filter(filter.clone()))
                .len();
            related.push(Related {
                label: label.to_owned(),
                path: filter.path,
                value: filter.value,
                count,
            });
        }
        related
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{dataset, record};
    use super::*;

    #[test]
    fn related_lists_what_the_event_has_with_the_counts_a_click_shows() {
        let session = "arn:aws:sts::1:assumed-role/Admin/alice";
        let records = vec![
            record(
                0,
                json!({"requestID": "r1", "userIdentity": {"accessKeyId": "ASIA1", "arn": session}}),
            ),
            record(
                1,
                json!({"requestID": "r1", "userIdentity": {"accessKeyId": "ASIA2", "arn": session}}),
            ),
            record(
                2,
                json!({"requestID": "r2", "sharedEventID": "s", "userIdentity": {"accessKeyId": "ASIA1"}}),
            ),
            record(
                3,
                json!({"sharedEventID": "s", "requestID": "",
                             "userIdentity": {"arn": "arn:aws:iam::1:user/bob"}}),
            ),
        ];
        let mut dataset = dataset(&records);
        let summary = |dataset: &Dataset, event_idx| -> Vec<(String, String, usize)> {
            dataset
                .related(event_idx)
                .into_iter()
                .map(|related| (related.label, related.value, related.count))
                .collect()
        };
        let first = summary(&dataset, 0);
        assert_eq!(
            first,
            [
                ("Same request ID".to_owned(), "r1".to_owned(), 2),
                ("Same access key".to_owned(), "ASIA1".to_owned(), 2),
                ("Same role session".to_owned(), session.to_owned(), 2),
            ]
        );
        dataset.index_some(2);
        assert_eq!(
            summary(&dataset, 0),
            first,
            "counts do not depend on the index"
        );
        dataset.prepare_search();
        assert_eq!(
            summary(&dataset, 3),
            [("Same shared event ID".to_owned(), "s".to_owned(), 2)],
            "an empty requestID and a user ARN are not relations"
        );
        for event_idx in 0..4 {
            for related in dataset.related(event_idx) {
                let clicked = Query::default().with_path_filter(PathFilter {
                    path: related.path.clone(),
                    value: related.value.clone(),
                    exclude: false,
                });
                let shown = dataset.select(&clicked);
                assert_eq!(shown.len(), related.count, "{related:?}");
                assert!(shown.ids().contains(&event_idx));
            }
        }
        assert!(dataset.related(99).is_empty());
    }
}
