//! Query text through the façade: over the fixture trail, a selection with text is the same
//! whether the search index has been built or the records are read one by one, and equals a
//! scan of every event's JSON with the reference evaluator; text that does not parse selects
//! nothing and says where it fails.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use trailview::analytics::search::{matches_value, parse};
use trailview::analytics::{check_query_text, Dataset, Field, FieldFilter, Query, CIS_FILTERS};

fn load() -> Dataset {
    common::load_trail()
}

const QUERIES: &[&str] = &[
    "AccessDenied",
    "errorCode:AccessDenied*",
    "-userIdentity.type:AssumedRole",
    "eventName:Get* OR eventName:List*",
    "\"s3.amazonaws.com\" NOT readOnly:true",
    "requestParameters.bucketName:*",
    "resources[].ARN:*",
    "{ $.eventName = \"ConsoleLogin\" }",
    "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS }",
    "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
    "{ $.readOnly IS FALSE }",
    "{ $.eventName = %^Put% || $.eventName = %^Delete% }",
];

#[test]
fn indexed_and_unindexed_selections_agree_with_a_scan_of_the_records() {
    let mut dataset = load();
    let n = dataset.n_events() as u32;
    let mut queries: Vec<&str> = QUERIES.to_vec();
    queries.extend(CIS_FILTERS.iter().map(|(_, _, pattern)| *pattern));
    let mut unindexed = Vec::new();
    for text in &queries {
        let query = Query {
            text: (*text).to_owned(),
            ..Query::default()
        };
        unindexed.push(dataset.select(&query).ids().to_vec());
    }
    dataset.prepare_search();
    assert!(dataset.search_memory_bytes() > 0);
    let mut nonzero = 0;
    for (text, before) in queries.iter().zip(&unindexed) {
        let query = Query {
            text: (*text).to_owned(),
            ..Query::default()
        };
        let selected = dataset.select(&query).ids().to_vec();
        assert_eq!(&selected, before, "{text}: index and scan differ");
        let expr = parse(text).unwrap();
        let mut scanned: Vec<u32> = (0..n)
            .filter(|&idx| {
                let json = dataset.event_detail(idx).unwrap().json;
                matches_value(&expr, &serde_json::from_str(&json).unwrap())
            })
            .collect();
        let mut sorted = selected.clone();
        sorted.sort_unstable();
        scanned.sort_unstable();
        assert_eq!(sorted, scanned, "{text}");
        nonzero += usize::from(!selected.is_empty() && selected.len() < n as usize);
    }
    // The fixture must give most of these queries something to tell apart.
    assert!(
        nonzero >= 8,
        "only {nonzero} queries select a proper subset"
    );
}

#[test]
fn text_combines_with_field_filters_and_bad_text_selects_nothing() {
    let mut dataset = load();
    dataset.prepare_search();
    let errors = Query {
        text: "errorCode:*".to_owned(),
        ..Query::default()
    };
    let all_errors = dataset.select(&errors).len();
    let narrowed = errors.with_filter(FieldFilter {
        field: Field::ErrorCode,
        value: "AccessDenied".to_owned(),
        exclude: true,
    });
    let fewer = dataset.select(&narrowed).len();
    assert!(fewer < all_errors && all_errors > 0, "{fewer} {all_errors}");

    let error = check_query_text("{ $.eventName = }").unwrap_err();
    assert_eq!(error.position, 16, "{error}");
    let bad = Query {
        text: "{ $.eventName = }".to_owned(),
        ..Query::default()
    };
    assert!(dataset.select(&bad).is_empty());
}
