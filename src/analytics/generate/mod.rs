//! Synthetic trails at scale, for benchmarks and load tests: `N` events as gzipped
//! `{"Records":[…]}` files in the real trail layout
//! (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`),
//! 1,000–5,000 records per file, over three days. The shapes and distributions follow
//! `gen_trail.py`: Zipf-like popularity of sessions, users, addresses and clients; assumed
//! roles (58%), IAM users (32%), AWS services (8.5%) and root (1.5%); nested request and
//! response elements; resources; `tlsDetails`; errors on 7% of calls.
//!
//! Deterministic for a seed: no clock, no threads, one fixed-seed `fastrand::Rng` per file
//! (so any file can be made on its own, in any order). Files are made one at a time, so a
//! million events never need to be in memory at once. Each file comes with the generator's own
//! counts ([`GenSummary`]), which merge into totals a test can hold the viewer to.
//!
//! The record-building machinery below (`json`, `draw`, `calendar`, `record`) is shared with
//! the built-in demo trail.

pub(crate) mod calendar;
pub(crate) mod draw;
mod events;
pub(crate) mod json;
pub(crate) mod record;
mod world;

use std::collections::BTreeMap;

use fastrand::Rng;
use flate2::Compression;
use serde::Serialize;

use self::calendar::{days_from_civil, DAY};
use self::draw::{between, pick_weighted, token, ALNUM};
use self::events::{Draws, APIS, ERROR_CODES, IDENTITY_TYPES};
use self::record::{gzip, object_key, Records};
use self::world::{World, ACCOUNTS, REGIONS};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenSpec {
    /// Events in the whole corpus.
    pub events: u64,
    /// The seed; the same spec gives the same bytes.
    pub seed: u64,
    /// Fewest records in a file (the last file may hold fewer when `events` is small).
    pub min_records_per_file: u32,
    /// Most records in a file.
    pub max_records_per_file: u32,
    /// The start of the window, in seconds since the Unix epoch.
    pub start_unix: i64,
    /// The length of the window, in seconds.
    pub window_seconds: i64,
    /// The gzip level, 0–9 (6 is gzip's default, and what `gen_trail.py` writes).
    pub compression_level: u32,
}

impl Default for GenSpec {
    fn default() -> Self {
        GenSpec {
            events: 100_000,
            seed: 1,
            min_records_per_file: 1_000,
            max_records_per_file: 5_000,
            start_unix: days_from_civil(2024, 5, 1) * DAY,
            window_seconds: 3 * DAY,
            compression_level: 6,
        }
    }
}

impl GenSpec {
    /// `events` events from `seed`, everything else as default.
    pub fn new(events: u64, seed: u64) -> Self {
        GenSpec {
            events,
            seed,
            ..GenSpec::default()
        }
    }
}

/// The generator's own counts over some files: what a reader of them should find.
///
/// Callers are named as the viewer names them: the IAM user name, `role/session` for an
/// assumed role, the service for AWS-service calls, `root`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GenSummary {
    /// Files.
    pub files: u64,
    /// Events (records), each with a distinct `eventID`.
    pub events: u64,
    /// Bytes of the `.json.gz` files.
    pub compressed_bytes: u64,
    /// Bytes of the JSON documents inside them.
    pub uncompressed_bytes: u64,
    /// Events with an `errorCode`.
    pub errors: u64,
    /// The earliest `eventTime`, in milliseconds since the Unix epoch.
    pub first_event_millis: Option<i64>,
    /// The latest `eventTime`, in milliseconds since the Unix epoch.
    pub last_event_millis: Option<i64>,
    /// Events per `eventName`.
    pub by_event_name: BTreeMap<String, u64>,
    /// Events per `eventSource`.
    pub by_event_source: BTreeMap<String, u64>,
    /// Events per caller.
    pub by_caller: BTreeMap<String, u64>,
    /// Events per `userIdentity.type`.
    pub by_identity_type: BTreeMap<String, u64>,
    /// Events per `errorCode` (failed calls only).
    pub by_error_code: BTreeMap<String, u64>,
    /// Events per `awsRegion`.
    pub by_region: BTreeMap<String, u64>,
    /// Events per `recipientAccountId`.
    pub by_account: BTreeMap<String, u64>,
}

impl GenSummary {
    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &GenSummary) {
        self.files += other.files;
        self.events += other.events;
        self.compressed_bytes += other.compressed_bytes;
        self.uncompressed_bytes += other.uncompressed_bytes;
        self.errors += other.errors;
        self.first_event_millis = match (self.first_event_millis, other.first_event_millis) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_event_millis = match (self.last_event_millis, other.last_event_millis) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (mine, theirs) in [
            (&mut self.by_event_name, &other.by_event_name),
            (&mut self.by_event_source, &other.by_event_source),
            (&mut self.by_caller, &other.by_caller),
            (&mut self.by_identity_type, &other.by_identity_type),
            (&mut self.by_error_code, &other.by_error_code),
            (&mut self.by_region, &other.by_region),
            (&mut self.by_account, &other.by_account),
        ] {
            for (key, count) in theirs {
                *mine.entry(key.clone()).or_default() += count;
            }
        }
    }

    /// The `n` largest entries of `counts`, most first, ties by key (as the viewer ranks them).
    pub fn top(counts: &BTreeMap<String, u64>, n: usize) -> Vec<(&str, u64)> {
        let mut ranked: Vec<(&str, u64)> = counts
            .iter()
            .map(|(key, &count)| (key.as_str(), count))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        ranked.truncate(n);
        ranked
    }
}

impl std::fmt::Display for GenSummary {
    /// `100000 events in 29 files (22.6 MB gz, 144.2 MB JSON)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} events in {} files ({:.1} MB gz, {:.1} MB JSON)",
            self.events,
            self.files,
            self.compressed_bytes as f64 / 1e6,
            self.uncompressed_bytes as f64 / 1e6
        )
    }
}

/// One generated trail file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Object key in the trail layout, starting at `AWSLogs/`.
    pub path: String,
    /// The gzip-compressed, single-line `{"Records":[…]}` document.
    pub bytes: Vec<u8>,
    /// This file's counts (`files` is 1).
    pub summary: GenSummary,
}

/// What one file holds, fixed before any record is made.
#[derive(Debug, Clone, Copy)]
struct FilePlan {
    n_records: u32,
    account: &'static str,
    region: &'static str,
    /// Seconds after the start of the window of the file's first possible event.
    start_offset: i64,
    seed: u64,
}

/// A corpus ready to be made file by file, in any order.
pub struct Generator {
    spec: GenSpec,
    world: World,
    draws: Draws,
    plan: Vec<FilePlan>,
}

impl Generator {
    /// Draws the population and the plan of files for `spec`.
    pub fn new(spec: &GenSpec) -> Self {
        let world = World::new(spec.seed, spec.start_unix);
        let draws = Draws::new(&world);
        Generator {
            spec: spec.clone(),
            plan: plan(spec),
            world,
            draws,
        }
    }

    /// How many files the corpus has.
    pub fn n_files(&self) -> usize {
        self.plan.len()
    }

    /// File `index` (0-based, in time order), `None` past the end. The same on every call.
    pub fn file(&self, index: usize) -> Option<GeneratedFile> {
        let plan = self.plan.get(index)?;
        let mut rng = Rng::with_seed(plan.seed);
        let span = between(&mut rng, 300, 900);
        let t0 = self.spec.start_unix + plan.start_offset;
        let mut offsets: Vec<i64> = (0..plan.n_records)
            .map(|_| between(&mut rng, 0, span))
            .collect();
        offsets.sort_unstable();

        let mut by_api = [0u64; APIS.len()];
        let mut by_error = [0u64; ERROR_CODES.len()];
        let mut by_identity = [0u64; IDENTITY_TYPES.len()];
        let mut by_caller = vec![0u64; self.world.caller_names.len()];
        let mut buffer = Vec::with_capacity(plan.n_records as usize * 1_600);
        let mut document = Records::new(&mut buffer);
        for &offset in &offsets {
            let (record, facts) = events::event(
                &self.world,
                &self.draws,
                &mut rng,
                plan.account,
                plan.region,
                t0 + offset,
            );
            document.push(&record)?;
            *by_api.get_mut(facts.api)? += 1;
            *by_identity.get_mut(facts.identity)? += 1;
            *by_caller.get_mut(facts.caller as usize)? += 1;
            if let Some(error) = facts.error {
                *by_error.get_mut(error)? += 1;
            }
        }
        let text = document.finish();
        let uncompressed_bytes = text.len() as u64;
        let bytes = gzip(text, Compression::new(self.spec.compression_level.min(9)))?;
        let unique = token(&mut rng, ALNUM, 16);
        let path = object_key("", plan.account, plan.region, t0 + span, &unique);

        let n_events = u64::from(plan.n_records);
        let counted = |names: &mut dyn Iterator<Item = (&str, u64)>| {
            let mut map = BTreeMap::new();
            for (name, count) in names.filter(|&(_, count)| count > 0) {
                *map.entry(name.to_owned()).or_default() += count;
            }
            map
        };
        let mut by_source: BTreeMap<String, u64> = BTreeMap::new();
        for (api, &count) in APIS.iter().zip(&by_api).filter(|(_, &count)| count > 0) {
            *by_source.entry(api.source.to_owned()).or_default() += count;
        }
        let summary = GenSummary {
            files: 1,
            events: n_events,
            compressed_bytes: bytes.len() as u64,
            uncompressed_bytes,
            errors: by_error.iter().sum(),
            first_event_millis: offsets.first().map(|&offset| (t0 + offset) * 1_000),
            last_event_millis: offsets.last().map(|&offset| (t0 + offset) * 1_000),
            by_event_name: counted(&mut APIS.iter().map(|api| api.name).zip(by_api)),
            by_event_source: by_source,
            by_caller: counted(
                &mut self
                    .world
                    .caller_names
                    .iter()
                    .map(String::as_str)
                    .zip(by_caller),
            ),
            by_identity_type: counted(&mut IDENTITY_TYPES.into_iter().zip(by_identity)),
            by_error_code: counted(&mut ERROR_CODES.into_iter().zip(by_error)),
            by_region: counted(&mut std::iter::once((plan.region, n_events))),
            by_account: counted(&mut std::iter::once((plan.account, n_events))),
        };
        Some(GeneratedFile {
            path,
            bytes,
            summary,
        })
    }
}

/// Sizes, places and seeds of the files: sizes drawn until the events are spent (the last file
/// takes what is left, at least the minimum when there is that much), spread evenly over the
/// window in time order.
fn plan(spec: &GenSpec) -> Vec<FilePlan> {
    let mut rng = Rng::with_seed(spec.seed.wrapping_mul(7_919).wrapping_add(1));
    let low = u64::from(spec.min_records_per_file.max(1));
    let high = u64::from(spec.max_records_per_file).max(low);
    let mut sizes = Vec::new();
    let mut left = spec.events;
    while left > 0 {
        let n = if left <= high {
            left
        } else {
            rng.u64(low..=high).min(left - low.min(left))
        };
        let n = n.max(1);
        sizes.push(n as u32);
        left -= n;
    }
    let n_files = i64::try_from(sizes.len()).unwrap_or(i64::MAX);
    sizes
        .into_iter()
        .enumerate()
        .map(|(index, n_records)| {
            let account = if rng.u32(..2) == 0 {
                ACCOUNTS[index % ACCOUNTS.len()]
            } else {
                ACCOUNTS[0]
            };
            let region = pick_weighted(&mut rng, &REGIONS).unwrap_or("us-east-1");
            let slot = spec.window_seconds / n_files.max(1);
            let start_offset =
                i64::try_from(index).unwrap_or(0) * slot + between(&mut rng, 0, slot - 1);
            FilePlan {
                n_records,
                account,
                region,
                start_offset,
                seed: rng.u64(..),
            }
        })
        .collect()
}

/// The files of the corpus for `spec`, made one at a time, with the counts of those made so far.
pub struct Corpus {
    generator: Generator,
    next: usize,
    summary: GenSummary,
}

impl Corpus {
    /// The counts over the files yielded so far (the whole corpus once exhausted).
    pub fn summary(&self) -> &GenSummary {
        &self.summary
    }

    /// How many files the corpus has in all.
    pub fn n_files(&self) -> usize {
        self.generator.n_files()
    }
}

impl Iterator for Corpus {
    type Item = GeneratedFile;

    fn next(&mut self) -> Option<GeneratedFile> {
        let file = self.generator.file(self.next)?;
        self.next += 1;
        self.summary.merge(&file.summary);
        Some(file)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.generator.n_files().saturating_sub(self.next);
        (left, Some(left))
    }
}

/// The corpus for `spec`, as an iterator over its files in time order.
pub fn generate(spec: &GenSpec) -> Corpus {
    Corpus {
        generator: Generator::new(spec),
        next: 0,
        summary: GenSummary::default(),
    }
}
