//! Native query-latency benchmark over a generated corpus.
//!
//! ```text
//! cargo bench --no-default-features --bench query_latency -- --events 100000 [--runs 3]
//!     [--iterations 20] [--seed 1] [--json PATH] [--parts EVENTS]
//! ```
//!
//! Each run generates the corpus file by file with `analytics::generate` (never holding it
//! whole), ingests every file through `Dataset::ingest_file` and commits (timed apart from
//! generation), builds the search index (`Dataset::prepare_search`), then times a fixed,
//! named set of queries through `Dataset::select` (each once untimed, then `--iterations`
//! times) and the dashboard (`Dataset::dashboard`) for the full selection and a narrow one.
//! Prints a table, then one JSON document (to `--json PATH`, else to stdout). With several
//! runs the summary takes the median of each figure over the runs.
//!
//! With `--parts EVENTS`, the corpus is also ingested into a second dataset whose index is
//! built as the page's workers build it: jobs of EVENTS events packed (`Dataset::index_job`),
//! indexed apart (`index_part`) and merged (`Dataset::merge_index_part`), each step timed, and
//! every query is checked to select the same events from both indexes.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;
use trailview::analytics::generate::{generate, GenSpec, GenSummary};
use trailview::analytics::{
    check_query_text, Dataset, Field, FieldFilter, FileRead, Lookup, LookupAttribute, PathFilter,
    Query, Selection, Sort, TimeRange, CIS_FILTERS,
};

use crate::flags::Flags;

#[path = "../src/bin/trailview-gen/flags.rs"]
mod flags;

const USAGE: &str = "usage: query_latency [--events N] [--runs N] [--iterations N] [--seed S] [--json PATH] [--parts EVENTS]";

struct Config {
    events: u64,
    seed: u64,
    runs: usize,
    iterations: usize,
    json: Option<PathBuf>,
    /// Events per index job, when the index is also built in parts.
    parts: Option<usize>,
}

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        events: 100_000,
        seed: 1,
        runs: 1,
        iterations: 20,
        json: None,
        parts: None,
    };
    let mut flags = Flags::from_env(USAGE);
    while let Some(flag) = flags.next_flag() {
        let count = |flags: &mut Flags| {
            flags
                .number(&flag)
                .map(|n| usize::try_from(n.max(1)).unwrap_or(1))
        };
        match flag.as_str() {
            "--events" => config.events = flags.number(&flag)?,
            "--seed" => config.seed = flags.number(&flag)?,
            "--runs" => config.runs = count(&mut flags)?,
            "--iterations" => config.iterations = count(&mut flags)?,
            "--json" => config.json = Some(PathBuf::from(flags.value(&flag)?)),
            "--parts" => config.parts = Some(count(&mut flags)?),
            _ => return Err(flags.unknown(&flag)),
        }
    }
    Ok(config)
}

/// One named query of the fixed set.
struct NamedQuery {
    name: &'static str,
    query: Query,
}

fn text(name: &'static str, text: &str) -> NamedQuery {
    NamedQuery {
        name,
        query: Query {
            text: text.to_owned(),
            ..Query::default()
        },
    }
}

/// The fixed query set: CloudWatch filter patterns, the short syntax, a CIS preset, free text
/// and a field filter.
fn queries() -> Vec<NamedQuery> {
    let cis_4_1 = CIS_FILTERS
        .iter()
        .find(|(id, _, _)| *id == "4.1")
        .map_or("", |(_, _, pattern)| *pattern);
    vec![
        text("pattern_equal", r#"{ $.eventName = "ConsoleLogin" }"#),
        text("pattern_prefix", r#"{ $.eventName = "Describe*" }"#),
        text(
            "pattern_not_equal",
            r#"{ $.userIdentity.type != "AssumedRole" }"#,
        ),
        text(
            "pattern_numeric",
            "{ $.requestParameters.durationSeconds >= 3600 }",
        ),
        text("pattern_not_exists", "{ $.errorCode NOT EXISTS }"),
        text(
            "pattern_is_null",
            "{ $.responseElements IS NULL && $.readOnly IS FALSE }",
        ),
        text(
            "pattern_and_or",
            r#"{ ($.eventSource = "s3.amazonaws.com" && $.errorCode = "AccessDenied") || ($.eventName = "RunInstances" && $.userIdentity.type = "Root") }"#,
        ),
        text("pattern_regex", r"{ $.userAgent = %Terraform/1\.[0-9]+% }"),
        text("cis_4_1", cis_4_1),
        text("short_prefix", "eventName:Describe*"),
        text("short_not_error", "-errorCode:*"),
        text("short_nested", "requestParameters.bucketName:*"),
        text("free_text", "terraform"),
        text("free_text_address", "198.51.100.7"),
        NamedQuery {
            name: "path_filter",
            query: Query {
                paths: vec![PathFilter {
                    path: "userIdentity.type".to_owned(),
                    value: "IAMUser".to_owned(),
                    exclude: false,
                }],
                ..Query::default()
            },
        },
        NamedQuery {
            name: "lookup_read_only",
            query: Query {
                lookups: vec![Lookup {
                    attribute: LookupAttribute::ReadOnly,
                    value: "false".to_owned(),
                }],
                ..Query::default()
            },
        },
        NamedQuery {
            name: "toggles",
            query: Query {
                errors_only: true,
                writes_only: true,
                hide_aws_service: true,
                ..Query::default()
            },
        },
        NamedQuery {
            name: "field_filter",
            query: Query {
                filters: vec![FieldFilter {
                    field: Field::EventSource,
                    value: "kms.amazonaws.com".to_owned(),
                    exclude: false,
                }],
                ..Query::default()
            },
        },
    ]
}

/// Latency figures, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[allow(clippy::struct_field_names)] // the unit belongs in the JSON keys
struct Stats {
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn stats(samples: &mut [Duration]) -> Stats {
    samples.sort_unstable();
    let at = |percent: usize| {
        // Nearest rank.
        let rank = (percent * samples.len()).div_ceil(100).max(1);
        samples
            .get(rank - 1)
            .map_or(0.0, |sample| sample.as_secs_f64() * 1e3)
    };
    Stats {
        p50_ms: at(50),
        p95_ms: at(95),
        max_ms: samples
            .last()
            .map_or(0.0, |sample| sample.as_secs_f64() * 1e3),
    }
}

#[derive(Debug, Clone, Serialize)]
struct QueryFigures {
    name: &'static str,
    text: String,
    filters: String,
    selected: usize,
    #[serde(flatten)]
    stats: Stats,
}

#[derive(Debug, Clone, Serialize)]
struct DashboardFigures {
    name: &'static str,
    selected: usize,
    #[serde(flatten)]
    stats: Stats,
}

#[derive(Debug, Clone, Serialize)]
struct RunFigures {
    generate_seconds: f64,
    ingest_seconds: f64,
    ingest_events_per_second: f64,
    ingest_mb_per_second: f64,
    index_seconds: f64,
    search_memory_bytes: usize,
    search_bytes_per_event: f64,
    /// The events' columns and dictionaries, per event (`Dataset::store_memory_bytes`).
    core_bytes_per_event: f64,
    /// The events' text (kept up to the budget, else its place and hash), per event.
    text_bytes_per_event: f64,
    /// The index built in parts, when asked for.
    parts: Option<PartsFigures>,
    queries: Vec<QueryFigures>,
    dashboards: Vec<DashboardFigures>,
}

/// The index built as the page's workers build it: packed, indexed apart, merged.
#[derive(Debug, Clone, Serialize)]
struct PartsFigures {
    job_events: usize,
    jobs: usize,
    /// Packing the jobs' text (the page).
    pack_seconds: f64,
    /// Indexing the jobs and encoding the parts (the workers).
    index_seconds: f64,
    /// Merging the parts (the page).
    merge_seconds: f64,
    /// The longest single merge.
    max_merge_ms: f64,
    job_bytes: usize,
    part_bytes: usize,
    /// The index's size once merged.
    memory_bytes: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    events: u64,
    seed: u64,
    runs: usize,
    iterations: usize,
    /// What the generator made.
    #[serde(skip)]
    corpus: GenSummary,
    files: u64,
    compressed_bytes: u64,
    uncompressed_bytes: u64,
    /// Peak resident memory of the process (Linux `VmHWM`), if known.
    peak_rss_bytes: Option<u64>,
    /// The median of each figure over the runs.
    median: RunFigures,
    per_run: Vec<RunFigures>,
}

/// The explore operations over everything loaded: a pivot on the busiest access key, facet
/// values of a few fields (one where every value is unique), the table sorted by a field and
/// by a nested path, and a window of rows with a nested column.
fn explore_figures(dataset: &Dataset, iterations: usize) -> Vec<QueryFigures> {
    let everything = dataset.select(&Query::default());
    let figure = |name: &'static str, text: String, selected: usize, stats: Stats| QueryFigures {
        name,
        text,
        filters: String::new(),
        selected,
        stats,
    };
    let mut figures = Vec::new();
    let busiest_key = dataset
        .facet_values(&everything, "userIdentity.accessKeyId", "", 1)
        .values
        .into_iter()
        .next()
        .map(|(value, _)| value)
        .unwrap_or_default();
    let pivot = Query {
        pivot: Some(busiest_key.clone()),
        ..Query::default()
    };
    let (selection, stats) = time(iterations, || dataset.select(&pivot));
    figures.push(figure(
        "pivot_access_key",
        format!("pivot {busiest_key}"),
        selection.len(),
        stats,
    ));
    for (name, path) in [
        ("facet_event_name", "eventName"),
        ("facet_nested", "requestParameters.bucketName"),
        ("facet_unique", "requestID"),
    ] {
        let (values, stats) = time(iterations, || {
            dataset.facet_values(&everything, path, "", 10)
        });
        figures.push(figure(
            name,
            format!("facet_values {path} top 10"),
            values.distinct,
            stats,
        ));
    }
    for (name, column) in [
        ("sort_caller", "caller"),
        ("sort_nested", "requestParameters.bucketName"),
    ] {
        let sort = Sort {
            column: column.to_owned(),
            descending: false,
        };
        let (ordered, stats) = time(iterations, || dataset.sorted(&everything, &sort));
        figures.push(figure(
            name,
            format!("sorted by {column}"),
            ordered.len(),
            stats,
        ));
    }
    let columns: Vec<String> = [
        "time",
        "eventName",
        "caller",
        "requestParameters.bucketName",
    ]
    .map(str::to_owned)
    .to_vec();
    let middle = everything.len() / 2;
    let (rows, stats) = time(iterations, || {
        dataset.table_rows(&everything, &columns, middle, 40)
    });
    figures.push(figure(
        "table_rows",
        "40 rows with a nested column".to_owned(),
        rows.len(),
        stats,
    ));
    figures
}

/// Times `work` once untimed, then `iterations` times.
// The wall clock is what a benchmark measures; clippy.toml bans it for wasm's sake only.
#[allow(clippy::disallowed_methods)]
fn time<T>(iterations: usize, mut work: impl FnMut() -> T) -> (T, Stats) {
    let mut result = work();
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        result = std::hint::black_box(work());
        samples.push(started.elapsed());
    }
    (result, stats(&mut samples))
}

/// The bytes of a generated file a read asks for (`files` in the order read).
fn given(read: &FileRead, files: &[Vec<u8>]) -> Vec<u8> {
    let file = &files[read.file_idx as usize];
    match read.bytes() {
        None => file.clone(),
        Some(range) => file[range.start as usize..range.end as usize].to_vec(),
    }
}

/// Builds `dataset`'s index in jobs of `job_events` events, timing each step, and checks it
/// selects what `indexed` (the same files, indexed in place) selects. `files` are the files'
/// bytes, for the text left in them.
#[allow(clippy::disallowed_methods)] // timing, as above
fn index_in_parts(
    dataset: &mut Dataset,
    job_events: usize,
    indexed: &Dataset,
    queries: &[NamedQuery],
    files: &[Vec<u8>],
) -> PartsFigures {
    let mut figures = PartsFigures {
        job_events,
        jobs: 0,
        pack_seconds: 0.0,
        index_seconds: 0.0,
        merge_seconds: 0.0,
        max_merge_ms: 0.0,
        job_bytes: 0,
        part_bytes: 0,
        memory_bytes: 0,
    };
    loop {
        let started = Instant::now();
        let Some(job) = dataset.index_job(dataset.index_progress().0, job_events) else {
            break;
        };
        figures.pack_seconds += started.elapsed().as_secs_f64();
        let given: Vec<Vec<u8>> = job.reads.iter().map(|read| given(read, files)).collect();
        let started = Instant::now();
        let part = trailview::analytics::index_part(&job.job, &given).expect("the job indexes");
        figures.index_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        let merged = dataset.merge_index_part(&part);
        let took = started.elapsed().as_secs_f64();
        assert!(merged.is_ok(), "a part does not merge: {merged:?}");
        figures.merge_seconds += took;
        figures.max_merge_ms = figures.max_merge_ms.max(took * 1e3);
        figures.jobs += 1;
        figures.job_bytes += job.job.len() + given.iter().map(Vec::len).sum::<usize>();
        figures.part_bytes += part.len();
    }
    assert_eq!(dataset.index_progress(), indexed.index_progress());
    figures.memory_bytes = dataset.search_memory_bytes();
    for named in queries {
        assert_eq!(
            dataset.select(&named.query).ids(),
            indexed.select(&named.query).ids(),
            "{}: the index built in parts selects otherwise",
            named.name
        );
    }
    figures
}

/// Times the dashboard of every event (kept, then computed afresh), of most events and of a few.
fn dashboard_figures(dataset: &Dataset, iterations: usize) -> Vec<DashboardFigures> {
    let everything = Query::default();
    let narrow = Query {
        text: r#"{ $.eventName = "ConsoleLogin" }"#.to_owned(),
        ..Query::default()
    };
    // Every event, as kept between changes; every event computed afresh (a time range over the
    // whole span is a query, so nothing kept answers it); most events (counted from the rest);
    // and a few.
    let whole_span = dataset
        .dashboard(&dataset.select(&everything), &everything)
        .totals
        .time_span
        .map(|(start, end)| TimeRange {
            start,
            end: end + 1,
        });
    let computed = Query {
        time_range: whole_span,
        ..Query::default()
    };
    let most = Query {
        text: "-errorCode:*".to_owned(),
        ..Query::default()
    };
    [
        ("full", everything),
        ("full_computed", computed),
        ("most", most),
        ("narrow", narrow),
    ]
    .into_iter()
    .map(|(name, query)| {
        let selection: Selection = dataset.select(&query);
        let (_, stats) = time(iterations, || dataset.dashboard(&selection, &query));
        DashboardFigures {
            name,
            selected: selection.len(),
            stats,
        }
    })
    .collect()
}

/// One run: generate and ingest, index, then the queries and dashboards.
#[allow(clippy::disallowed_methods)] // timing, as above
fn run(config: &Config, queries: &[NamedQuery]) -> (RunFigures, GenSummary) {
    let mut dataset = Dataset::default();
    let mut by_parts = config.parts.map(|_| Dataset::default());
    let mut corpus = generate(&GenSpec::new(config.events, config.seed));
    let mut generating = Duration::ZERO;
    let mut ingesting = Duration::ZERO;
    // The files' bytes, kept for the text the dataset leaves in them past its budget, as the
    // page keeps the `File`s.
    let mut files: Vec<Vec<u8>> = Vec::new();
    loop {
        let started = Instant::now();
        let Some(file) = corpus.next() else { break };
        generating += started.elapsed();
        let started = Instant::now();
        dataset.ingest_file(&file.path, &file.bytes);
        ingesting += started.elapsed();
        if let Some(by_parts) = &mut by_parts {
            by_parts.ingest_file(&file.path, &file.bytes);
        }
        files.push(file.bytes);
    }
    assert_eq!(
        dataset.n_held(),
        0,
        "the generator writes each eventID once"
    );
    if let Some(by_parts) = &mut by_parts {
        by_parts.commit();
    }
    let started = Instant::now();
    dataset.commit();
    ingesting += started.elapsed();
    let summary = corpus.summary().clone();
    let ledger = dataset.ledger();
    assert_eq!(
        (ledger.indexed, ledger.rejected),
        (summary.events, 0),
        "the corpus reads back whole"
    );

    let started = Instant::now();
    // In slices, lending the files each slice reads, as the page does without workers.
    while !dataset.index_some(20_000) {
        for read in dataset.index_reads(20_000) {
            dataset
                .lend_text(&read, &given(&read, &files))
                .expect("the generated file reads again");
        }
    }
    let index_seconds = started.elapsed().as_secs_f64();
    let search_memory_bytes = dataset.search_memory_bytes();
    let parts = by_parts
        .as_mut()
        .zip(config.parts)
        .map(|(by_parts, job_events)| {
            index_in_parts(by_parts, job_events, &dataset, queries, &files)
        });
    drop(by_parts);

    let figures: Vec<QueryFigures> = queries
        .iter()
        .map(|named| {
            let (selection, stats) = time(config.iterations, || dataset.select(&named.query));
            QueryFigures {
                name: named.name,
                text: named.query.text.clone(),
                filters: named
                    .query
                    .filters
                    .iter()
                    .map(|filter| format!("{}={}", filter.field.key(), filter.value))
                    .collect::<Vec<_>>()
                    .join(" "),
                selected: selection.len(),
                stats,
            }
        })
        .collect();

    let mut figures: Vec<QueryFigures> = figures;
    figures.extend(explore_figures(&dataset, config.iterations));
    let dashboards = dashboard_figures(&dataset, config.iterations);

    let ingest_seconds = ingesting.as_secs_f64();
    let events = summary.events as f64;
    let store_bytes = dataset.store_memory_bytes();
    let figures = RunFigures {
        generate_seconds: generating.as_secs_f64(),
        ingest_seconds,
        ingest_events_per_second: events / ingest_seconds.max(1e-9),
        ingest_mb_per_second: summary.uncompressed_bytes as f64 / 1e6 / ingest_seconds.max(1e-9),
        index_seconds,
        search_memory_bytes,
        search_bytes_per_event: search_memory_bytes as f64 / events.max(1.0),
        core_bytes_per_event: store_bytes.0 as f64 / events.max(1.0),
        text_bytes_per_event: store_bytes.1 as f64 / events.max(1.0),
        parts,
        queries: figures,
        dashboards,
    };
    (figures, summary)
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The median of every figure over the runs (the largest `max`).
fn median_run(runs: &[RunFigures]) -> RunFigures {
    let of = |pick: &dyn Fn(&RunFigures) -> f64| median(runs.iter().map(pick));
    let stats_of = |pick: &dyn Fn(&RunFigures) -> Stats| Stats {
        p50_ms: median(runs.iter().map(|run| pick(run).p50_ms)),
        p95_ms: median(runs.iter().map(|run| pick(run).p95_ms)),
        max_ms: runs.iter().map(|run| pick(run).max_ms).fold(0.0, f64::max),
    };
    let first = &runs[0];
    RunFigures {
        generate_seconds: of(&|run| run.generate_seconds),
        ingest_seconds: of(&|run| run.ingest_seconds),
        ingest_events_per_second: of(&|run| run.ingest_events_per_second),
        ingest_mb_per_second: of(&|run| run.ingest_mb_per_second),
        index_seconds: of(&|run| run.index_seconds),
        search_memory_bytes: first.search_memory_bytes,
        search_bytes_per_event: first.search_bytes_per_event,
        core_bytes_per_event: first.core_bytes_per_event,
        text_bytes_per_event: first.text_bytes_per_event,
        parts: first.parts.as_ref().map(|parts| PartsFigures {
            pack_seconds: of(&|run| run.parts.as_ref().map_or(0.0, |p| p.pack_seconds)),
            index_seconds: of(&|run| run.parts.as_ref().map_or(0.0, |p| p.index_seconds)),
            merge_seconds: of(&|run| run.parts.as_ref().map_or(0.0, |p| p.merge_seconds)),
            max_merge_ms: of(&|run| run.parts.as_ref().map_or(0.0, |p| p.max_merge_ms)),
            ..parts.clone()
        }),
        queries: first
            .queries
            .iter()
            .enumerate()
            .map(|(index, query)| QueryFigures {
                stats: stats_of(&|run| run.queries[index].stats),
                ..query.clone()
            })
            .collect(),
        dashboards: first
            .dashboards
            .iter()
            .enumerate()
            .map(|(index, dashboard)| DashboardFigures {
                stats: stats_of(&|run| run.dashboards[index].stats),
                ..dashboard.clone()
            })
            .collect(),
    }
}

/// Peak resident memory from `/proc/self/status`, on Linux.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1_024)
}

fn table(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let m = &report.median;
    writeln!(
        out,
        "corpus: {} (seed {}); {} run(s), {} timed iterations per query; medians over runs",
        report.corpus, report.seed, report.runs, report.iterations
    )?;
    writeln!(
        out,
        "ingest: {:.2} s, {:.0} events/s, {:.0} MB/s of JSON (generation apart: {:.2} s)",
        m.ingest_seconds, m.ingest_events_per_second, m.ingest_mb_per_second, m.generate_seconds
    )?;
    writeln!(
        out,
        "search index: built in {:.2} s, {:.1} MB, {:.1} bytes/event",
        m.index_seconds,
        m.search_memory_bytes as f64 / 1e6,
        m.search_bytes_per_event
    )?;
    writeln!(
        out,
        "events: {:.1} bytes/event of columns and dictionaries, {:.1} bytes/event of text (kept up to the budget, else its place and hash)",
        m.core_bytes_per_event, m.text_bytes_per_event
    )?;
    if let Some(parts) = &m.parts {
        writeln!(
            out,
            "index in {} parts of {} events: pack {:.2} s, index apart {:.2} s, merge {:.2} s (longest {:.1} ms); {:.0} MB of text out, {:.0} MB of parts back; {:.1} MB merged",
            parts.jobs,
            parts.job_events,
            parts.pack_seconds,
            parts.index_seconds,
            parts.merge_seconds,
            parts.max_merge_ms,
            parts.job_bytes as f64 / 1e6,
            parts.part_bytes as f64 / 1e6,
            parts.memory_bytes as f64 / 1e6
        )?;
    }
    if let Some(rss) = report.peak_rss_bytes {
        writeln!(out, "peak RSS: {:.0} MB", rss as f64 / 1e6)?;
    }
    writeln!(
        out,
        "\n{:<24} {:>9} {:>9} {:>9} {:>9}  query",
        "name", "selected", "p50 ms", "p95 ms", "max ms"
    )?;
    for query in &m.queries {
        let shown = if query.text.is_empty() {
            format!("filters: {}", query.filters)
        } else {
            query.text.clone()
        };
        writeln!(
            out,
            "{:<24} {:>9} {:>9.2} {:>9.2} {:>9.2}  {}",
            query.name,
            query.selected,
            query.stats.p50_ms,
            query.stats.p95_ms,
            query.stats.max_ms,
            shown.chars().take(90).collect::<String>()
        )?;
    }
    for dashboard in &m.dashboards {
        writeln!(
            out,
            "{:<24} {:>9} {:>9.2} {:>9.2} {:>9.2}  Dataset::dashboard",
            format!("dashboard_{}", dashboard.name),
            dashboard.selected,
            dashboard.stats.p50_ms,
            dashboard.stats.p95_ms,
            dashboard.stats.max_ms
        )?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let config = match parse_args() {
        Ok(config) => config,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{message}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let queries = queries();
    for named in &queries {
        if let Err(error) = check_query_text(&named.query.text) {
            let _ = writeln!(std::io::stderr(), "{}: {error}", named.name);
            return std::process::ExitCode::FAILURE;
        }
    }
    let mut runs = Vec::new();
    let mut summary = GenSummary::default();
    for index in 0..config.runs {
        let _ = writeln!(
            std::io::stderr(),
            "run {}/{}: {} events",
            index + 1,
            config.runs,
            config.events
        );
        let (figures, corpus) = run(&config, &queries);
        runs.push(figures);
        summary = corpus;
    }
    let report = Report {
        events: summary.events,
        seed: config.seed,
        runs: config.runs,
        iterations: config.iterations,
        files: summary.files,
        compressed_bytes: summary.compressed_bytes,
        uncompressed_bytes: summary.uncompressed_bytes,
        corpus: summary,
        peak_rss_bytes: peak_rss_bytes(),
        median: median_run(&runs),
        per_run: runs,
    };
    let mut stdout = std::io::stdout().lock();
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    let written = table(&report, &mut stdout).and_then(|()| match &config.json {
        Some(path) => std::fs::write(path, format!("{json}\n")),
        None => writeln!(stdout, "\n{json}"),
    });
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "{error}");
            std::process::ExitCode::FAILURE
        }
    }
}
