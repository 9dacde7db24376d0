//! `trailview-gen`: writes a deterministic synthetic trail for benchmarks and load tests.
//!
//! ```text
//! trailview-gen --events 100000 --seed 1 --out DIR [--min 1000] [--max 5000] [--level 6]
//!               [--summary PATH] [--dry-run]
//! ```
//!
//! Writes `DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/….json.gz` and prints one JSON
//! line on stdout: the generator's counts (files, events, bytes, errors, events per event name,
//! caller, identity type, error code, region and account), the same for the same arguments.
//! `--summary PATH` also writes it to a file (outside DIR, which a viewer loads whole);
//! `--dry-run` makes the files without writing them. Timing goes to stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use trailview::analytics::generate::{generate, GenSpec};

use crate::flags::Flags;

mod flags;

const USAGE: &str = "usage: trailview-gen --events N [--seed S] (--out DIR | --dry-run) [--min N] [--max N] [--level 0-9] [--summary PATH]";

struct Args {
    spec: GenSpec,
    out: Option<PathBuf>,
    summary: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut spec = GenSpec::default();
    let mut out = None;
    let mut summary = None;
    let mut dry_run = false;
    let mut flags = Flags::from_env(USAGE);
    while let Some(flag) = flags.next_flag() {
        let small = |flags: &mut Flags| {
            flags
                .number(&flag)
                .and_then(|n| u32::try_from(n).map_err(|_| format!("{flag}: too large: {n}")))
        };
        match flag.as_str() {
            "--events" => spec.events = flags.number(&flag)?,
            "--seed" => spec.seed = flags.number(&flag)?,
            "--min" => spec.min_records_per_file = small(&mut flags)?,
            "--max" => spec.max_records_per_file = small(&mut flags)?,
            "--level" => spec.compression_level = small(&mut flags)?.min(9),
            "--out" => out = Some(PathBuf::from(flags.value(&flag)?)),
            "--summary" => summary = Some(PathBuf::from(flags.value(&flag)?)),
            "--dry-run" => dry_run = true,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            _ => return Err(flags.unknown(&flag)),
        }
    }
    if out.is_none() && !dry_run {
        return Err(format!("--out DIR or --dry-run is required\n{USAGE}"));
    }
    Ok(Args { spec, out, summary })
}

// The wall clock is the point of the timing line; clippy.toml bans it for wasm's sake only.
#[allow(clippy::disallowed_methods)]
fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let mut corpus = generate(&args.spec);
    for file in corpus.by_ref() {
        if let Some(out) = &args.out {
            let path = out.join(&file.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|error| format!("{}: {error}", dir.display()))?;
            }
            std::fs::write(&path, &file.bytes)
                .map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let summary = corpus.summary();
    let line = serde_json::to_string(summary).map_err(|error| error.to_string())?;
    if let Some(path) = &args.summary {
        std::fs::write(path, format!("{line}\n"))
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").map_err(|error| error.to_string())?;
    let mut stderr = std::io::stderr().lock();
    writeln!(
        stderr,
        "trailview-gen: {summary} in {seconds:.2} s: {:.0} events/s, {:.0} MB/s of JSON",
        summary.events as f64 / seconds.max(1e-9),
        summary.uncompressed_bytes as f64 / 1e6 / seconds.max(1e-9),
    )
    .map_err(|error| error.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| run(&args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "trailview-gen: {message}");
            ExitCode::FAILURE
        }
    }
}
