//! Criterion micro-benchmarks for quick iteration on the analytics core, over a ~20k-event
//! generated corpus: generating it, ingesting it, selecting with query text, and the dashboard.
//!
//! ```text
//! cargo bench --no-default-features --bench analytics [-- FILTER]
//! ```
//!
//! For latency percentiles at 100k–1M events use the `query_latency` bench.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trailview::analytics::generate::{generate, GenSpec, GeneratedFile};
use trailview::analytics::{Dataset, Query};

const EVENTS: u64 = 20_000;

fn corpus() -> (Vec<GeneratedFile>, u64) {
    let mut corpus = generate(&GenSpec::new(EVENTS, 1));
    let files: Vec<GeneratedFile> = corpus.by_ref().collect();
    (files, corpus.summary().uncompressed_bytes)
}

fn ingest(files: &[GeneratedFile]) -> Dataset {
    let mut dataset = Dataset::default();
    for file in files {
        dataset.ingest_file(&file.path, &file.bytes);
    }
    dataset.commit();
    dataset
}

fn text(text: &str) -> Query {
    Query {
        text: text.to_owned(),
        ..Query::default()
    }
}

fn benches(c: &mut Criterion) {
    let (files, json_bytes) = corpus();

    let mut group = c.benchmark_group("corpus_20k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("generate", |b| {
        b.iter(|| generate(&GenSpec::new(EVENTS, 1)).count());
    });
    group.throughput(Throughput::Bytes(json_bytes));
    group.bench_function("ingest", |b| b.iter(|| ingest(black_box(&files))));
    group.bench_function("ingest_and_index", |b| {
        b.iter(|| {
            let mut dataset = ingest(black_box(&files));
            dataset.prepare_search();
            dataset
        });
    });
    group.finish();

    let mut dataset = ingest(&files);
    dataset.prepare_search();
    let mut group = c.benchmark_group("query_20k");
    for (name, query) in [
        ("pattern_prefix", text(r#"{ $.eventName = "Describe*" }"#)),
        (
            "pattern_and_or",
            text(
                r#"{ ($.eventSource = "s3.amazonaws.com" && $.errorCode = "AccessDenied") || $.eventName = "RunInstances" }"#,
            ),
        ),
        ("short_nested", text("requestParameters.bucketName:*")),
        ("free_text", text("terraform")),
    ] {
        group.bench_function(name, |b| b.iter(|| dataset.select(black_box(&query))));
    }
    let everything = Query::default();
    let all = dataset.select(&everything);
    group.bench_function("dashboard_full", |b| {
        b.iter(|| dataset.dashboard(black_box(&all), &everything));
    });
    group.finish();
}

criterion_group!(analytics, benches);
criterion_main!(analytics);
