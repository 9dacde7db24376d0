//! The view as a URL fragment: query, filters, time range, table columns and order, the open
//! event and the events compared, time zone. Never any data: values the user typed or clicked
//! and event IDs, no record content.
//!
//! The fragment is `application/x-www-form-urlencoded` pairs, readable and hand-editable:
//! `#q=AccessDenied&f=eventName:ConsoleLogin&nf=awsRegion:us-east-1&p=requestParameters.bucketName=logs`
//! `&from=2024-03-01T10:00:00Z&to=2024-03-01T12:00:00Z&col=time&col=eventName&sort=caller&order=asc&event=<eventID>&tz=local`.
//! Reading is lenient: a pair it does not understand is skipped and named in the problems, so a
//! link from a newer version still opens what it can.

use crate::analytics::model::time::{format_utc, parse_event_time};
use crate::analytics::{
    Field, FieldFilter, Lookup, LookupAttribute, PathFilter, Query, Sort, TimeRange,
};

/// Everything the URL fragment holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewState {
    /// Filters, time range, toggles, pivot and query text.
    pub query: Query,
    /// Table columns (keys); empty means the default columns.
    pub columns: Vec<String>,
    /// Table order.
    pub sort: Sort,
    /// The `eventID` of the event open in the detail panel.
    pub open_event: Option<String>,
    /// The `eventID`s of the events being compared.
    pub compare: Vec<String>,
    /// Whether times are shown in the browser's time zone instead of UTC.
    pub local_time: bool,
}

impl ViewState {
    /// The fragment (without `#`); empty for the default view.
    pub fn to_fragment(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        let query = &self.query;
        if !query.text.trim().is_empty() {
            pairs.append_pair("q", &query.text);
        }
        for filter in &query.filters {
            let key = if filter.exclude { "nf" } else { "f" };
            pairs.append_pair(key, &format!("{}:{}", filter.field.key(), filter.value));
        }
        for filter in &query.paths {
            let key = if filter.exclude { "np" } else { "p" };
            pairs.append_pair(key, &format!("{}={}", filter.path, filter.value));
        }
        for lookup in &query.lookups {
            pairs.append_pair("l", &format!("{}:{}", lookup.attribute.key(), lookup.value));
        }
        if let Some(range) = query.time_range {
            pairs.append_pair("from", &format_utc(range.start));
            pairs.append_pair("to", &format_utc(range.end));
        }
        for (flag, key) in [
            (query.errors_only, "errors"),
            (query.writes_only, "writes"),
            (query.hide_aws_service, "nosvc"),
        ] {
            if flag {
                pairs.append_pair(key, "1");
            }
        }
        if let Some(pivot) = &query.pivot {
            pairs.append_pair("pivot", pivot);
        }
        for column in &self.columns {
            pairs.append_pair("col", column);
        }
        if self.sort != Sort::default() {
            pairs.append_pair("sort", &self.sort.column);
            pairs.append_pair("order", if self.sort.descending { "desc" } else { "asc" });
        }
        if let Some(event) = &self.open_event {
            pairs.append_pair("event", event);
        }
        for event in &self.compare {
            pairs.append_pair("cmp", event);
        }
        if self.local_time {
            pairs.append_pair("tz", "local");
        }
        pairs.finish()
    }

    /// Reads a fragment (with or without its `#`); returns the view and a note for every pair
    /// that was skipped.
    pub fn from_fragment(fragment: &str) -> (ViewState, Vec<String>) {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut view = ViewState::default();
        let mut problems = Vec::new();
        let (mut from, mut to) = (None, None);
        let mut sort_column = None;
        let mut descending = true;
        for (key, value) in form_urlencoded::parse(fragment.as_bytes()) {
            let value = value.into_owned();
            let understood = match key.as_ref() {
                "q" | "f" | "nf" | "p" | "np" | "l" | "errors" | "writes" | "nosvc" | "pivot" => {
                    read_query_pair(&mut view.query, &key, &value)
                }
                "from" => {
                    from = parse_event_time(&value);
                    from.is_some()
                }
                "to" => {
                    to = parse_event_time(&value);
                    to.is_some()
                }
                "col" => {
                    if !value.is_empty() && !view.columns.contains(&value) {
                        view.columns.push(value.clone());
                    }
                    true
                }
                "sort" => {
                    sort_column = Some(value.clone()).filter(|column| !column.is_empty());
                    true
                }
                "order" => {
                    descending = value != "asc";
                    value == "asc" || value == "desc"
                }
                "event" => {
                    view.open_event = Some(value.clone()).filter(|event| !event.is_empty());
                    true
                }
                "cmp" => {
                    if !value.is_empty() && !view.compare.contains(&value) {
                        view.compare.push(value.clone());
                    }
                    true
                }
                "tz" => {
                    view.local_time = value == "local";
                    value == "local" || value == "utc"
                }
                _ => false,
            };
            if !understood {
                problems.push(format!("{key}={value}"));
            }
        }
        match (from, to) {
            (Some(start), Some(end)) if start < end => {
                view.query.time_range = Some(TimeRange { start, end });
            }
            (None, None) => {}
            _ => problems.push("from/to: not a time range".to_owned()),
        }
        if let Some(column) = sort_column {
            view.sort = Sort { column, descending };
        }
        (view, problems)
    }
}

/// Reads one pair of the query's part of the fragment into `query`; returns whether it was
/// understood.
fn read_query_pair(query: &mut Query, key: &str, value: &str) -> bool {
    match key {
        "q" => {
            value.clone_into(&mut query.text);
            true
        }
        "f" | "nf" => field_filter(value, key == "nf")
            .map(|filter| query.filters.push(filter))
            .is_some(),
        "p" | "np" => split_path_value(value)
            .map(|(path, found)| {
                query.paths.push(PathFilter {
                    path: path.to_owned(),
                    value: found.to_owned(),
                    exclude: key == "np",
                });
            })
            .is_some(),
        "l" => value
            .split_once(':')
            .and_then(|(attribute, found)| {
                Some(Lookup {
                    attribute: LookupAttribute::from_key(attribute)?,
                    value: found.to_owned(),
                })
            })
            .map(|lookup| query.lookups.push(lookup))
            .is_some(),
        "errors" => {
            query.errors_only = value == "1";
            true
        }
        "writes" => {
            query.writes_only = value == "1";
            true
        }
        "nosvc" => {
            query.hide_aws_service = value == "1";
            true
        }
        "pivot" => {
            query.pivot = Some(value.to_owned()).filter(|pivot| !pivot.is_empty());
            true
        }
        _ => false,
    }
}

/// `eventName:ConsoleLogin` → a filter on a known field.
fn field_filter(text: &str, exclude: bool) -> Option<FieldFilter> {
    let (field, value) = text.split_once(':')?;
    Some(FieldFilter {
        field: Field::from_key(field)?,
        value: value.to_owned(),
        exclude,
    })
}

/// Splits `path=value` at the first `=` outside a quoted name (`a["x=y"].b=v`).
fn split_path_value(text: &str) -> Option<(&str, &str)> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (at, character) in text.char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '=' if !in_quotes => return Some((&text[..at], &text[at + 1..])),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ViewState {
        ViewState {
            query: Query {
                filters: vec![
                    FieldFilter {
                        field: Field::EventName,
                        value: "Console:Login &x=1".to_owned(),
                        exclude: false,
                    },
                    FieldFilter {
                        field: Field::ErrorCode,
                        value: String::new(),
                        exclude: true,
                    },
                ],
                time_range: Some(TimeRange {
                    start: 1_709_287_500_000,
                    end: 1_709_287_500_250,
                }),
                text: r#"{ $.a = "b#c" } && x"#.to_owned(),
                paths: vec![
                    PathFilter {
                        path: r#"requestParameters["odd=key"].x"#.to_owned(),
                        value: "v=1".to_owned(),
                        exclude: false,
                    },
                    PathFilter {
                        path: "resources[].ARN".to_owned(),
                        value: "arn:aws:s3:::b".to_owned(),
                        exclude: true,
                    },
                ],
                lookups: vec![Lookup {
                    attribute: LookupAttribute::UserName,
                    value: "alice:admin".to_owned(),
                }],
                errors_only: true,
                writes_only: true,
                hide_aws_service: true,
                pivot: Some("AKIA EXAMPLE+/".to_owned()),
            },
            columns: vec!["time".to_owned(), "requestParameters.bucketName".to_owned()],
            sort: Sort {
                column: "caller".to_owned(),
                descending: false,
            },
            open_event: Some("e-1".to_owned()),
            compare: vec!["e-1".to_owned(), "e-2".to_owned()],
            local_time: true,
        }
    }

    #[test]
    fn every_part_of_the_view_survives_the_fragment() {
        let view = full();
        let fragment = view.to_fragment();
        assert!(
            !fragment.contains('#') && !fragment.contains(' '),
            "{fragment}"
        );
        let (read, problems) = ViewState::from_fragment(&format!("#{fragment}"));
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(read, view);
    }

    #[test]
    fn the_default_view_is_an_empty_fragment_and_back() {
        assert_eq!(ViewState::default().to_fragment(), "");
        assert_eq!(
            ViewState::from_fragment(""),
            (ViewState::default(), Vec::new())
        );
    }

    #[test]
    fn what_is_not_understood_is_skipped_and_named() {
        let (view, problems) = ViewState::from_fragment(
            "q=x&f=nofield:1&f=eventName:A&l=shoeSize:9&zz=1&from=2024-03-01T10:00:00Z&order=sideways",
        );
        assert_eq!(view.query.text, "x");
        assert_eq!(view.query.filters.len(), 1);
        assert_eq!(
            problems,
            vec![
                "f=nofield:1",
                "l=shoeSize:9",
                "zz=1",
                "order=sideways",
                "from/to: not a time range"
            ]
        );
        assert_eq!(view.query.time_range, None);
    }

    #[test]
    fn paths_split_at_the_first_equals_outside_quotes() {
        assert_eq!(split_path_value("a.b=c=d"), Some(("a.b", "c=d")));
        assert_eq!(
            split_path_value(r#"a["x=\"y"].b=v"#),
            Some((r#"a["x=\"y"].b"#, "v"))
        );
        assert_eq!(split_path_value("nothing"), None);
    }
}
