//! The explore features through the façade, over the fixture trail: selections with path
//! filters, lookups, toggles and a pivot are the same whatever part of the store is indexed
//! (a property over random queries); every facet count equals the number of events its click
//! selects; every related count equals what its click shows; and sorting is a permutation of
//! the selection that does not depend on the index.

// A test that cannot read its own fixtures should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use trailview::analytics::{
    Dataset, Lookup, LookupAttribute, PathFilter, Query, Sort, DEFAULT_COLUMNS,
};

fn load() -> Dataset {
    common::load_trail()
}

fn indexed() -> Dataset {
    let mut dataset = load();
    dataset.prepare_search();
    dataset
}

/// Up to four values of every path of the fixture, with their paths: what queries are made of.
fn pool() -> &'static [(String, String)] {
    static POOL: OnceLock<Vec<(String, String)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let dataset = indexed();
        let all = dataset.select(&Query::default());
        let mut pool = Vec::new();
        for field in dataset.facet_fields() {
            for (value, _) in dataset.facet_values(&all, &field.path, "", 4).values {
                pool.push((field.path.clone(), value));
            }
        }
        pool
    })
}

#[test]
fn every_facet_count_is_what_its_click_selects() {
    let dataset = indexed();
    let fields = dataset.facet_fields();
    assert!(fields.len() > 40, "{} paths", fields.len());
    for base in [
        Query::default(),
        Query {
            errors_only: true,
            ..Query::default()
        },
        Query {
            text: "readOnly:false".to_owned(),
            ..Query::default()
        },
    ] {
        let selection = dataset.select(&base);
        let mut checked = 0;
        for field in &fields {
            let facet = dataset.facet_values(&selection, &field.path, "", usize::MAX);
            assert_eq!(facet.distinct, facet.values.len(), "{}", field.path);
            for (value, count) in facet.values {
                let clicked = base.with_path_filter(PathFilter {
                    path: field.path.clone(),
                    value: value.clone(),
                    exclude: false,
                });
                let shown = dataset.select(&clicked).len();
                assert_eq!(
                    shown, count as usize,
                    "{} = {value:?} in {base:?}",
                    field.path
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} values checked");
    }
}

#[test]
fn every_related_count_is_what_its_click_shows() {
    let dataset = indexed();
    let all = dataset.select(&Query::default());
    let mut with_relations = 0;
    let mut shared = 0;
    for &event_idx in all.ids() {
        let related = dataset.related(event_idx);
        with_relations += usize::from(!related.is_empty());
        for relation in related {
            let shown = dataset.select(&Query::default().with_path_filter(PathFilter {
                path: relation.path.clone(),
                value: relation.value.clone(),
                exclude: false,
            }));
            assert_eq!(shown.len(), relation.count, "{relation:?}");
            assert!(shown.ids().contains(&event_idx), "{relation:?}");
            shared += usize::from(relation.count > 1);
        }
    }
    assert!(
        with_relations > 50 && shared > 5,
        "{with_relations} {shared}"
    );
}

#[test]
fn sorting_permutes_the_selection_whatever_the_index_and_the_default_is_newest_first() {
    let mut dataset = load();
    let selection = dataset.select(&Query::default());
    let mut columns: Vec<String> = DEFAULT_COLUMNS.map(str::to_owned).to_vec();
    columns.extend(
        [
            "resources[].ARN",
            "requestParameters.bucketName",
            "readOnly",
        ]
        .map(str::to_owned),
    );
    let sorts: Vec<Sort> = columns
        .iter()
        .flat_map(|column| {
            [false, true].map(|descending| Sort {
                column: column.clone(),
                descending,
            })
        })
        .collect();
    let before: Vec<Vec<u32>> = sorts
        .iter()
        .map(|sort| dataset.sorted(&selection, sort).ids().to_vec())
        .collect();
    dataset.index_some(40);
    let partial: Vec<Vec<u32>> = sorts
        .iter()
        .map(|sort| dataset.sorted(&selection, sort).ids().to_vec())
        .collect();
    dataset.prepare_search();
    let mut expected = selection.ids().to_vec();
    expected.sort_unstable();
    for ((sort, before), partial) in sorts.iter().zip(&before).zip(&partial) {
        let after = dataset.sorted(&selection, sort).ids().to_vec();
        assert_eq!(&after, before, "{sort:?}");
        assert_eq!(&after, partial, "{sort:?}");
        let mut permuted = after.clone();
        permuted.sort_unstable();
        assert_eq!(permuted, expected, "{sort:?}");
    }
    let newest_first = dataset.sorted(&selection, &Sort::default());
    let rows = dataset.table_rows(&newest_first, &columns, 0, usize::MAX);
    let legacy = dataset.rows(&selection, 0, usize::MAX);
    assert_eq!(
        rows.iter().map(|row| row.event_idx).collect::<Vec<_>>(),
        legacy.iter().map(|row| row.event_idx).collect::<Vec<_>>()
    );
    for (row, old) in rows.iter().zip(&legacy) {
        assert_eq!(row.cells[1], old.event_name);
        assert_eq!(row.cells[3], old.caller);
        assert_eq!(row.is_error, !old.error_code.is_empty());
    }
}

fn path_filter() -> impl Strategy<Value = PathFilter> {
    (prop::sample::select(pool()), any::<bool>()).prop_map(|((path, value), exclude)| PathFilter {
        path: path.clone(),
        value: value.clone(),
        exclude,
    })
}

/// Values the lookups and the pivot try: the fixture's values, some readable names, and one
/// that is nowhere.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(pool()).prop_map(|(_, value)| value.clone()),
        1 => prop::sample::select(vec![
            "alice@example.com",
            "Admin/alice@example.com",
            "bob",
            "root",
            "example-bucket",
            "true",
            "false",
            "nowhere",
        ])
        .prop_map(str::to_owned),
    ]
}

fn lookup() -> impl Strategy<Value = Lookup> {
    (prop::sample::select(LookupAttribute::ALL.to_vec()), value())
        .prop_map(|(attribute, value)| Lookup { attribute, value })
}

fn query() -> impl Strategy<Value = Query> {
    (
        prop::collection::vec(path_filter(), 0..4),
        prop::collection::vec(lookup(), 0..3),
        prop::option::of(value()),
        any::<(bool, bool, bool)>(),
        prop::sample::select(vec![
            "",
            "",
            "AccessDenied",
            "-readOnly:true",
            "{ $.eventName = \"Get*\" }",
        ]),
    )
        .prop_map(|(paths, lookups, pivot, toggles, text)| Query {
            paths,
            lookups,
            pivot,
            errors_only: toggles.0,
            writes_only: toggles.1,
            hide_aws_service: toggles.2,
            text: text.to_owned(),
            ..Query::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn selections_do_not_depend_on_the_index(query in query(), slice in 0usize..=120) {
        let mut dataset = load();
        let unindexed = dataset.select(&query).ids().to_vec();
        dataset.index_some(slice);
        let partial = dataset.select(&query).ids().to_vec();
        dataset.prepare_search();
        let indexed = dataset.select(&query).ids().to_vec();
        prop_assert_eq!(&unindexed, &indexed);
        prop_assert_eq!(&partial, &indexed);
    }
}

#[test]
fn lookups_and_the_pivot_find_the_fixture_principals() {
    let dataset = indexed();
    let lookup = |attribute, value: &str| {
        dataset
            .select(&Query {
                lookups: vec![Lookup {
                    attribute,
                    value: value.to_owned(),
                }],
                ..Query::default()
            })
            .len()
    };
    let by_session = lookup(LookupAttribute::UserName, "alice@example.com");
    assert!(by_session > 0);
    assert_eq!(
        by_session,
        lookup(LookupAttribute::UserName, "Admin/alice@example.com")
    );
    assert!(lookup(LookupAttribute::UserName, "bob") > 0);
    assert_eq!(lookup(LookupAttribute::UserName, "Bob"), 0);
    let pivot = |text: &str| {
        dataset
            .select(&Query {
                pivot: Some(text.to_owned()),
                ..Query::default()
            })
            .len()
    };
    // The pivot wants a whole value: the session name alone is only part of the ARN.
    assert_eq!(pivot("alice@example.com"), 0);
    assert_eq!(
        pivot("Admin/alice@example.com"),
        by_session,
        "the readable caller"
    );
    assert_eq!(
        pivot("arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com"),
        by_session
    );
}
