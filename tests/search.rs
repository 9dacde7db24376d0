//! Properties of search: the term index selects exactly what the naive evaluator selects (also
//! when event ids are skipped), printing then parsing gives the same query back, parsing any
//! text never panics, and facet counts equal counts made by walking the records.

// A failing property should fail loudly, not limp on.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use trailview::analytics::search::{
    matches_value, parse, print, Bitset, Comparison, Expr, NumberOp, Path, RegexPattern, Step,
    TermIndex, TextMatch,
};

const KEYS: [&str; 7] = [
    "eventName",
    "userIdentity",
    "type",
    "resources",
    "ARN",
    "n",
    "a.b",
];
const TEXTS: [&str; 10] = [
    "A",
    "a",
    "AccessDenied",
    "x",
    "1",
    "true",
    "",
    "Ab*",
    "null",
    "é\"\\",
];
const NUMBERS: [f64; 5] = [0.0, 1.0, -2.5, 1000.0, 1e-3];
const REGEXES: [&str; 4] = ["^A", "x", "D.*d", "1|t"];
const GLOBS: [&str; 6] = ["*", "a*", "*d", "A*x*", "ACCESSDENIED", "1"];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(NUMBERS.to_vec()).prop_map(|number| json!(number)),
        prop::sample::select(vec![0i64, 1, 1000, -7]).prop_map(|number| json!(number)),
        prop::sample::select(TEXTS.to_vec()).prop_map(|text| json!(text)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..4).prop_map(
                |pairs| {
                    Value::Object(
                        pairs
                            .into_iter()
                            .map(|(key, value)| (key.to_owned(), value))
                            .collect::<Map<_, _>>(),
                    )
                }
            ),
        ]
    })
}

/// A CloudTrail-like record: often `userIdentity` and `resources` (an array of objects), then a
/// few of the pool's keys with random values, which may replace them.
fn record() -> impl Strategy<Value = Value> {
    let resource = (leaf(), leaf()).prop_map(|(arn, kind)| json!({"ARN": arn, "type": kind}));
    let resources = prop::option::of(prop::collection::vec(resource, 0..3));
    let identity = prop::option::of(
        (leaf(), value()).prop_map(|(kind, arn)| json!({"type": kind, "ARN": arn})),
    );
    let others = prop::collection::vec((prop::sample::select(KEYS.to_vec()), value()), 0..4);
    (resources, identity, others).prop_map(|(resources, identity, others)| {
        let mut members = Map::new();
        if let Some(resources) = resources {
            members.insert("resources".to_owned(), Value::Array(resources));
        }
        if let Some(identity) = identity {
            members.insert("userIdentity".to_owned(), identity);
        }
        for (key, value) in others {
            members.insert(key.to_owned(), value);
        }
        Value::Object(members)
    })
}

fn path() -> impl Strategy<Value = Path> {
    let step = prop_oneof![
        4 => prop::sample::select(KEYS.to_vec()).prop_map(|key| Step::Key(key.to_owned())),
        1 => (0u32..2).prop_map(Step::Index),
        1 => Just(Step::AnyIndex),
    ];
    prop::collection::vec(step, 1..4).prop_map(|steps| Path { steps })
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(TEXTS.to_vec()).prop_map(str::to_owned)
}

fn comparison() -> impl Strategy<Value = Comparison> {
    let text_match = prop_oneof![
        text().prop_map(TextMatch::Exact),
        // The parser reads `"*"` as a suffix, never as an empty prefix.
        text()
            .prop_filter("non-empty", |text| !text.is_empty())
            .prop_map(TextMatch::Prefix),
        text().prop_map(TextMatch::Suffix),
        text().prop_map(TextMatch::Contains),
    ];
    let op = prop::sample::select(vec![
        NumberOp::Equal,
        NumberOp::NotEqual,
        NumberOp::Less,
        NumberOp::LessOrEqual,
        NumberOp::Greater,
        NumberOp::GreaterOrEqual,
    ]);
    prop_oneof![
        (any::<bool>(), text_match).prop_map(|(negated, text)| Comparison::Text { negated, text }),
        (op, prop::sample::select(NUMBERS.to_vec()))
            .prop_map(|(op, value)| Comparison::Number { op, value }),
        (any::<bool>(), prop::sample::select(REGEXES.to_vec())).prop_map(|(negated, source)| {
            Comparison::Regex {
                negated,
                regex: RegexPattern::new(source).unwrap(),
            }
        }),
        Just(Comparison::IsNull),
        Just(Comparison::IsTrue),
        Just(Comparison::IsFalse),
        Just(Comparison::NotExists),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        4 => (path(), comparison()).prop_map(|(path, comparison)| Expr::Compare { path, comparison }),
        2 => (path(), prop::sample::select(GLOBS.to_vec()).prop_union(prop::sample::select(TEXTS.to_vec())))
            .prop_map(|(path, pattern)| Expr::FieldIs { path, pattern: pattern.to_owned() }),
        1 => prop::sample::select(vec!["a", "CC", "1", "00", "é", "x\""]).prop_map(|text| Expr::FreeText(text.to_owned())),
        1 => Just(Expr::MatchAll),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(left, right)| Expr::and(left, right)),
            (inner.clone(), inner.clone()).prop_map(|(left, right)| Expr::or(left, right)),
            inner.prop_map(Expr::negate),
        ]
    })
}

fn regex_count(expr: &Expr) -> usize {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().map(regex_count).sum(),
        Expr::Not(inner) => regex_count(inner),
        Expr::Compare {
            comparison: Comparison::Regex { .. },
            ..
        } => 1,
        _ => 0,
    }
}

/// Records with ids that skip now and then.
fn events() -> impl Strategy<Value = Vec<(u32, Value)>> {
    prop::collection::vec((0u32..3, record()), 0..24).prop_map(|records| {
        let mut next = 0u32;
        records
            .into_iter()
            .map(|(gap, record)| {
                next += gap;
                let id = next;
                next += 1;
                (id, record)
            })
            .collect()
    })
}

/// The index of `events`, built from their JSON text as the page builds it (so every property
/// below holds for the text walk); texts the walk hands back are indexed from their value.
fn build(events: &[(u32, Value)]) -> TermIndex {
    let mut index = TermIndex::new();
    for (id, record) in events {
        let text = serde_json::to_string(record).unwrap();
        match index.add_text(*id, &text) {
            Some(added) => assert!(added),
            None => assert!(index.add(*id, record)),
        }
    }
    index
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@'))
}

/// Stands for a null leaf in [`leaf_texts`]: facets list paths holding nulls, never the nulls.
const NULL_MARK: &str = "\u{0}null";

/// (generalised path, value text) of every leaf, by walking the record.
fn leaf_texts(record: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut pending = vec![(String::new(), record)];
    while let Some((path, value)) = pending.pop() {
        match value {
            Value::Object(members) => {
                for (key, child) in members {
                    let step = if !is_plain(key) {
                        format!("[\"{}\"]", key.replace('\\', "\\\\").replace('"', "\\\""))
                    } else if path.is_empty() {
                        key.clone()
                    } else {
                        format!(".{key}")
                    };
                    pending.push((format!("{path}{step}"), child));
                }
            }
            Value::Array(elements) => {
                pending.extend(elements.iter().map(|child| (format!("{path}[]"), child)));
            }
            Value::String(text) => {
                found.insert((path, text.clone()));
            }
            Value::Number(number) => {
                found.insert((path, number.to_string()));
            }
            Value::Bool(flag) => {
                found.insert((path, flag.to_string()));
            }
            Value::Null => {
                found.insert((path, NULL_MARK.to_owned()));
            }
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_index_selects_what_the_evaluator_selects(events in events(), expr in expr(), extra in 0u32..70) {
        let index = build(&events);
        let n_events = events.last().map_or(0, |(id, _)| id + 1) + extra;
        let expected: Vec<u32> = events
            .iter()
            .filter(|(_, record)| matches_value(&expr, record))
            .map(|(id, _)| *id)
            .collect();
        let selected: Vec<u32> = index.execute(&expr, n_events).iter().collect();
        prop_assert_eq!(selected, expected, "query {}", print(&expr));
    }

    #[test]
    fn printing_then_parsing_gives_the_query_back(expr in expr()) {
        prop_assume!(regex_count(&expr) <= 2);
        let printed = print(&expr);
        prop_assert_eq!(parse(&printed), Ok(expr), "printed as {}", printed);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly_and_what_parses_prints_back(
        input in prop_oneof![
            "[{}()$.\\[\\]\"%*:=!<>&| a-zA-Z0-9_@é\\\\-]{0,40}",
            any::<String>(),
            prop::sample::select(vec![
                "{ $.a = 1 || $.b = \"x*\" && ($.c NOT EXISTS) }",
                "a:b -c:\"d\" (e OR NOT f) {$.g IS NULL}",
            ]).prop_map(str::to_owned),
        ]
    ) {
        match parse(&input) {
            Ok(expr) => {
                let printed = print(&expr);
                prop_assert_eq!(parse(&printed), Ok(expr), "{} printed as {}", input, printed);
            }
            Err(error) => prop_assert!(error.position <= input.chars().count()),
        }
    }

    #[test]
    fn facet_counts_equal_counts_over_the_records(events in events(), keep in prop::collection::vec(any::<bool>(), 24), contains in prop::sample::select(vec!["", "a", "1", "É"])) {
        let index = build(&events);
        let n_events = events.last().map_or(0, |(id, _)| id + 1);
        let within_ids: Vec<u32> = events
            .iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|((id, _), _)| *id)
            .collect();
        let within = Bitset::from_ids(n_events, within_ids.iter().copied());
        let mut naive: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
        let mut events_with_path: BTreeMap<String, usize> = BTreeMap::new();
        for (id, record) in &events {
            let texts = leaf_texts(record);
            let paths: BTreeSet<&String> = texts.iter().map(|(path, _)| path).collect();
            for path in paths {
                *events_with_path.entry(path.clone()).or_default() += 1;
            }
            if within.contains(*id) {
                for (path, text) in texts {
                    if text != NULL_MARK && text.to_lowercase().contains(&contains.to_lowercase()) {
                        *naive.entry(path).or_default().entry(text).or_default() += 1;
                    }
                }
            }
        }
        let listed: BTreeMap<String, usize> = index.paths().map(|(path, count)| (path.to_owned(), count)).collect();
        prop_assert_eq!(&listed, &events_with_path);
        for (path, _) in listed {
            let (top, distinct) = index.top_values(&path, &within, contains, usize::MAX);
            let mut expected: Vec<(String, u32)> = naive.remove(&path).unwrap_or_default().into_iter().collect();
            expected.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
            prop_assert_eq!(distinct, expected.len());
            prop_assert_eq!(&top, &expected, "path {}", path);
            for (text, count) in top {
                let mut facet = index.execute(&Expr::field_equals(&path, &text).unwrap(), n_events);
                facet.intersect_with(&within);
                prop_assert_eq!(facet.count(), count as usize, "facet {} = {}", path, text);
            }
        }
        prop_assert!(naive.is_empty(), "paths missing from the index: {:?}", naive.keys().collect::<Vec<_>>());
    }
}

#[test]
fn generated_queries_are_not_all_trivial() {
    // The properties above would pass vacuously if every query selected nothing or everything.
    let records = [
        json!({"eventName": "A", "n": 1}),
        json!({"eventName": "x", "n": 1000}),
    ];
    let mut index = TermIndex::new();
    for (id, record) in records.iter().enumerate() {
        index.add(id as u32, record);
    }
    let expr = parse("eventName:a").unwrap();
    assert_eq!(index.execute(&expr, 2).iter().collect::<Vec<_>>(), [0]);
    assert!(matches_value(&expr, &records[0]) && !matches_value(&expr, &records[1]));
}
