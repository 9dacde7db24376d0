//! The index-answered parts of a query (text, path filters, Event-history lookups, the pivot)
//! compiled once and answered as a bitset over every stored event: from the term index for
//! indexed events, by reading the record for the others, with the same meaning both ways.
//!
//! Everything except the user-name lookup's caller and the pivot becomes one search [`Expr`],
//! so the index and the reference evaluator (`search::matches_value`) agree by construction;
//! the caller part reads the store's [`Field::Caller`] column, and the pivot has its own
//! index lookup ([`TermIndex::events_with_text`]) and record walk, tested against each other.
//!
//! [`TermIndex::events_with_text`]: crate::analytics::search::TermIndex::events_with_text

use serde_json::Value;

use super::leaf_text;
use crate::analytics::model::field::Field;
use crate::analytics::query::{Lookup, LookupAttribute, PathFilter, Query};
use crate::analytics::search::{
    self, matches_value, Bitset, Comparison, Expr, Path, RegexPattern, TextMatch,
};
use crate::analytics::Dataset;

/// The top-level members under which the pivot looks for its text.
const PIVOT_ROOTS: [&str; 5] = [
    "userIdentity",
    "resources",
    "requestParameters",
    "responseElements",
    "sourceIPAddress",
];

/// A query's index-answered parts, ready to run.
struct Compiled {
    /// Everything that is a plain search expression, all of which must hold; `None` holds for
    /// every event.
    expr: Option<Expr>,
    /// One entry per user-name lookup: the record part, or the caller id that also satisfies it.
    user_names: Vec<(Expr, Option<u32>)>,
    /// The pivot's text and the caller id equal to it.
    pivot: Option<(String, Option<u32>)>,
}

/// An expression no event satisfies (`NOT *`), in the index and in the evaluator.
fn nothing() -> Expr {
    Expr::negate(Expr::MatchAll)
}

/// `a AND b AND …`; `None` when there is nothing to AND.
fn and_all(parts: Vec<Expr>) -> Option<Expr> {
    parts.into_iter().reduce(Expr::and)
}

/// `a OR b OR …`; nothing for an empty list.
fn or_all(parts: Vec<Expr>) -> Expr {
    parts.into_iter().reduce(Expr::or).unwrap_or_else(nothing)
}

/// `path = "value"` exactly (case-sensitive; a number's or bool's JSON text), or nothing if
/// the path is not one.
fn equals(path: &str, value: &str) -> Expr {
    Expr::field_equals(path, value).unwrap_or_else(|_| nothing())
}

/// A strict comparison on a fixed, known-good path.
fn compare(path: &str, comparison: Comparison) -> Expr {
    match Path::parse(path) {
        Ok(path) => Expr::Compare { path, comparison },
        Err(_) => nothing(),
    }
}

/// The path filters: includes on one path are alternatives, each exclude a `NOT`, and paths
/// must all hold. A path that does not parse has no values: its include group selects
/// nothing, its excludes remove nothing.
fn path_filters(filters: &[PathFilter]) -> Vec<Expr> {
    // Groups in order of first appearance, keyed by the parsed path, so `a["b"]` and `a.b` agree.
    let mut groups: Vec<(Option<Path>, Vec<Expr>)> = Vec::new();
    let mut parts = Vec::new();
    for filter in filters {
        let path = Path::parse(&filter.path).ok();
        let condition = equals(&filter.path, &filter.value);
        if filter.exclude {
            if path.is_some() {
                parts.push(Expr::negate(condition));
            }
            continue;
        }
        match groups.iter_mut().find(|(known, _)| *known == path) {
            Some((_, alternatives)) => alternatives.push(condition),
            None => groups.push((path, vec![condition])),
        }
    }
    parts.extend(
        groups
            .into_iter()
            .map(|(_, alternatives)| or_all(alternatives)),
    );
    parts
}

/// The expression of a lookup other than the user name's caller part.
fn lookup_expr(lookup: &Lookup) -> Expr {
    let value = lookup.value.as_str();
    match lookup.attribute {
        LookupAttribute::EventId => equals("eventID", value),
        LookupAttribute::EventName => equals("eventName", value),
        LookupAttribute::EventSource => equals("eventSource", value),
        LookupAttribute::ReadOnly => equals("readOnly", value),
        LookupAttribute::ResourceType => equals("resources[].type", value),
        LookupAttribute::AccessKeyId => equals("userIdentity.accessKeyId", value),
        LookupAttribute::ResourceName => {
            let mut alternatives = vec![equals("resources[].ARN", value)];
            // The last segment has no separator, so a value with one can only match whole.
            if !value.contains(['/', ':']) {
                for separator in ['/', ':'] {
                    alternatives.push(compare(
                        "resources[].ARN",
                        Comparison::Text {
                            negated: false,
                            text: TextMatch::Suffix(format!("{separator}{value}")),
                        },
                    ));
                }
            }
            or_all(alternatives)
        }
        LookupAttribute::UserName => {
            let mut alternatives = vec![equals("userIdentity.userName", value)];
            // `arn:aws:sts::acct:assumed-role/Role/SESSION`: a session name has no `/`.
            if !value.contains('/') {
                let source = format!(":assumed-role/[^/]*/{}$", regex_lite::escape(value));
                if let Ok(regex) = RegexPattern::new(&source) {
                    alternatives.push(compare(
                        "userIdentity.arn",
                        Comparison::Regex {
                            negated: false,
                            regex,
                        },
                    ));
                }
            }
            or_all(alternatives)
        }
    }
}

/// Whether a generalised path is one of the pivot's roots or under one.
fn under_pivot_root(path: &str) -> bool {
    PIVOT_ROOTS.iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    })
}

/// Whether `record` has a leaf with exactly `text` under one of the pivot's roots.
fn record_references(record: &Value, text: &str) -> bool {
    let Value::Object(members) = record else {
        return false;
    };
    let mut pending: Vec<&Value> = PIVOT_ROOTS
        .iter()
        .filter_map(|root| members.get(*root))
        .collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(members) => pending.extend(members.values()),
            Value::Array(elements) => pending.extend(elements),
            leaf => {
                if leaf_text(leaf).is_some_and(|leaf| leaf == text) {
                    return true;
                }
            }
        }
    }
    false
}

impl Compiled {
    /// Compiles the index-answered parts of `query`; `None` when its text does not parse
    /// (nothing is selected then).
    fn new(dataset: &Dataset, query: &Query) -> Option<Self> {
        let mut parts = Vec::new();
        if !query.text.trim().is_empty() {
            parts.push(search::parse(&query.text).ok()?);
        }
        parts.extend(path_filters(&query.paths));
        // An empty caller is no caller: it never equals a looked-up text.
        let caller_id = |text: &str| {
            (!text.is_empty())
                .then(|| dataset.store.dictionary(Field::Caller).lookup(text))
                .flatten()
        };
        let mut user_names = Vec::new();
        for lookup in &query.lookups {
            if lookup.attribute == LookupAttribute::UserName {
                user_names.push((lookup_expr(lookup), caller_id(&lookup.value)));
            } else {
                parts.push(lookup_expr(lookup));
            }
        }
        Some(Self {
            expr: and_all(parts),
            user_names,
            pivot: query
                .pivot
                .as_ref()
                .map(|pivot| (pivot.clone(), caller_id(pivot))),
        })
    }

    /// Whether an event not in the index is selected, from its record and its caller id.
    fn matches_record(&self, record: &Value, caller: u32) -> bool {
        self.expr
            .as_ref()
            .is_none_or(|expr| matches_value(expr, record))
            && self
                .user_names
                .iter()
                .all(|(expr, caller_id)| *caller_id == Some(caller) || matches_value(expr, record))
            && self.pivot.as_ref().is_none_or(|(text, caller_id)| {
                *caller_id == Some(caller) || record_references(record, text)
            })
    }
}

impl Dataset {
    /// The events the index-answered parts of `query` select, as a bitset over every stored
    /// event; empty when the query text does not parse.
    pub(in crate::analytics) fn index_matches(&self, query: &Query) -> Bitset {
        let Some(compiled) = Compiled::new(self, query) else {
            return Bitset::empty(0);
        };
        if compiled.user_names.is_empty() && compiled.pivot.is_none() {
            return self.text_matches(compiled.expr.as_ref().unwrap_or(&Expr::MatchAll));
        }
        let n_events = self.store.len() as u32;
        let callers = self.store.column(Field::Caller);
        // Indexed events: `execute` never selects an event the index does not hold.
        let mut matches = self
            .search
            .execute(compiled.expr.as_ref().unwrap_or(&Expr::MatchAll), n_events);
        let with_caller = |caller_id: Option<u32>, mut selected: Bitset| {
            if let Some(caller_id) = caller_id {
                for (event_idx, caller) in callers.iter().enumerate().take(n_events as usize) {
                    if caller == caller_id {
                        selected.insert(event_idx as u32);
                    }
                }
            }
            selected
        };
        for (expr, caller_id) in &compiled.user_names {
            matches.intersect_with(&with_caller(
                *caller_id,
                self.search.execute(expr, n_events),
            ));
        }
        if let Some((text, caller_id)) = &compiled.pivot {
            let references = self
                .search
                .events_with_text(text, n_events, under_pivot_root);
            matches.intersect_with(&with_caller(*caller_id, references));
        }
        // Events not yet indexed: read their records.
        for event_idx in self.n_searchable..n_events {
            let caller = callers.get(event_idx as usize).unwrap_or_default();
            if self
                .record_value(event_idx)
                .is_some_and(|record| compiled.matches_record(&record, caller))
            {
                matches.insert(event_idx);
            }
        }
        matches
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{record, selected};
    use super::*;
    use crate::analytics::query::FieldFilter;

    fn path(path: &str, value: &str, exclude: bool) -> PathFilter {
        PathFilter {
            path: path.to_owned(),
            value: value.to_owned(),
            exclude,
        }
    }

    fn with_paths(filters: &[PathFilter]) -> Query {
        Query {
            paths: filters.to_vec(),
            ..Query::default()
        }
    }

    fn with_lookup(attribute: LookupAttribute, value: &str) -> Query {
        Query {
            lookups: vec![Lookup {
                attribute,
                value: value.to_owned(),
            }],
            ..Query::default()
        }
    }

    fn buckets() -> Vec<Value> {
        vec![
            record(
                0,
                json!({"requestParameters": {"bucketName": "a"}, "awsRegion": "x"}),
            ),
            record(
                1,
                json!({"requestParameters": {"bucketName": "b"}, "awsRegion": "y"}),
            ),
            record(
                2,
                json!({"requestParameters": {"bucketName": "c"}, "awsRegion": "x"}),
            ),
            record(3, json!({"awsRegion": "x"})),
            record(
                4,
                json!({"requestParameters": {"bucketName": 7}, "awsRegion": "y"}),
            ),
        ]
    }

    #[test]
    fn includes_on_one_path_are_alternatives_and_paths_combine_with_and() {
        let records = buckets();
        let bucket = |value| path("requestParameters.bucketName", value, false);
        let region = |value| path("awsRegion", value, false);
        assert_eq!(selected(&records, &with_paths(&[bucket("a")])), [0]);
        assert_eq!(
            selected(&records, &with_paths(&[bucket("a"), bucket("b")])),
            [0, 1]
        );
        assert_eq!(
            selected(
                &records,
                &with_paths(&[bucket("a"), bucket("b"), region("x")])
            ),
            [0]
        );
        assert_eq!(
            selected(&records, &with_paths(&[region("y"), bucket("7")])),
            [4],
            "a number matches its JSON text"
        );
        assert_eq!(
            selected(&records, &with_paths(&[bucket("A")])),
            [] as [u32; 0],
            "case-sensitive"
        );
        // The same path written another way is the same group.
        let quoted = path(r#"requestParameters["bucketName"]"#, "b", false);
        assert_eq!(
            selected(&records, &with_paths(&[bucket("a"), quoted])),
            [0, 1]
        );
    }

    #[test]
    fn an_exclude_removes_events_with_the_value_and_keeps_those_lacking_the_path() {
        let records = buckets();
        let excluded = with_paths(&[path("requestParameters.bucketName", "a", true)]);
        assert_eq!(selected(&records, &excluded), [1, 2, 3, 4]);
        let both = excluded.with_path_filter(path("awsRegion", "x", false));
        assert_eq!(selected(&records, &both), [2, 3]);
    }

    #[test]
    fn a_path_that_does_not_parse_selects_nothing_and_excludes_nothing() {
        let records = buckets();
        assert_eq!(
            selected(&records, &with_paths(&[path("a..b", "a", false)])),
            [] as [u32; 0]
        );
        assert_eq!(
            selected(&records, &with_paths(&[path("a..b", "a", true)])),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn with_path_filter_replaces_the_opposite_filter() {
        let query = Query::default()
            .with_path_filter(path("p", "v", false))
            .with_path_filter(path("p", "w", false))
            .with_path_filter(path("p", "v", true));
        assert_eq!(query.paths, [path("p", "w", false), path("p", "v", true)]);
        assert!(!query.is_empty());
        assert!(Query::default().is_empty());
    }

    #[test]
    fn plain_lookups_match_their_field_exactly() {
        let records = vec![
            record(
                0,
                json!({"readOnly": true, "userIdentity": {"accessKeyId": "AKIA1"},
                       "resources": [{"ARN": "arn:aws:s3:::b1", "type": "AWS::S3::Bucket"}]}),
            ),
            record(
                1,
                json!({"eventName": "PutObject", "readOnly": "false",
                       "eventSource": "ec2.amazonaws.com",
                       "resources": [{"ARN": "arn:aws:s3:::b2", "type": "AWS::S3::Object"}]}),
            ),
            record(
                2,
                json!({"readOnly": false, "userIdentity": {"accessKeyId": "akia1"}}),
            ),
        ];
        let ids = |attribute, value| selected(&records, &with_lookup(attribute, value));
        assert_eq!(ids(LookupAttribute::EventId, "e1"), [1]);
        assert_eq!(ids(LookupAttribute::EventId, "E1"), [] as [u32; 0]);
        assert_eq!(ids(LookupAttribute::EventName, "GetObject"), [0, 2]);
        assert_eq!(ids(LookupAttribute::EventSource, "ec2.amazonaws.com"), [1]);
        assert_eq!(ids(LookupAttribute::ReadOnly, "true"), [0]);
        assert_eq!(ids(LookupAttribute::ReadOnly, "false"), [1, 2]);
        assert_eq!(ids(LookupAttribute::ResourceType, "AWS::S3::Object"), [1]);
        assert_eq!(ids(LookupAttribute::AccessKeyId, "AKIA1"), [0]);
        let both = Query {
            lookups: vec![
                Lookup {
                    attribute: LookupAttribute::ReadOnly,
                    value: "false".to_owned(),
                },
                Lookup {
                    attribute: LookupAttribute::EventName,
                    value: "GetObject".to_owned(),
                },
            ],
            ..Query::default()
        };
        assert_eq!(selected(&records, &both), [2], "lookups are ANDed");
    }

    #[test]
    fn resource_name_matches_a_whole_arn_or_its_last_segment() {
        let records = vec![
            record(
                0,
                json!({"resources": [{"ARN": "arn:aws:s3:::bucket/key.txt"}]}),
            ),
            record(
                1,
                json!({"resources": [{"ARN": "arn:aws:iam::1:role/Admin"}, {"ARN": "x"}]}),
            ),
            record(
                2,
                json!({"resources": [{"ARN": "arn:aws:sqs:us-east-1:1:queue"}]}),
            ),
            record(
                3,
                json!({"resources": [{"ARN": "arn:aws:s3:::bucket/dir/key.txt"}]}),
            ),
            record(
                4,
                json!({"resources": [{"arn": "arn:aws:s3:::other/key.txt"}]}),
            ),
        ];
        let ids = |value| selected(&records, &with_lookup(LookupAttribute::ResourceName, value));
        assert_eq!(ids("key.txt"), [0, 3]);
        assert_eq!(ids("Admin"), [1]);
        assert_eq!(ids("x"), [1]);
        assert_eq!(ids("queue"), [2]);
        assert_eq!(ids("arn:aws:iam::1:role/Admin"), [1]);
        assert_eq!(
            ids("dir/key.txt"),
            [] as [u32; 0],
            "a suffix is not a segment"
        );
        assert_eq!(ids("bucket"), [] as [u32; 0]);
        assert_eq!(ids("admin"), [] as [u32; 0]);
    }

    #[test]
    fn user_name_matches_the_user_name_the_session_or_the_caller() {
        let session = "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com";
        let records = vec![
            record(
                0,
                json!({"userIdentity": {"type": "IAMUser", "userName": "bob",
                       "arn": "arn:aws:iam::111122223333:user/bob"}}),
            ),
            record(
                1,
                json!({"userIdentity": {"type": "AssumedRole", "arn": session}}),
            ),
            record(
                2,
                json!({"userIdentity": {"type": "AWSService", "invokedBy": "config.amazonaws.com"}}),
            ),
            record(
                3,
                json!({"userIdentity": {"type": "IAMUser",
                       "arn": "arn:aws:iam::111122223333:user/carol"}}),
            ),
            record(
                4,
                json!({"userIdentity": {"type": "Root", "arn": "arn:aws:iam::1:root"}}),
            ),
        ];
        let ids = |value| selected(&records, &with_lookup(LookupAttribute::UserName, value));
        assert_eq!(ids("bob"), [0]);
        assert_eq!(ids("alice@example.com"), [1]);
        assert_eq!(ids("Admin/alice@example.com"), [1], "the readable caller");
        assert_eq!(ids("Admin"), [] as [u32; 0]);
        assert_eq!(ids("config.amazonaws.com"), [2], "a service caller");
        assert_eq!(ids("carol"), [3], "caller from the ARN");
        assert_eq!(ids("root"), [4]);
        assert_eq!(ids("Bob"), [] as [u32; 0]);
        assert_eq!(ids("alice"), [] as [u32; 0]);
    }

    #[test]
    fn toggles_narrow_by_error_write_and_service() {
        let records = vec![
            record(0, json!({"errorCode": "AccessDenied", "readOnly": false})),
            record(1, json!({"errorCode": "", "readOnly": "false"})),
            record(
                2,
                json!({"readOnly": true, "userIdentity": {"type": "AWSService"}}),
            ),
            record(3, json!({"userIdentity": {"type": "IAMUser"}})),
            record(
                4,
                json!({"errorCode": "Throttling", "userIdentity": {"type": "AWSService"}}),
            ),
        ];
        let toggled = |errors_only, writes_only, hide_aws_service| {
            selected(
                &records,
                &Query {
                    errors_only,
                    writes_only,
                    hide_aws_service,
                    ..Query::default()
                },
            )
        };
        assert_eq!(toggled(true, false, false), [0, 4]);
        assert_eq!(toggled(false, true, false), [0, 1]);
        assert_eq!(toggled(false, false, true), [0, 1, 3]);
        assert_eq!(toggled(true, false, true), [0]);
        assert_eq!(toggled(false, false, false), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn the_pivot_finds_its_text_under_each_root_and_as_the_caller() {
        let records = vec![
            record(
                0,
                json!({"userIdentity": {"sessionContext": {"sessionIssuer": {"userName": "v"}}}}),
            ),
            record(1, json!({"resources": [{"ARN": "a"}, {"accountId": "v"}]})),
            record(
                2,
                json!({"requestParameters": {"filter": [{"values": ["x", "v"]}]}}),
            ),
            record(
                3,
                json!({"responseElements": {"count": 5}, "sourceIPAddress": "v"}),
            ),
            record(
                4,
                json!({"additionalEventData": {"x": "v"}, "eventName": "v"}),
            ),
            record(
                5,
                json!({"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/v"}}),
            ),
            record(
                6,
                json!({"requestParameters": {"v": "key, not value"}, "responseElements": null}),
            ),
            record(7, json!({"requestParameters": "v"})),
            record(
                8,
                json!({"requestParametersX": {"a": "v"}, "requestParameters": {"a": "V"}}),
            ),
        ];
        let pivot = |text: &str| {
            selected(
                &records,
                &Query {
                    pivot: Some(text.to_owned()),
                    ..Query::default()
                },
            )
        };
        assert_eq!(pivot("v"), [0, 1, 2, 3, 5, 7]);
        assert_eq!(pivot("5"), [3], "a number's JSON text");
        assert_eq!(pivot("a"), [1], "names are not values");
        assert_eq!(pivot("V"), [8], "case-sensitive, and only under the roots");
        assert_eq!(pivot("nothing"), [] as [u32; 0]);
        assert_eq!(
            pivot(""),
            [] as [u32; 0],
            "no caller is not an empty caller"
        );
        let mut with_empty = records.clone();
        with_empty.push(record(9, json!({"requestParameters": {"prefix": ""}})));
        let empty = Query {
            pivot: Some(String::new()),
            ..Query::default()
        };
        assert_eq!(selected(&with_empty, &empty), [9]);
        let no_user = with_lookup(LookupAttribute::UserName, "");
        assert_eq!(selected(&with_empty, &no_user), [] as [u32; 0]);
        let narrowed = Query {
            pivot: Some("v".to_owned()),
            filters: vec![FieldFilter {
                field: Field::SourceIp,
                value: "v".to_owned(),
                exclude: true,
            }],
            ..Query::default()
        };
        assert_eq!(selected(&records, &narrowed), [0, 1, 2, 5, 7]);
    }

    #[test]
    fn everything_combines_with_text_and_bad_text_selects_nothing() {
        let records = buckets();
        let query = Query {
            text: "awsRegion:x".to_owned(),
            paths: vec![path("requestParameters.bucketName", "a", true)],
            pivot: Some("c".to_owned()),
            ..Query::default()
        };
        assert_eq!(selected(&records, &query), [2]);
        let bad = Query {
            text: "{ $.a = }".to_owned(),
            pivot: Some("c".to_owned()),
            ..Query::default()
        };
        assert_eq!(selected(&records, &bad), [] as [u32; 0]);
    }

    #[test]
    fn pivot_roots_are_whole_names() {
        assert!(under_pivot_root("userIdentity"));
        assert!(under_pivot_root("userIdentity.arn"));
        assert!(under_pivot_root("resources[].ARN"));
        assert!(under_pivot_root(r#"requestParameters["a.b"]"#));
        assert!(!under_pivot_root("userIdentityX"));
        assert!(!under_pivot_root(r#"["userIdentity.arn"]"#));
        assert!(!under_pivot_root("eventName"));
    }
}
