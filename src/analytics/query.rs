//! A query as data (filters on indexed fields and a time range) and its execution into a
//! [`Selection`]: the matching events, oldest first.
//!
//! Semantics: include filters on the same field are alternatives (OR); filters on different
//! fields must all hold (AND); an exclude filter removes events with that value. Path filters
//! follow the same rules per generalised path; lookups, the toggles, the pivot, the text and
//! the time range each narrow further (AND). Path filters, lookups, the pivot and the text are
//! answered by the search index (see `Dataset::needs_index`); everything else here reads the
//! store's columns.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analytics::model::column::Column;
use crate::analytics::model::field::Field;
use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::search::Bitset;
use crate::analytics::store::Store;

/// A filter on one indexed field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFilter {
    /// The field.
    pub field: Field,
    /// The exact value (`""` means "no value", e.g. calls without an error code).
    pub value: String,
    /// Whether events with this value are removed instead of kept.
    pub exclude: bool,
}

/// A half-open time range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// First millisecond included.
    pub start: Millis,
    /// First millisecond excluded.
    pub end: Millis,
}

/// A filter on one generalised path of the records (a facet click).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathFilter {
    /// The generalised path as `TermIndex::paths` lists it: `requestParameters.bucketName`,
    /// `resources[].ARN` (`[]` for any array element).
    pub path: String,
    /// The exact value, compared like `Expr::field_equals`: case-sensitive, against a string
    /// or a number's or bool's JSON text.
    pub value: String,
    /// Whether events with this value are removed instead of kept (events lacking the path
    /// stay).
    pub exclude: bool,
}

/// A lookup attribute of the CloudTrail console's Event history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LookupAttribute {
    /// `eventID`.
    EventId,
    /// `eventName`.
    EventName,
    /// `eventSource`.
    EventSource,
    /// `readOnly`, as `true` or `false`.
    ReadOnly,
    /// A `resources[].ARN`, whole or its last segment (after the last `/` or `:`).
    ResourceName,
    /// `resources[].type`.
    ResourceType,
    /// `userIdentity.userName`, an assumed-role session name, or the readable caller.
    UserName,
    /// `userIdentity.accessKeyId`.
    AccessKeyId,
}

impl LookupAttribute {
    /// Every attribute, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::EventId,
        Self::EventName,
        Self::EventSource,
        Self::ReadOnly,
        Self::ResourceName,
        Self::ResourceType,
        Self::UserName,
        Self::AccessKeyId,
    ];

    /// The stable key (as serialised).
    pub fn key(self) -> &'static str {
        match self {
            Self::EventId => "eventId",
            Self::EventName => "eventName",
            Self::EventSource => "eventSource",
            Self::ReadOnly => "readOnly",
            Self::ResourceName => "resourceName",
            Self::ResourceType => "resourceType",
            Self::UserName => "userName",
            Self::AccessKeyId => "accessKeyId",
        }
    }

    /// The attribute with this key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|attribute| attribute.key() == key)
    }

    /// The console's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::EventId => "Event ID",
            Self::EventName => "Event name",
            Self::EventSource => "Event source",
            Self::ReadOnly => "Read-only",
            Self::ResourceName => "Resource name",
            Self::ResourceType => "Resource type",
            Self::UserName => "User name",
            Self::AccessKeyId => "AWS access key",
        }
    }
}

/// One Event-history lookup: an attribute and the exact (case-sensitive) value it must have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// What is looked up.
    pub attribute: LookupAttribute,
    /// The value.
    pub value: String,
}

/// What the user is looking at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Field filters.
    pub filters: Vec<FieldFilter>,
    /// Time range, when zoomed.
    pub time_range: Option<TimeRange>,
    /// The query bar's text (a CloudWatch Logs filter pattern or the short syntax; see
    /// [`crate::analytics::search`]); blank selects everything.
    #[serde(default)]
    pub text: String,
    /// Filters on generalised paths of the records.
    #[serde(default)]
    pub paths: Vec<PathFilter>,
    /// Event-history lookups, all of which must hold.
    #[serde(default)]
    pub lookups: Vec<Lookup>,
    /// Only events with a non-empty `errorCode`.
    #[serde(default)]
    pub errors_only: bool,
    /// Only writes: `readOnly` is `false` (JSON `false` or the string `"false"`); events
    /// without `readOnly` are not writes.
    #[serde(default)]
    pub writes_only: bool,
    /// Leaves out events whose `userIdentity.type` is `AWSService`.
    #[serde(default)]
    pub hide_aws_service: bool,
    /// Only events that reference this exact text: a leaf anywhere under `userIdentity`,
    /// `resources`, `requestParameters` or `responseElements`, or `sourceIPAddress`, with this
    /// text (compared like a path filter), or a readable caller ([`Field::Caller`]) equal to it.
    #[serde(default)]
    pub pivot: Option<String>,
}

impl Query {
    /// The query with `filter` added, replacing an opposite filter on the same value.
    #[must_use]
    pub fn with_filter(&self, filter: FieldFilter) -> Query {
        let mut next = self.clone();
        next.filters
            .retain(|known| !(known.field == filter.field && known.value == filter.value));
        next.filters.push(filter);
        next
    }

    /// The query with `filter` added, replacing an opposite filter on the same path and value.
    #[must_use]
    pub fn with_path_filter(&self, filter: PathFilter) -> Query {
        let mut next = self.clone();
        next.paths
            .retain(|known| !(known.path == filter.path && known.value == filter.value));
        next.paths.push(filter);
        next
    }

    /// Whether nothing narrows the selection: no filter, time range, text, lookup, toggle or
    /// pivot.
    pub fn is_empty(&self) -> bool {
        let Query {
            filters,
            time_range,
            text,
            paths,
            lookups,
            errors_only,
            writes_only,
            hide_aws_service,
            pivot,
        } = self;
        filters.is_empty()
            && time_range.is_none()
            && text.trim().is_empty()
            && paths.is_empty()
            && lookups.is_empty()
            && !errors_only
            && !writes_only
            && !hide_aws_service
            && pivot.is_none()
    }
}

/// The events a query selects, oldest first (ties in arrival order).
///
/// Cheap to clone; two selections are equal when they come from the same execution, which is
/// what a UI memo needs to know.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    ids: Arc<Vec<u32>>,
    /// Events the query could not be answered for yet: not in the search index, their text in
    /// a file not lent. They are left out of `ids`.
    unsearched: u32,
}

impl PartialEq for Selection {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.ids, &other.ids)
    }
}

impl Selection {
    /// A selection of exactly these ids, in this order (a new execution: equal to no other).
    pub(crate) fn from_ids(ids: Vec<u32>) -> Self {
        Self {
            ids: Arc::new(ids),
            unsearched: 0,
        }
    }

    /// The same selection, saying `unsearched` events could not be answered for yet.
    #[must_use]
    pub(crate) fn with_unsearched(mut self, unsearched: u32) -> Self {
        self.unsearched = unsearched;
        self
    }

    /// How many events the query could not be answered for yet (they are still being
    /// indexed, and their text is in their files): they are left out until indexed.
    pub fn unsearched(&self) -> u32 {
        self.unsearched
    }

    /// The selected event ids, oldest first.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The number of selected events.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The selected events that have a time, oldest first (undated events sort first and are
    /// left out).
    pub fn dated<'s>(&'s self, store: &Store) -> &'s [u32] {
        let n_undated = self
            .ids
            .partition_point(|&event_idx| store.time(event_idx) == UNDATED);
        self.ids.get(n_undated..).unwrap_or_default()
    }
}

/// Runs `query` over the committed events of `store`; `text_matches`, when given, holds the
/// events the index-answered parts of the query (text, path filters, lookups, pivot) select.
pub fn select(store: &Store, query: &Query, text_matches: Option<&Bitset>) -> Selection {
    let by_time = store.by_time();
    let (from, to) = match query.time_range {
        Some(range) => (
            by_time.partition_point(|&event_idx| store.time(event_idx) < range.start),
            by_time.partition_point(|&event_idx| store.time(event_idx) < range.end),
        ),
        None => (0, by_time.len()),
    };
    let candidates = by_time.get(from..to.max(from)).unwrap_or_default();

    // Resolve values to ids once. An include group whose values were never seen matches nothing.
    let mut include_groups: Vec<(&Column, Vec<u32>)> = Vec::new();
    let mut excludes: Vec<(&Column, u32)> = Vec::new();
    for field in Field::ALL {
        let column = store.column(field);
        let dictionary = store.dictionary(field);
        let mut group = Vec::new();
        let mut has_include = false;
        for filter in query.filters.iter().filter(|filter| filter.field == field) {
            let id = dictionary.lookup(&filter.value);
            if filter.exclude {
                if let Some(id) = id {
                    excludes.push((column, id));
                }
            } else {
                has_include = true;
                group.extend(id);
            }
        }
        if has_include {
            include_groups.push((column, group));
        }
    }

    let error_codes = store.column(Field::ErrorCode);
    let identity_types = store.column(Field::IdentityType);
    let aws_service = if query.hide_aws_service {
        store.dictionary(Field::IdentityType).lookup("AWSService")
    } else {
        None
    };
    let toggles = query.errors_only || query.writes_only || aws_service.is_some();

    let matches = |event_idx: u32| {
        let at = event_idx as usize;
        text_matches.is_none_or(|text| text.contains(event_idx))
            && (!query.errors_only || error_codes.get(at).is_some_and(|id| id != 0))
            && (!query.writes_only || store.read_only(event_idx) == Some(false))
            && aws_service.is_none_or(|id| identity_types.get(at) != Some(id))
            && include_groups
                .iter()
                .all(|(column, ids)| column.get(at).is_some_and(|id| ids.contains(&id)))
            && excludes
                .iter()
                .all(|&(column, id)| column.get(at) != Some(id))
    };
    let ids: Vec<u32> =
        if include_groups.is_empty() && excludes.is_empty() && text_matches.is_none() && !toggles {
            candidates.to_vec()
        } else {
            candidates
                .iter()
                .copied()
                .filter(|&event_idx| matches(event_idx))
                .collect()
        };
    Selection::from_ids(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_attribute_keys_round_trip_and_are_the_serialised_names() {
        for attribute in LookupAttribute::ALL {
            assert_eq!(LookupAttribute::from_key(attribute.key()), Some(attribute));
            let text = serde_json::to_string(&attribute).unwrap();
            assert_eq!(text, format!("\"{}\"", attribute.key()));
            assert!(!attribute.label().is_empty());
        }
        assert_eq!(LookupAttribute::from_key("EventName"), None);
    }

    #[test]
    fn new_query_members_default_when_absent_and_unknown_ones_are_refused() {
        let old: Query = serde_json::from_str(r#"{"filters":[],"time_range":null}"#).unwrap();
        assert_eq!(old, Query::default());
        assert!(old.is_empty());
        let query = Query {
            paths: vec![PathFilter {
                path: "resources[].ARN".to_owned(),
                value: "x".to_owned(),
                exclude: true,
            }],
            lookups: vec![Lookup {
                attribute: LookupAttribute::UserName,
                value: "bob".to_owned(),
            }],
            errors_only: true,
            pivot: Some("p".to_owned()),
            ..Query::default()
        };
        let text = serde_json::to_string(&query).unwrap();
        assert_eq!(serde_json::from_str::<Query>(&text).unwrap(), query);
        assert!(serde_json::from_str::<Query>(r#"{"filters":[],"pivots":"x"}"#).is_err());
    }

    #[test]
    fn each_part_makes_a_query_non_empty() {
        let variants = [
            Query {
                text: "x".to_owned(),
                ..Query::default()
            },
            Query {
                lookups: vec![Lookup {
                    attribute: LookupAttribute::EventId,
                    value: String::new(),
                }],
                ..Query::default()
            },
            Query {
                writes_only: true,
                ..Query::default()
            },
            Query {
                hide_aws_service: true,
                ..Query::default()
            },
            Query {
                time_range: Some(TimeRange { start: 0, end: 1 }),
                ..Query::default()
            },
            Query::default().with_filter(FieldFilter {
                field: Field::Caller,
                value: "bob".to_owned(),
                exclude: false,
            }),
        ];
        for query in variants {
            assert!(!query.is_empty(), "{query:?}");
        }
        assert!(Query {
            text: "  ".to_owned(),
            ..Query::default()
        }
        .is_empty());
    }
}
