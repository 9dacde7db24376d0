// Browser benchmark: loads generated CloudTrail folders into the release build in headless
// Chromium and measures, in the page, what a user waits for. Not a test: the figures vary
// with the machine and its load; compare them within one run or one machine.
//
//   npm run bench -- [--events 100000,1000000] [--runs 3] [--workers 2,0] [--per-file MIN-MAX] [--json PATH]
//   (or EVENTS=… RUNS=… npm run bench; TRAILVIEW_DIST=<dir> serves another build than dist/)
//
// For each size N, the corpus is made once by `cargo run --release --no-default-features --bin
// trailview-gen -- --events N --seed 1 --out target/bench-corpus/N` (its JSON summary of counts
// is kept as summary.json beside AWSLogs/, and the folder is reused while that file exists).
// With --per-file MIN-MAX, every file holds MIN to MAX records (the generator's --min, --max;
// by default 1,000 to 5,000), in target/bench-corpus/N-per-MIN-MAX: real trails are written
// every five minutes per region, often as many small files.
// Then, RUNS times in a fresh tab, AWSLogs/ is chosen through the folder input and the page
// reports, timed from just before the files are handed to it:
//   - first partial dashboard: stat-events first shows a count above 0;
//   - full dashboard: progress is done and stat-events equals load-summary's data-events; with
//     the page's own data-ms (and data-first-ms, data-workers when it has them), events/s and
//     MB/s of JSON (the generator's uncompressed_bytes);
//   - the longest main-thread task (a longtask PerformanceObserver installed before the page's
//     scripts) and the number of tasks over 50 ms, during ingest and during indexing;
//   - index ready: the Fields card's data-indexed reaches data-total;
//   - WebAssembly memory per event (page and workers): [data-testid="memory"] data-value read
//     once indexed, else load-summary's data-memory (taken as the load ended), else null; and the
//     page's heap in use per event (data-heap: the allocator's count, which, unlike WebAssembly
//     memory, falls when memory is freed), with the bytes of records' text kept and the events
//     whose text was left in their files (load-summary's data-text-kept, data-text-in-files);
//   - p50 / p95 of a fixed set of operations (1 warm-up, then REPETITIONS), each timed in the
//     page from dispatching the input until stat-events shows the expected count and a frame
//     has been painted; each is undone right after (empty query, toggle off, chip removed),
//     which is timed too.
// The page's event and file totals are checked against the generator's summary: a mismatch is
// reported, that run's operations are skipped, and the benchmark exits with 1 at the end (as
// for any page or console error). An operation whose count is not the summary's (or, for free
// text, the warm-up's) within its time limit stops the benchmark with exit code 1.
// Prints tables of the medians over the runs and writes every run's figures as JSON.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, distDir, distExists, launch } from './harness.mjs';

const USAGE = 'usage: node bench.mjs [--events N[,N…]] [--runs R] [--workers W[,W…]] [--per-file MIN-MAX] [--json PATH]  (env EVENTS, RUNS, WORKERS, TRAILVIEW_DIST; workers: the page\'s ?workers=, 0 reads on the page, default one per core)';
const CORPUS_ROOT = path.join(REPO, 'target', 'bench-corpus');
const DEFAULT_JSON = path.join(REPO, 'target', 'bench-browser.json');
const REPETITIONS = 15;

const testid = (id) => `[data-testid="${id}"]`;

/** Generous limits: a million events read on the page's thread take minutes on 2 cores. */
const loadTimeout = (events) => 120_000 + events * 0.6;
const operationTimeout = (events) => 30_000 + events * 0.06;

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv, env) {
  const options = { sizes: env.EVENTS || '100000', runs: env.RUNS || '3', workers: env.WORKERS || '', perFile: null, json: DEFAULT_JSON };
  for (let at = 0; at < argv.length; at += 2) {
    const [flag, value] = [argv[at], argv[at + 1]];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--events') options.sizes = value;
    else if (flag === '--runs') options.runs = value;
    else if (flag === '--workers') options.workers = value;
    else if (flag === '--per-file') {
      const match = /^(\d+)-(\d+)$/.exec(value);
      if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) throw new Error(`--per-file: not MIN-MAX: ${value}\n${USAGE}`);
      options.perFile = { min: Number(match[1]), max: Number(match[2]) };
    }
    else if (flag === '--json') options.json = path.resolve(value);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  const sizes = String(options.sizes).split(',').map((size) => positiveInteger(size.replaceAll('_', ''), '--events'));
  const workers = options.workers === ''
    ? [null]
    : String(options.workers).split(',').map((count) => {
      if (!/^\d+$/.test(count)) throw new Error(`--workers: not a count: ${count}\n${USAGE}`);
      return Number(count);
    });
  return { sizes, runs: positiveInteger(options.runs, '--runs'), workers, perFile: options.perFile, json: options.json };
}

function positiveInteger(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag}: not a positive integer: ${text}\n${USAGE}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Corpus

/** The generated folder for `events` events and the generator's summary of it. */
function ensureCorpus(events, perFile) {
  const dir = path.join(CORPUS_ROOT, perFile ? `${events}-per-${perFile.min}-${perFile.max}` : String(events));
  const summaryPath = path.join(dir, 'summary.json');
  if (!fs.existsSync(summaryPath)) {
    fs.rmSync(dir, { recursive: true, force: true }); // an interrupted generation
    progress(`generating ${events} events into ${path.relative(REPO, dir)} (cargo run --release)`);
    const stdout = execFileSync('cargo', [
      'run', '--release', '--no-default-features', '--bin', 'trailview-gen', '--',
      '--events', String(events), '--seed', '1', '--out', dir,
      ...(perFile ? ['--min', String(perFile.min), '--max', String(perFile.max)] : []),
    ], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1));
    fs.writeFileSync(summaryPath, `${JSON.stringify(summary)}\n`);
  }
  // The viewer gets AWSLogs/ only, so summary.json is not loaded as a trail file.
  return { folder: path.join(dir, 'AWSLogs'), summary: JSON.parse(fs.readFileSync(summaryPath, 'utf8')) };
}

// ---------------------------------------------------------------------------------------------
// In the page. `installProbes` runs before the page's scripts (context.addInitScript) and puts
// everything the benchmark reads on `window.__bench`; nothing here touches the app's code.

function installProbes() {
  const longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });

  const element = (id) => document.querySelector(`[data-testid="${id}"]`);
  const attribute = (id, name) => {
    const value = element(id)?.getAttribute(name);
    return value === null || value === undefined || value === '' ? null : value;
  };
  const number = (id, name) => {
    const value = attribute(id, name);
    return value === null ? null : Number(value);
  };
  const shownEvents = () => number('stat-events', 'data-value');

  /** Calls `check()` at every DOM change until it returns true; returns a function that stops it. */
  const observe = (check) => {
    const observer = new MutationObserver(() => {
      if (check()) observer.disconnect();
    });
    if (!check()) observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
    return () => observer.disconnect();
  };

  /** Resolves once `test()` holds; rejects with `describe()` after `timeoutMs`. */
  const until = (test, timeoutMs, describe) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(describe()));
    }, timeoutMs);
    const stop = observe(() => {
      if (!test()) return false;
      clearTimeout(timer);
      resolve();
      return true;
    });
  });

  /** After the next frame has been painted. */
  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  const act = (action) => {
    if (action.kind === 'query') {
      const input = element('query-input');
      input.value = action.text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    } else {
      const target = document.querySelector(action.selector);
      if (!target) throw new Error(`nothing matches ${action.selector}`);
      target.click();
    }
  };

  window.__bench = {
    longTasks,
    marks: null,

    /** Notes the load's start and, as the DOM changes, the first partial and full dashboards and the index. */
    watchLoad() {
      const marks = { start: performance.now(), firstPartial: null, full: null, indexReady: null, indexStopped: null, indexedEvents: null };
      window.__bench.marks = marks;
      const check = () => {
        const now = performance.now();
        const shown = shownEvents();
        if (marks.firstPartial === null && shown > 0) marks.firstPartial = now;
        if (marks.full === null && attribute('progress', 'data-state') === 'done'
            && shown !== null && shown === number('load-summary', 'data-events')) marks.full = now;
        const total = number('facets', 'data-total');
        if (marks.full !== null && total > 0 && number('facets', 'data-indexed') === total) marks.indexReady = now;
        // The index stopped at the page's memory budget: it will not complete.
        if (marks.full !== null && marks.indexStopped === null && attribute('facets', 'data-stopped') === 'true') {
          marks.indexStopped = now;
          marks.indexedEvents = number('facets', 'data-indexed');
        }
        return marks.indexReady !== null || marks.indexStopped !== null;
      };
      observe(check);
    },

    /**
     * WebAssembly memory of the page and its workers: [data-testid="memory"] data-value (read
     * when asked), else load-summary's data-memory (taken when the load ended), else null.
     */
    memory() {
      const live = number('memory', 'data-value');
      const heapBytes = number('memory', 'data-heap') ?? number('load-summary', 'data-heap');
      if (live !== null) return { memoryBytes: live, heapBytes, memorySource: 'memory data-value' };
      const atLoad = number('load-summary', 'data-memory');
      return { memoryBytes: atLoad, heapBytes, memorySource: atLoad === null ? null : 'load-summary data-memory' };
    },

    /** What the page says about the finished load. */
    readLoad() {
      return {
        shownEvents: shownEvents(),
        summaryFiles: number('load-summary', 'data-files'),
        pageMs: number('load-summary', 'data-ms'),
        pageFirstMs: number('load-summary', 'data-first-ms'),
        workers: number('load-summary', 'data-workers'),
        workerMs: number('load-summary', 'data-worker-ms'),
        firstFileAt: number('load-summary', 'data-first-file-at'),
        absorbMs: number('load-summary', 'data-absorb-ms'),
        textKept: number('load-summary', 'data-text-kept'),
        heapAtLoad: number('load-summary', 'data-heap'),
        textInFiles: number('load-summary', 'data-text-in-files'),
      };
    },

    /**
     * Performs `action` and waits until stat-events shows `expected` (or, when null, anything
     * other than `before`) and the next frame is painted. Returns { ms, count }.
     */
    async time(action, expected, before, timeoutMs) {
      const started = performance.now();
      act(action);
      const reached = () => (expected === null ? shownEvents() !== before : shownEvents() === expected);
      await until(reached, timeoutMs, () =>
        `${JSON.stringify(action)}: stat-events shows ${shownEvents()} after ${timeoutMs} ms, expected ${expected ?? `a change from ${before}`}`);
      const count = shownEvents();
      await nextPaint();
      return { ms: performance.now() - started, count };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Operations timed once the index is ready. `expect(summary)` is the count the generator
// predicts, or null when it does not count it (then the warm-up's count is the expectation).

const sum = (values) => values.reduce((total, value) => total + value, 0);
const QUERIES = [
  ['{ $.eventName = "ConsoleLogin" }', (s) => s.by_event_name.ConsoleLogin ?? 0],
  ['{ $.userIdentity.type != "AssumedRole" }', (s) => s.events - (s.by_identity_type.AssumedRole ?? 0)],
  ['eventName:Describe*', (s) => sum(Object.entries(s.by_event_name).filter(([name]) => name.startsWith('Describe')).map(([, n]) => n))],
  ['-errorCode:*', (s) => s.events - s.errors],
  ['terraform', () => null],
];
const EMPTY_QUERY = { kind: 'query', text: '' };
const OPERATIONS = [
  ...QUERIES.map(([text, expect]) => ({ name: `query ${text}`, apply: { kind: 'query', text }, undo: EMPTY_QUERY, undoName: 'empty query', expect })),
  {
    name: 'Errors only',
    apply: { kind: 'click', selector: testid('toggle-errors') },
    undo: { kind: 'click', selector: testid('toggle-errors') },
    undoName: 'toggle off',
    expect: (s) => s.errors,
  },
  {
    name: 'first top caller',
    apply: { kind: 'click', selector: `${testid('top-callers')} ${testid('top-item')}` },
    undo: { kind: 'click', selector: `${testid('filter-chip')} ${testid('filter-chip-remove')}` },
    undoName: 'chip removed',
    expect: (s) => Math.max(...Object.values(s.by_caller)),
  },
];

/** Performs `action` in the page; see `__bench.time`. */
const timeAction = (page, action, expected, before, timeoutMs) =>
  page.evaluate((args) => window.__bench.time(...args), [action, expected, before, timeoutMs]);

/** Times `operation` and its undo, 1 warm-up + REPETITIONS times; throws on a wrong count. */
async function timeOperation(page, operation, summary, total) {
  const timeout = operationTimeout(total);
  let expected = operation.expect(summary);
  if (expected === total) throw new Error(`${operation.name}: selects every event, so its effect cannot be seen`);
  const apply = [];
  const undo = [];
  for (let repetition = 0; repetition <= REPETITIONS; repetition += 1) {
    const done = await timeAction(page, operation.apply, expected, total, timeout);
    expected ??= done.count;
    const undone = await timeAction(page, operation.undo, total, expected, timeout);
    if (repetition === 0) continue;
    apply.push(done.ms);
    undo.push(undone.ms);
  }
  return { count: expected, apply: percentiles(apply), undo: percentiles(undo) };
}

// ---------------------------------------------------------------------------------------------
// One run

async function benchRun(session, corpus, workers) {
  const { summary } = corpus;
  const page = await session.newPage();
  page.setDefaultTimeout(loadTimeout(summary.events));
  try {
    if (workers !== null) await page.goto(`${session.url}?workers=${workers}`);
    await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
    await page.evaluate(() => window.__bench.watchLoad());
    await page.setInputFiles(testid('folder-input'), corpus.folder);
    const waitFor = (mark) => page.waitForFunction((name) => window.__bench.marks[name] !== null, mark, { polling: 250, timeout: loadTimeout(summary.events) });
    await waitFor('full');
    const loaded = await page.evaluate(() => window.__bench.readLoad());
    const mismatches = checkTotals(loaded, summary);
    await page.waitForFunction(() => window.__bench.marks.indexReady !== null || window.__bench.marks.indexStopped !== null,
      null, { polling: 250, timeout: loadTimeout(summary.events) }).catch((error) => {
      throw new Error(`the index did not complete within ${loadTimeout(summary.events) / 1000} s: ${error.message}`);
    });
    const { marks, longTasks, memory } = await page.evaluate(() => {
      const { marks, longTasks } = window.__bench;
      return { marks, longTasks, memory: window.__bench.memory() };
    });
    const load = loadFigures(marks, longTasks, loaded, summary, memory);
    progress(marks.indexStopped === null
      ? `  loaded in ${round(load.full_ms)} ms (first partial ${round(load.first_partial_ms)} ms), indexed at ${round(load.index_ready_ms)} ms`
      : `  loaded in ${round(load.full_ms)} ms (first partial ${round(load.first_partial_ms)} ms); the index stopped at the memory budget with ${marks.indexedEvents} events, at ${round(marks.indexStopped - marks.start)} ms`);
    for (const mismatch of mismatches) progress(`  MISMATCH: ${mismatch}`);
    const operations = {};
    // With the wrong events loaded, the operations' expected counts cannot hold.
    if (mismatches.length === 0) {
      for (const operation of OPERATIONS) {
        // Queries need the whole index; without it they leave events out, and say so.
        if (marks.indexStopped !== null && operation.apply.kind === 'query') continue;
        progress(`  ${operation.name}`);
        operations[operation.name] = await timeOperation(page, operation, summary, loaded.shownEvents);
      }
    }
    return { load, memory_source: memory.memorySource, operations, mismatches, problems: session.problems.splice(0) };
  } finally {
    await page.close();
  }
}

/** Differences between what the page shows and what the generator wrote. */
function checkTotals(loaded, summary) {
  const mismatches = [];
  if (loaded.shownEvents !== summary.events) mismatches.push(`stat-events shows ${loaded.shownEvents}, the generator wrote ${summary.events} events`);
  if (loaded.summaryFiles !== summary.files) mismatches.push(`load-summary data-files is ${loaded.summaryFiles}, the generator wrote ${summary.files} files`);
  return mismatches;
}

function loadFigures(marks, longTasks, loaded, summary, { memoryBytes, heapBytes }) {
  const fullMs = marks.full - marks.start;
  const ingest = tasksBetween(longTasks, marks.start, marks.full);
  const indexing = tasksBetween(longTasks, marks.full, marks.indexReady ?? marks.indexStopped);
  return {
    first_partial_ms: marks.firstPartial - marks.start,
    // From the first file read (the page's own mark) to stat-events first showing a count.
    first_partial_after_first_file_ms: loaded.firstFileAt === null ? null : marks.firstPartial - loaded.firstFileAt,
    full_ms: fullMs,
    page_ms: loaded.pageMs,
    page_first_ms: loaded.pageFirstMs,
    workers: loaded.workers,
    worker_ms: loaded.workerMs,
    absorb_ms: loaded.absorbMs,
    // Events per second of one worker's own reading time: the events over the workers' summed
    // busy time (each worker read its share of the events in its share of that time).
    events_per_worker_s: loaded.workers > 0 && loaded.workerMs > 0 ? loaded.shownEvents / (loaded.workerMs / 1000) : null,
    events: loaded.shownEvents,
    files: loaded.summaryFiles,
    events_per_s: loaded.shownEvents / (fullMs / 1000),
    json_mb_per_s: summary.uncompressed_bytes / 1e6 / (fullMs / 1000),
    longest_task_ingest_ms: Math.max(0, ...ingest.map((task) => task.duration)),
    long_tasks_ingest: ingest.length,
    longest_task_index_ms: Math.max(0, ...indexing.map((task) => task.duration)),
    long_tasks_index: indexing.length,
    index_ready_ms: marks.indexReady === null ? null : marks.indexReady - marks.start,
    // Set when the index stopped at the memory budget instead: how many events it holds.
    index_stopped_events: marks.indexedEvents,
    // The page's heap when the load ended (before the index).
    heap_at_load_bytes_per_event: loaded.heapAtLoad === null ? null : loaded.heapAtLoad / loaded.shownEvents,
    memory_bytes: memoryBytes,
    memory_bytes_per_event: memoryBytes === null ? null : memoryBytes / loaded.shownEvents,
    // The page's heap in use (the allocator's count, which falls when memory is freed, unlike
    // WebAssembly memory), and records' text kept in it or left in the files.
    heap_bytes_per_event: heapBytes === null ? null : heapBytes / loaded.shownEvents,
    text_kept_bytes: loaded.textKept,
    text_in_files_events: loaded.textInFiles,
  };
}

/** Long tasks that overlap [from, to). */
const tasksBetween = (tasks, from, to) => tasks.filter((task) => task.start < to && task.start + task.duration > from);

// ---------------------------------------------------------------------------------------------
// Statistics

/** The upper middle of the sorted values (as benches/query_latency.rs); null without values. */
function median(values) {
  const known = values.filter((value) => value !== null && value !== undefined).sort((a, b) => a - b);
  return known.length ? known[Math.floor(known.length / 2)] : null;
}

/** Nearest-rank p50 and p95, and the samples. */
function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (percent) => sorted[Math.max(1, Math.ceil((percent * sorted.length) / 100)) - 1];
  return { p50_ms: at(50), p95_ms: at(95), samples_ms: samples };
}

/** The median over the runs of every load figure and of every operation's p50 and p95. */
function medianOfRuns(runs) {
  const load = Object.fromEntries(Object.keys(runs[0].load).map((key) => [key, median(runs.map((run) => run.load[key]))]));
  const operations = Object.fromEntries(OPERATIONS.map(({ name, undoName }) => {
    const measured = runs.map((run) => run.operations[name]).filter(Boolean);
    if (measured.length === 0) return [name, null];
    const of = (pick) => median(measured.map(pick));
    return [name, {
      count: measured[0].count,
      undone_by: undoName,
      apply: { p50_ms: of((m) => m.apply.p50_ms), p95_ms: of((m) => m.apply.p95_ms) },
      undo: { p50_ms: of((m) => m.undo.p50_ms), p95_ms: of((m) => m.undo.p95_ms) },
    }];
  }));
  return { ...load, operations };
}

// ---------------------------------------------------------------------------------------------
// Output

const progress = (line) => process.stderr.write(`${line}\n`);
const fixed = (digits) => (value) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const [round, one] = [fixed(0), fixed(1)];
/** A longest task of 0 means none was reported: the longtask API sees only tasks over 50 ms. */
const taskMs = (value) => (value === 0 ? '<50' : round(value));

/** JSON.stringify's replacer: fractions to 2 decimals (page times are 0.1 ms grained anyway). */
const roundFractions = (key, value) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(2)) : value);

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function printTables(results, runs) {
  console.log(`\nLoad (median of ${runs} run${runs > 1 ? 's' : ''}; ms from choosing the folder)\n`);
  console.log(table(
    ['events', 'files', 'MB JSON', 'first partial', 'after first file', 'full', 'page data-ms', 'page first-ms', 'workers', 'events/s', 'events/s/worker', 'page absorb ms', 'MB/s JSON',
      'longest task ingest', 'tasks >50 ms ingest', 'longest task index', 'index ready', 'B/event', 'heap B/event'],
    results.map(({ summary, median: m }) => [
      summary.events, summary.files, one(summary.uncompressed_bytes / 1e6), round(m.first_partial_ms), round(m.first_partial_after_first_file_ms), round(m.full_ms), round(m.page_ms),
      round(m.page_first_ms), m.workers ?? '—', round(m.events_per_s), round(m.events_per_worker_s), round(m.absorb_ms), one(m.json_mb_per_s), taskMs(m.longest_task_ingest_ms),
      m.long_tasks_ingest ?? '—', taskMs(m.longest_task_index_ms), round(m.index_ready_ms), round(m.memory_bytes_per_event), round(m.heap_bytes_per_event),
    ]),
  ));
  console.log(`\nOperations once indexed (p50 / p95 ms over ${REPETITIONS} after 1 warm-up; median of the runs; dispatch to painted count)\n`);
  console.log(table(
    ['events', 'workers', 'operation', 'count', 'p50', 'p95', 'undone by', 'p50', 'p95'],
    results.flatMap(({ summary, median: m }) => Object.entries(m.operations).filter(([, op]) => op).map(([name, op]) => [
      summary.events, m.workers ?? '—', name, op.count, one(op.apply.p50_ms), one(op.apply.p95_ms), op.undone_by, one(op.undo.p50_ms), one(op.undo.p95_ms),
    ])),
  ));
}

async function chromiumVersion(session) {
  const page = await session.context.newPage();
  try {
    const cdp = await session.context.newCDPSession(page);
    return (await cdp.send('Browser.getVersion')).product;
  } finally {
    await page.close();
  }
}

/** Which build of the page's wasm the browser runs: `simd`, or `baseline` where it lacks SIMD. */
async function wasmBuild(session) {
  const page = await session.context.newPage();
  try {
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="demo-button"]');
    return (await page.getAttribute('html', 'data-wasm')) ?? 'unnamed';
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (!distExists()) {
    throw new Error(`no built page at ${path.join(distDir(), 'index.html')}: build it first, at the repository root:\n`
      + '  source scripts/setup.sh && trunk build --release\n(or point TRAILVIEW_DIST at a built page)');
  }
  const corpora = options.sizes.map((events) => ensureCorpus(events, options.perFile));
  const session = await launch();
  const results = [];
  let chromium;
  let wasm;
  try {
    await session.context.addInitScript(installProbes);
    chromium = await chromiumVersion(session);
    wasm = await wasmBuild(session);
    for (const corpus of corpora) {
      for (const workers of options.workers) {
        const runs = [];
        for (let run = 1; run <= options.runs; run += 1) {
          progress(`${corpus.summary.events} events, ${workers ?? 'default'} workers, run ${run}/${options.runs}`);
          runs.push(await benchRun(session, corpus, workers));
        }
        results.push({ summary: corpus.summary, folder: corpus.folder, workers, runs, median: medianOfRuns(runs) });
      }
    }
  } finally {
    await session.close();
  }

  printTables(results, options.runs);
  const failures = results.flatMap(({ summary, runs }) => runs.flatMap((run, at) =>
    [...run.mismatches, ...run.problems].map((problem) => `${summary.events} events, run ${at + 1}: ${problem}`)));
  const report = {
    command: ['node', path.relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(' '),
    env: Object.fromEntries(['EVENTS', 'RUNS', 'TRAILVIEW_DIST', 'TRAILVIEW_CHROMIUM'].filter((name) => process.env[name]).map((name) => [name, process.env[name]])),
    dist: distDir(),
    cpus: os.cpus().length,
    chromium,
    wasm,
    runs: options.runs,
    repetitions: REPETITIONS,
    results,
    failures,
  };
  fs.mkdirSync(path.dirname(options.json), { recursive: true });
  fs.writeFileSync(options.json, `${JSON.stringify(report, roundFractions, 2)}\n`);
  console.log(`\n${os.cpus().length} CPUs, ${chromium}, the ${wasm} build of the wasm; every run's figures in ${options.json}`);
  if (failures.length) {
    console.error(`\nFAILED: the page did not show what the generator wrote, or reported errors:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
});
