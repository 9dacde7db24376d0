// Browser tests of the dashboard: headless Chromium drives the built page (dist/), uploads
// the fixtures through the real file inputs and reads what the page shows through its
// data-testid contract. Expected figures come from oracle.mjs, which reads the same files.
//
// Environment:
//   TRAILVIEW_DIST           the built page (default: <repo>/dist)
//   TRAILVIEW_E2E_REQUIRED=1 fail instead of skipping when the built page is missing
//   TRAILVIEW_CORPUS         a directory holding invictus-aws-dataset/CloudTrail (optional)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ARTIFACTS, FIXTURES, REPO, distDir, distExists, launch } from './harness.mjs';
import { byteOrder, callerOf, canonical, computeExpected, formatTime, listFiles, parseTime, TOP_LISTS } from './oracle.mjs';

const TIMEOUT = 60_000;
const SETTLE = 15_000;

const LIST_IDS = {
  callers: 'top-callers',
  events: 'top-events',
  services: 'top-services',
  ips: 'top-ips',
  regions: 'top-regions',
  accounts: 'top-accounts',
  errors: 'top-errors',
};
const STAT_IDS = ['events', 'files', 'rejected', 'duplicates', 'conflicts', 'principals', 'errors'];

const required = process.env.TRAILVIEW_E2E_REQUIRED === '1';
const skip = !distExists() && !required
  ? `no built page at ${path.join(distDir(), 'index.html')} (build it with trunk; TRAILVIEW_E2E_REQUIRED=1 turns this skip into a failure)`
  : false;

const TRAIL = path.join(FIXTURES, 'trail');
const SINGLE = path.join(FIXTURES, 'single');

let session;

before(async () => {
  if (!skip) session = await launch();
});

after(async () => {
  await session?.close();
});

/** Runs `body(page, t)` on a fresh tab, then fails on any page/console error or foreign request. */
function withPage(body) {
  return async (t) => {
    assert.ok(distExists(), `no built page at ${distDir()}`);
    const page = await session.newPage();
    page.setDefaultTimeout(TIMEOUT);
    try {
      // The app is mounted (and its inputs live) once the demo button shows.
      await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
      await body(page, t);
    } finally {
      session.assertClean();
    }
  };
}

const testid = (id) => `[data-testid="${id}"]`;
const number = (text) => (text === null || text === undefined || text === '' ? null : Number(text));

/** Everything the dashboard shows, read in one pass. */
function snapshot(page) {
  return page.evaluate(({ statIds, listIds }) => {
    const one = (id) => document.querySelector(`[data-testid="${id}"]`);
    const all = (root, id) => [...(root ?? document).querySelectorAll(`[data-testid="${id}"]`)];
    const attr = (el, name) => (el ? el.getAttribute(name) : null);
    const value = (id) => {
      const v = attr(one(id), 'data-value');
      return v === null || v === '' ? null : Number(v);
    };
    const stats = Object.fromEntries(statIds.map((name) => [name, value(`stat-${name}`)]));
    const top = Object.fromEntries(Object.entries(listIds).map(([name, id]) => [
      name,
      all(one(id), 'top-item').map((item) => ({ key: item.getAttribute('data-key'), count: Number(item.getAttribute('data-count')) })),
    ]));
    const span = { start: attr(one('time-span'), 'data-start'), end: attr(one('time-span'), 'data-end') };
    const rows = all(one('ingest-report'), 'file-row').map((row) => Object.fromEntries(
      ['file', 'status', 'read', 'events', 'duplicates', 'conflicts', 'rejected', 'message']
        .map((name) => [name, row.getAttribute(`data-${name}`)]),
    ));
    const buckets = all(one('timeline'), 'timeline-bucket').map((bucket) => ({
      start: bucket.getAttribute('data-start'),
      count: Number(bucket.getAttribute('data-count')),
      errors: Number(bucket.getAttribute('data-errors')),
    }));
    const progress = one('progress');
    const summary = one('load-summary');
    return {
      stats,
      top,
      span,
      rows,
      buckets,
      chips: all(document, 'filter-chip').map((chip) => ({
        field: chip.getAttribute('data-field'),
        value: chip.getAttribute('data-value'),
        exclude: chip.getAttribute('data-exclude'),
      })),
      eventRows: all(document, 'event-row').length,
      progress: progress && Object.fromEntries(
        ['state', 'done', 'total', 'files-done', 'files-total', 'events'].map((name) => [name, progress.getAttribute(`data-${name}`)]),
      ),
      summary: summary && { ms: summary.getAttribute('data-ms'), events: summary.getAttribute('data-events'), files: summary.getAttribute('data-files') },
    };
  }, { statIds: STAT_IDS, listIds: LIST_IDS });
}

/** The bars of one SVG path as `push_bar` draws them (`M x y h w v h h -w z` each), in order. */
function pathBars(d) {
  const bars = [];
  const bar = /M(-?[\d.]+) (-?[\d.]+)h(-?[\d.]+)v(-?[\d.]+)h-?[\d.]+z/g;
  let match;
  let end = 0;
  while ((match = bar.exec(d ?? '')) !== null) {
    assert.equal(match.index, end, `path data is bars and nothing else: ${d.slice(end, end + 40)}`);
    end = bar.lastIndex;
    const [x, y, width, height] = match.slice(1).map(Number);
    bars.push({ x, y, width, height });
  }
  assert.equal(end, (d ?? '').length, 'the path data ends with a bar');
  return bars;
}

/** Polls `read()` until `ok(value)` or the time runs out; returns the last value either way. */
async function eventually(read, ok, timeout = SETTLE) {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** Waits until the progress element reports a finished load; returns its attributes. */
async function waitForLoad(page, expectedFiles) {
  await page.waitForFunction(() => {
    const progress = document.querySelector('[data-testid="progress"]');
    if (!progress || progress.getAttribute('data-state') !== 'done') return false;
    const done = Number(progress.getAttribute('data-files-done'));
    const total = Number(progress.getAttribute('data-files-total'));
    return total > 0 && done === total;
  }, null, { timeout: TIMEOUT });
  const { progress } = await snapshot(page);
  if (expectedFiles !== undefined) {
    assert.equal(number(progress['files-total']), expectedFiles, 'progress data-files-total');
  }
  assert.equal(progress.done, progress.total, 'progress data-done == data-total once done');
  return progress;
}

/** The figures from a snapshot that an oracle result predicts. */
function figures(shot) {
  return {
    stats: {
      events: shot.stats.events,
      files: shot.stats.files,
      rejected: shot.stats.rejected,
      duplicates: shot.stats.duplicates,
      conflicts: shot.stats.conflicts,
      principals: shot.stats.principals,
      errors: shot.stats.errors,
    },
    span: { start: toSecond(shot.span.start), end: toSecond(shot.span.end) },
    top: shot.top,
  };
}

/** An RFC 3339 instant as YYYY-MM-DDTHH:MM:SSZ (so `…:14.000Z` and `…:14Z` compare equal). */
function toSecond(text) {
  const ms = parseTime(text);
  return ms === null ? text : formatTime(ms);
}

function predicted(expected) {
  const { totals } = expected;
  return {
    stats: {
      events: totals.events,
      files: totals.files,
      rejected: totals.rejected,
      duplicates: totals.duplicates,
      conflicts: totals.conflicts,
      principals: totals.principals,
      errors: totals.errors,
    },
    span: { start: totals.start, end: totals.end },
    top: Object.fromEntries(TOP_LISTS.map((name) => [name, expected.top[name]])),
  };
}

/** Loads, waits, and returns the first snapshot whose figures match the oracle (or the last one). */
async function loadAndSettle(page, expected, nFiles) {
  await waitForLoad(page, nFiles);
  const want = predicted(expected);
  return eventually(() => snapshot(page), (shot) => {
    try {
      assert.deepEqual(figures(shot), want);
      return true;
    } catch {
      return false;
    }
  });
}

/** Checks every file-row against the oracle; `prefix` is prepended to the oracle's paths. */
function checkRows(rows, expected, prefix) {
  const byFile = new Map(rows.map((row) => [row.file, row]));
  assert.equal(byFile.size, rows.length, 'each file has one file-row');
  const wantFiles = Object.keys(expected.files).map((file) => prefix + file).sort(byteOrder);
  assert.deepEqual([...byFile.keys()].sort(byteOrder), wantFiles, 'file-row data-file values');

  const grouped = new Set(expected.dedupeGroups.flat());
  for (const [file, want] of Object.entries(expected.files)) {
    const row = byFile.get(prefix + file);
    const got = {
      status: row.status,
      read: number(row.read),
      events: number(row.events),
      duplicates: number(row.duplicates),
      conflicts: number(row.conflicts),
      rejected: number(row.rejected),
    };
    assert.equal(got.read, got.events + got.duplicates + got.rejected, `ledger of ${row.file}: read == events + duplicates + rejected`);
    const exact = { status: want.status, read: want.read, rejected: want.rejected };
    if (!grouped.has(file)) Object.assign(exact, { events: want.indexed, duplicates: want.duplicates, conflicts: want.conflicts });
    const shown = Object.fromEntries(Object.keys(exact).map((key) => [key, got[key]]));
    assert.deepEqual(shown, exact, `file-row ${row.file}`);
    if (row.status === 'partial' || row.status === 'rejected') {
      assert.ok(row.message && row.message.trim(), `file-row ${row.file} (${row.status}) says why in data-message`);
    }
  }
  // Files that share eventIDs split duplicates and conflicts by processing order; their sums
  // do not depend on it.
  for (const group of expected.dedupeGroups) {
    const sum = (pick) => group.reduce((total, file) => total + pick(file), 0);
    assert.deepEqual(
      {
        events: sum((file) => number(byFile.get(prefix + file).events)),
        duplicates: sum((file) => number(byFile.get(prefix + file).duplicates)),
        conflicts: sum((file) => number(byFile.get(prefix + file).conflicts)),
      },
      {
        events: sum((file) => expected.files[file].indexed),
        duplicates: sum((file) => expected.files[file].duplicates),
        conflicts: sum((file) => expected.files[file].conflicts),
      },
      `file-rows sharing eventIDs: ${group.map((file) => prefix + file).join(', ')}`,
    );
  }
}

/** Top lists hold at most 10 items, ordered by count descending then key ascending. */
function checkTopOrder(top) {
  for (const [name, items] of Object.entries(top)) {
    assert.ok(items.length <= 10, `${LIST_IDS[name]} has at most 10 items`);
    for (let i = 1; i < items.length; i += 1) {
      const [a, b] = [items[i - 1], items[i]];
      assert.ok(a.count > b.count || (a.count === b.count && a.key < b.key), `${LIST_IDS[name]} order at ${i}: ${JSON.stringify(a)} before ${JSON.stringify(b)}`);
    }
  }
}

async function uploadFolder(page, dir) {
  await page.setInputFiles(testid('folder-input'), dir);
}

async function uploadSingle(page) {
  const files = listFiles(SINGLE).map((file) => path.join(SINGLE, file));
  await page.setInputFiles(testid('file-input'), files);
  return files.length;
}

const totalBytes = (dir) => listFiles(dir).reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);

// ---------------------------------------------------------------------------------------------

test('1. the page loads cleanly and the demo fills the dashboard', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  session.assertClean(); // nothing went wrong while the page started
  await page.click(testid('demo-button'));
  await waitForLoad(page);
  const shot = await eventually(() => snapshot(page), (s) =>
    s.stats.events > 1000 && s.buckets.length > 0 && s.top.events.length > 0
    && s.buckets.reduce((sum, b) => sum + b.count, 0) === s.stats.events);

  assert.ok(shot.stats.events > 1000, `stat-events ${shot.stats.events} > 1000`);
  assert.ok(shot.buckets.length > 0, 'the timeline has buckets');
  assert.equal(shot.buckets.reduce((sum, b) => sum + b.count, 0), shot.stats.events, 'timeline buckets sum to stat-events');
  assert.equal(shot.buckets.reduce((sum, b) => sum + b.errors, 0), shot.stats.errors, 'timeline bucket errors sum to stat-errors');
  for (const bucket of shot.buckets) {
    assert.notEqual(parseTime(bucket.start), null, `bucket data-start ${bucket.start} is RFC 3339`);
    assert.ok(bucket.errors <= bucket.count, 'a bucket has no more errors than events');
  }
  // Each bucket is drawn to scale (a 1000 × 140 chart), its errors beneath its successes.
  const drawn = await page.evaluate(() => Object.fromEntries(['timeline-ok', 'timeline-errors']
    .map((id) => [id, document.querySelector(`[data-testid="${id}"]`).getAttribute('d')])));
  const peak = Math.max(...shot.buckets.map((bucket) => bucket.count));
  const slot = 1000 / shot.buckets.length;
  const near = (a, b) => Math.abs(a - b) < 0.002;
  const scaled = (n) => (n / peak) * 140;
  const expectBars = (part, top) => shot.buckets.map((bucket, position) => ({ bucket, position }))
    .filter(({ bucket }) => part(bucket) > 0)
    .map(({ bucket, position }) => ({ x: position * slot, y: 140 - scaled(top(bucket)), height: scaled(part(bucket)) }));
  for (const [id, want] of [
    ['timeline-ok', expectBars((b) => b.count - b.errors, (b) => b.count)],
    ['timeline-errors', expectBars((b) => b.errors, (b) => b.errors)],
  ]) {
    const bars = pathBars(drawn[id]);
    assert.equal(bars.length, want.length, `${id}: a bar for every bucket with some`);
    bars.forEach((bar, n) => assert.ok(near(bar.x, want[n].x) && near(bar.y, want[n].y) && near(bar.height, want[n].height)
      && near(bar.width, slot * 0.86), `${id}: bar ${JSON.stringify(bar)} drawn as ${JSON.stringify(want[n])}`));
  }
  // Pointing at the busiest bucket says what it holds.
  const busiest = shot.buckets.findIndex((bucket) => bucket.count === peak);
  const plot = await page.locator(testid('timeline')).boundingBox();
  await page.mouse.move(plot.x + ((busiest + 0.5) / shot.buckets.length) * plot.width, plot.y + plot.height / 2);
  const said = await page.locator(testid('timeline-readout')).textContent();
  const held = shot.buckets[busiest];
  assert.equal(said, `${held.start.replace('T', ' ').replace('Z', '')} · ${held.count.toLocaleString('en-US')} events · ${held.errors.toLocaleString('en-US')} errors`);
  await page.mouse.move(0, 0);
  await page.locator(testid('timeline-readout')).waitFor({ state: 'detached' });
  for (const name of ['callers', 'events', 'services', 'ips', 'regions', 'accounts']) {
    assert.ok(shot.top[name].length > 0, `${LIST_IDS[name]} has items`);
  }
  if (shot.stats.errors > 0) assert.ok(shot.top.errors.length > 0, 'top-errors has items');
  checkTopOrder(shot.top);
  assert.ok(shot.stats.principals >= shot.top.callers.length, 'stat-principals counts at least the listed callers');
  const [start, end] = [parseTime(shot.span.start), parseTime(shot.span.end)];
  assert.ok(start !== null && end !== null && start <= end, `time-span ${shot.span.start} .. ${shot.span.end}`);
  assert.ok(shot.eventRows > 0, 'the event table shows rows');

  assert.ok(shot.summary, 'load-summary is shown');
  assert.equal(number(shot.summary.events), shot.stats.events, 'load-summary data-events');
  const ms = number(shot.summary.ms);
  assert.ok(Number.isFinite(ms) && ms >= 0, `load-summary data-ms ${shot.summary.ms}`);
  console.log(`demo: ${shot.stats.events} events in ${ms} ms`);
}));

test('2. files chosen through file-input are counted like the oracle counts them', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  const nFiles = await uploadSingle(page);
  const shot = await loadAndSettle(page, expected, nFiles);
  assert.deepEqual(figures(shot), predicted(expected));
  checkRows(shot.rows, expected, '');
  assert.equal(number(shot.progress.total), totalBytes(SINGLE), 'progress data-total is the bytes of the files');
  assert.equal(number(shot.progress.events), expected.totals.events, 'progress data-events');
  assert.equal(number(shot.summary?.events), expected.totals.events, 'load-summary data-events');
}));

test('3. a whole AWSLogs folder through folder-input matches the oracle file by file', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  await uploadFolder(page, TRAIL);
  const shot = await loadAndSettle(page, expected, listFiles(TRAIL).length);
  assert.deepEqual(figures(shot), predicted(expected));
  checkRows(shot.rows, expected, 'trail/');
  assert.equal(number(shot.progress.total), totalBytes(TRAIL), 'progress data-total is the bytes of the files');
  assert.equal(number(shot.summary?.events), expected.totals.events, 'load-summary data-events');
}));

test('4. clicking a top item filters, its chip removes the filter, Ctrl-click excludes', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  await uploadFolder(page, TRAIL);
  const loaded = await loadAndSettle(page, expected, listFiles(TRAIL).length);
  const total = loaded.stats.events;
  assert.equal(total, expected.totals.events);
  const { key, count } = expected.top.events[0];
  assert.deepEqual(loaded.top.events[0], { key, count });
  const item = page.locator(`${testid('top-events')} ${testid('top-item')}[data-key=${JSON.stringify(key)}]`);

  await item.click();
  let shot = await eventually(() => snapshot(page), (s) => s.stats.events === count && s.chips.length === 1);
  assert.equal(shot.stats.events, count, `stat-events after choosing ${key}`);
  assert.equal(shot.chips.length, 1, 'one filter-chip');
  assert.equal(shot.chips[0].value, key);
  assert.equal(shot.chips[0].exclude, 'false');
  assert.deepEqual(shot.top.events, [{ key, count }], 'top-events holds only the chosen name');

  await page.locator(`${testid('filter-chip')} ${testid('filter-chip-remove')}`).click();
  shot = await eventually(() => snapshot(page), (s) => s.stats.events === total && s.chips.length === 0);
  assert.equal(shot.stats.events, total, 'removing the chip restores the total');
  assert.equal(shot.chips.length, 0);

  await item.click({ modifiers: ['Control'] });
  shot = await eventually(() => snapshot(page), (s) => s.stats.events === total - count && s.chips.length === 1);
  assert.equal(shot.stats.events, total - count, `stat-events after excluding ${key}`);
  assert.equal(shot.chips.length, 1);
  assert.equal(shot.chips[0].value, key);
  assert.equal(shot.chips[0].exclude, 'true');
  assert.ok(!shot.top.events.some((entry) => entry.key === key), 'the excluded name leaves top-events');
}));

test('5. clicking an event row shows that event\'s JSON', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  await uploadSingle(page);
  await loadAndSettle(page, expected);
  const row = page.locator(testid('event-row')).first();
  const eventId = await row.getAttribute('data-event-id');
  assert.ok(eventId, 'event-row has data-event-id');
  await row.click();
  const text = await eventually(
    () => page.evaluate(() => {
      const detail = document.querySelector('[data-testid="event-detail"]');
      return (detail?.querySelector('pre') ?? detail)?.textContent ?? '';
    }),
    (value) => {
      try {
        return JSON.parse(value.trim()).eventID === eventId;
      } catch {
        return false;
      }
    },
  );
  let shown;
  assert.doesNotThrow(() => { shown = JSON.parse(text.trim()); }, 'event-detail holds valid JSON');
  assert.equal(shown.eventID, eventId, 'event-detail shows the clicked row');
  const originals = expected.records.filter(({ record }) => record.eventID === eventId).map(({ record }) => canonical(record));
  assert.ok(originals.includes(canonical(shown)), 'event-detail is the record as it is in the file');
}));

test('6. dragging across the timeline narrows the time span and the selection', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  await uploadSingle(page);
  const before = await loadAndSettle(page, expected);
  const total = before.stats.events;
  const [oldStart, oldEnd] = [parseTime(before.span.start), parseTime(before.span.end)];
  assert.ok(oldStart !== null && oldEnd !== null && oldStart < oldEnd, `time-span ${before.span.start} .. ${before.span.end}`);

  const box = await page.locator(`${testid('timeline')} svg`).first().boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, 'the timeline svg is visible');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
  await page.mouse.up();

  const shot = await eventually(() => snapshot(page), (s) =>
    (s.span.start !== before.span.start || s.span.end !== before.span.end) && s.stats.events < total);
  const [start, end] = [parseTime(shot.span.start), parseTime(shot.span.end)];
  assert.ok(start !== null && end !== null, `time-span ${shot.span.start} .. ${shot.span.end}`);
  assert.ok(oldStart <= start && start <= end && end <= oldEnd, `new span ${shot.span.start} .. ${shot.span.end} lies within ${before.span.start} .. ${before.span.end}`);
  assert.ok(end - start < oldEnd - oldStart, 'the span is narrower');
  assert.ok(shot.stats.events > 0 && shot.stats.events < total, `0 < stat-events ${shot.stats.events} < ${total}`);
  // The span is shown to the second; an event is surely inside when at least a second after
  // the shown start and before the shown end, surely outside before the start or a second
  // past the end.
  const times = expected.records.map(({ record }) => parseTime(record.eventTime));
  const surely = times.filter((t) => t >= start + 1000 && t < end).length;
  const possibly = times.filter((t) => t >= start && t < end + 1000).length;
  assert.ok(surely <= shot.stats.events && shot.stats.events <= possibly,
    `stat-events ${shot.stats.events} between ${surely} and ${possibly} (events of the fixtures inside the span)`);
}));

test('7. clear-button empties the dashboard', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  await uploadSingle(page);
  const loaded = await loadAndSettle(page, expected);
  assert.equal(loaded.stats.events, expected.totals.events);
  await page.locator(testid('file-search')).fill('typed before Clear');
  await page.click(testid('clear-button'));
  const shot = await eventually(() => snapshot(page), (s) =>
    (s.stats.events === null || s.stats.events === 0) && s.eventRows === 0);
  assert.ok(shot.stats.events === null || shot.stats.events === 0, `stat-events after clear: ${shot.stats.events}`);
  assert.equal(shot.eventRows, 0, 'no event-row left');
  for (const name of TOP_LISTS) assert.deepEqual(shot.top[name], [], `${LIST_IDS[name]} is empty`);
  // The welcome is back; the dashboard, built ahead of the next load, is hidden.
  assert.ok(await page.locator('.tv-welcome').isVisible(), 'the welcome is shown');
  assert.equal(await page.locator('main.tv-main').isVisible(), false, 'the dashboard is hidden');
  // The next load fills a fresh dashboard: nothing typed before Clear is left.
  await uploadSingle(page);
  const again = await loadAndSettle(page, expected);
  assert.equal(again.stats.events, expected.totals.events);
  assert.equal(await page.locator(testid('file-search')).inputValue(), '', 'the Files search is empty again');
}));

test('8. the public invictus-aws-dataset corpus loads completely', { skip, timeout: 5 * TIMEOUT }, async (t) => {
  const corpus = process.env.TRAILVIEW_CORPUS;
  const dir = corpus ? path.join(corpus, 'invictus-aws-dataset', 'CloudTrail') : null;
  if (!dir || !fs.existsSync(dir)) {
    t.skip('TRAILVIEW_CORPUS does not point at a directory holding invictus-aws-dataset/CloudTrail');
    return;
  }
  await withPage(async (page) => {
    await uploadFolder(page, dir);
    await waitForLoad(page, 55);
    const expected = computeExpected(dir);
    const shot = await eventually(() => snapshot(page), (s) => s.stats.events === 2900 && s.rows.length === 55);
    assert.equal(shot.stats.events, 2900, 'stat-events (documented in the corpus SOURCES.md)');
    assert.equal(shot.rows.length, 55, 'one file-row per file');
    for (const row of shot.rows) assert.equal(row.status, 'ok', `${row.file}: ${row.message}`);
    assert.deepEqual(figures(shot), predicted(expected));
    checkRows(shot.rows, expected, 'CloudTrail/');

    assert.ok(shot.summary, 'load-summary is shown');
    const ms = number(shot.summary.ms);
    const events = number(shot.summary.events);
    assert.equal(events, 2900, 'load-summary data-events');
    assert.ok(Number.isFinite(ms) && ms >= 0, `load-summary data-ms ${shot.summary.ms}`);
    const rate = ms > 0 ? Math.round((events / ms) * 1000) : Infinity;
    console.log(`corpus: ${events} events in ${ms} ms (${rate} events/s)`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png') });
  })(t);
});

test('9. files dropped on the drop zone load like chosen ones', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  const files = listFiles(SINGLE).map((file) => ({ name: path.basename(file), bytes: [...fs.readFileSync(path.join(SINGLE, file))] }));
  await page.evaluate((dropped) => {
    const transfer = new DataTransfer();
    for (const { name, bytes } of dropped) transfer.items.add(new File([new Uint8Array(bytes)], name));
    const zone = document.querySelector('[data-testid="drop-zone"]');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
  const shot = await loadAndSettle(page, expected, files.length);
  assert.deepEqual(figures(shot), predicted(expected));
  checkRows(shot.rows, expected, '');
}));

test('10. loading more files adds to what is loaded; the same files again are duplicates', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(SINGLE);
  const nFiles = await uploadSingle(page);
  await loadAndSettle(page, expected, nFiles);
  await uploadSingle(page);
  const shot = await eventually(() => snapshot(page), (s) => s.rows.length === 2 * nFiles && s.progress.state === 'done');
  assert.equal(shot.rows.length, 2 * nFiles, 'both batches are listed');
  assert.equal(shot.stats.events, expected.totals.events, 'no event is counted twice');
  // Every record of the second batch is a copy of a kept event.
  assert.equal(shot.stats.duplicates, expected.totals.duplicates + expected.totals.read, 'stat-duplicates');
  for (const row of shot.rows) {
    assert.equal(number(row.read), number(row.events) + number(row.duplicates) + number(row.rejected), `ledger of ${row.file}`);
  }
}));

test('11. the event table stays virtualised and scrolls through 100,000 events', { skip, timeout: 4 * TIMEOUT }, withPage(async (page) => {
  const { gzipSync } = await import('node:zlib');
  const n = 100_000;
  const base = Date.parse('2024-01-01T00:00:00Z');
  const names = ['GetObject', 'PutObject', 'AssumeRole', 'DescribeInstances', 'Decrypt', 'ListBuckets'];
  const records = [];
  for (let i = 0; i < n; i += 1) {
    records.push({
      eventVersion: '1.09',
      eventID: `big-${i}`,
      eventTime: new Date(base + i * 8000).toISOString().replace('.000Z', 'Z'),
      eventSource: 's3.amazonaws.com',
      eventName: names[i % names.length],
      awsRegion: i % 3 ? 'us-east-1' : 'eu-west-1',
      sourceIPAddress: `198.51.100.${i % 200}`,
      userIdentity: { type: 'IAMUser', userName: `user${i % 50}` },
      ...(i % 17 === 0 ? { errorCode: 'AccessDenied' } : {}),
    });
  }
  const buffer = gzipSync(JSON.stringify({ Records: records }), { level: 1 });
  await page.setInputFiles(testid('file-input'), { name: 'big.json.gz', mimeType: 'application/gzip', buffer });
  await waitForLoad(page, 1);
  const loaded = await eventually(() => snapshot(page), (s) => s.stats.events === n);
  assert.equal(loaded.stats.events, n);
  assert.equal(loaded.stats.errors, Math.ceil(n / 17));
  assert.ok(loaded.eventRows > 0 && loaded.eventRows < 100, `only the visible rows are in the DOM (${loaded.eventRows})`);
  const first = await page.getAttribute(`${testid('event-row')} >> nth=0`, 'data-event-id');
  assert.equal(first, `big-${n - 1}`, 'newest first');

  // Scroll to the bottom: the oldest event must be reachable, and the DOM stays small.
  await page.evaluate(() => {
    const viewport = document.querySelector('[data-testid="event-table"] .tv-table__viewport');
    viewport.scrollTop = viewport.scrollHeight;
    viewport.dispatchEvent(new Event('scroll'));
  });
  const last = await eventually(
    () => page.evaluate(() => [...document.querySelectorAll('[data-testid="event-row"]')].map((row) => row.getAttribute('data-event-id'))),
    (ids) => ids.includes('big-0'),
  );
  assert.ok(last.includes('big-0'), 'the oldest event is at the bottom');
  assert.ok(last.length < 100, `still only the visible rows (${last.length})`);
  console.log(`table: ${n} events (${buffer.length} bytes gz) in ${loaded.summary?.ms} ms`);
}));

test('12. the per-file size limit is shown, cuts a bomb short with a message, and can be raised', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const { gzipSync } = await import('node:zlib');
  const record = { eventTime: '2024-03-01T10:00:00Z', eventName: 'GetObject', requestParameters: { pad: 'x'.repeat(1000) } };
  const buffer = gzipSync(JSON.stringify({ Records: Array.from({ length: 3000 }, (_, i) => ({ ...record, eventID: `bomb-${i}` })) }), { level: 9 });
  const upload = (name) => page.setInputFiles(testid('file-input'), { name, mimeType: 'application/gzip', buffer });
  await upload('first.json.gz');
  await waitForLoad(page, 1);
  const limit = page.locator(testid('size-limit'));
  assert.equal(Number(await limit.getAttribute('data-value')), 1 << 30, 'the default limit is 1024 MB');
  await limit.fill('1');
  await limit.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-testid="size-limit"]')?.getAttribute('data-value') === String(1 << 20));
  await upload('second.json.gz');
  const cut = await eventually(() => snapshot(page), (s) => s.rows.length === 2 && s.progress.state === 'done');
  const second = cut.rows.find((row) => row.file === 'second.json.gz');
  assert.equal(second.status, 'partial');
  assert.match(second.message, /per-file limit/);
  assert.equal(cut.rows.find((row) => row.file === 'first.json.gz').status, 'ok');
}));

test('13. every input shape and bad input, loaded as a folder, gets its status and format', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const shapes = path.join(FIXTURES, 'shapes');
  const expected = JSON.parse(fs.readFileSync(path.join(shapes, 'expected.json'), 'utf8'));
  await uploadFolder(page, shapes);
  await waitForLoad(page, listFiles(shapes).length);
  const rows = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid="file-row"]')].map((row) => [
    row.getAttribute('data-file'),
    { status: row.getAttribute('data-status'), format: row.getAttribute('data-format'), message: row.getAttribute('data-message'),
      read: Number(row.getAttribute('data-read')), events: Number(row.getAttribute('data-events')),
      duplicates: Number(row.getAttribute('data-duplicates')), rejected: Number(row.getAttribute('data-rejected')) },
  ])));
  for (const [name, want] of Object.entries(expected)) {
    const row = rows[`shapes/${name}`];
    assert.ok(row, `a row for shapes/${name}`);
    // Loaded together the fixtures share eventIDs, so events and duplicates move between files;
    // status, format and records read do not.
    assert.equal(row.status, want.status, `status of ${name} (${row.message})`);
    assert.equal(row.format, want.format, `format of ${name}`);
    if (want.read !== null) assert.equal(row.read, want.read, `records read from ${name}`);
    if (want.status !== 'ok') assert.ok(row.message, `${name} says why`);
  }
  // The archive's entries are listed under it, each with its own outcome.
  assert.equal(rows['shapes/archive.zip/exports/lines.jsonl']?.status, 'ok');
  assert.equal(rows['shapes/archive.zip/nested.zip']?.status, 'rejected');
  for (const [name, row] of Object.entries(rows)) {
    assert.equal(row.read, row.events + row.duplicates + row.rejected, `ledger of ${name}`);
  }
}));

/** A plain trail file of `n` generated records, several of the page's 8 MB slices long; returns its path and text length. */
function largeTrail(n) {
  const base = Date.parse('2024-05-01T00:00:00Z');
  const lines = [];
  for (let i = 0; i < n; i += 1) {
    lines.push(JSON.stringify({
      eventVersion: '1.09',
      eventID: `stream-${i}`,
      eventTime: new Date(base + i * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: 'ec2.amazonaws.com',
      eventName: i % 3 ? 'DescribeInstances' : 'RunInstances',
      awsRegion: 'eu-central-1',
      sourceIPAddress: `203.0.113.${i % 250}`,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/ops/session-${i % 40}` },
      requestParameters: { filterSet: { items: [{ name: 'tag:team', valueSet: { items: [{ value: `team-${i % 7}` }] } }] } },
      ...(i % 101 === 0 ? { errorCode: 'Client.UnauthorizedOperation' } : {}),
    }));
  }
  const text = `{"Records":[\n${lines.join(',\n')}\n]}`;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trailview-')), 'large.json');
  fs.writeFileSync(file, text);
  return { file, length: text.length };
}

test('14. a file larger than one read is streamed in slices: every event loads and progress moves during the file', { skip, timeout: 3 * TIMEOUT }, withPage(async (page) => {
  const n = 120_000;
  // Plain JSON, several of the page's 8 MB slices long: read slice by slice, cut between records.
  const { file, length } = largeTrail(n);
  assert.ok(length > 3 * (8 << 20), `the file spans several slices (${length} bytes)`);

  // Record every progress value the page shows while it reads.
  await page.evaluate(() => {
    window.__progress = [];
    const progress = document.querySelector('[data-testid="progress"]');
    new MutationObserver(() => window.__progress.push([
      Number(progress.getAttribute('data-done')), Number(progress.getAttribute('data-total')), Number(progress.getAttribute('data-events')),
    ])).observe(progress, { attributes: true });
  });
  await page.setInputFiles(testid('file-input'), file);
  await waitForLoad(page, 1);
  const loaded = await eventually(() => snapshot(page), (s) => s.stats.events === n);
  assert.equal(loaded.stats.events, n);
  assert.equal(loaded.stats.errors, Math.ceil(n / 101));
  const row = loaded.rows.find((r) => r.file === 'large.json');
  assert.equal(row.status, 'ok', row.message);
  const seen = await page.evaluate(() => window.__progress);
  const during = seen.filter(([done, total]) => done > 0 && done < total);
  assert.ok(during.length >= 2, `progress moved within the file: ${JSON.stringify(seen.slice(0, 12))}`);
  assert.ok(during.some(([, , events]) => events > 0 && events < n), 'events counted before the file ended');
  console.log(`stream: ${n} events, ${length} bytes plain, in ${loaded.summary?.ms} ms; ${during.length} progress steps within the file`);
}));

test('15. the query bar takes filter patterns and the short syntax; stat-events matches counts made here', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  const records = expected.records.map((entry) => entry.record);
  await uploadFolder(page, TRAIL);
  await waitForLoad(page, listFiles(TRAIL).length);
  await eventually(() => snapshot(page), (s) => s.stats.events === expected.totals.events);

  // Each query with its meaning written out independently, over the parsed records.
  const lower = (value) => String(value).toLowerCase();
  const anyString = (value, needle) => {
    if (value === null || value === undefined || typeof value === 'boolean') return false;
    if (typeof value === 'object') return Object.values(value).some((inner) => anyString(inner, needle));
    return lower(value).includes(needle);
  };
  const cases = [
    ['{ $.eventName = "ConsoleLogin" }', (r) => r.eventName === 'ConsoleLogin'],
    ['{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
      (r) => typeof r.errorCode === 'string' && (r.errorCode.endsWith('UnauthorizedOperation') || r.errorCode.startsWith('AccessDenied'))],
    ['{ $.userIdentity.type = "AssumedRole" && $.readOnly IS FALSE }', (r) => r.userIdentity?.type === 'AssumedRole' && r.readOnly === false],
    ['{ $.userIdentity.invokedBy NOT EXISTS }', (r) => r.userIdentity === undefined || !('invokedBy' in r.userIdentity)],
    ['eventName:get*', (r) => typeof r.eventName === 'string' && lower(r.eventName).startsWith('get')],
    ['-userIdentity.type:IAMUser', (r) => !(typeof r.userIdentity?.type === 'string' && lower(r.userIdentity.type) === 'iamuser')],
    ['accessdenied', (r) => anyString(r, 'accessdenied')],
  ];
  const input = page.locator(testid('query-input'));
  let proper = 0;
  for (const [text, predicate] of cases) {
    const want = records.filter((record) => predicate(record)).length;
    await input.fill(text);
    await input.press('Enter');
    const shot = await eventually(() => snapshot(page), (s) => s.stats.events === want);
    assert.equal(shot.stats.events, want, `stat-events for ${text}`);
    if (want > 0 && want < records.length) proper += 1;
  }
  assert.ok(proper >= 5, `the fixture tells most queries apart (${proper})`);

  // A pattern that does not parse is shown with its position and is not applied.
  await input.fill('{ $.eventName = }');
  await input.press('Enter');
  const error = page.locator(testid('query-error'));
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.getAttribute('data-position'), '16');
  assert.equal((await snapshot(page)).stats.events, records.filter((r) => anyString(r, 'accessdenied')).length, 'the last good query stays applied');

  // A CIS preset applies its pattern; Escape clears the query.
  await page.selectOption(testid('query-presets'), '4.3');
  const root = records.filter((r) => r.userIdentity?.type === 'Root' && !('invokedBy' in r.userIdentity) && typeof r.eventType === 'string' && r.eventType !== 'AwsServiceEvent').length;
  assert.equal((await eventually(() => snapshot(page), (s) => s.stats.events === root)).stats.events, root, 'CIS 4.3 root usage');
  assert.match(await input.inputValue(), /\$\.userIdentity\.type = "Root"/);
  await input.press('Escape');
  assert.equal((await eventually(() => snapshot(page), (s) => s.stats.events === records.length)).stats.events, records.length);
  await page.screenshot({ path: path.join(ARTIFACTS, 'query-bar.png'), fullPage: false });
}));

test('16. explore: facets, quick filters, sort and keys, click-to-filter, related, pivot, compare, export and reload, URL state', { skip, timeout: 4 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  const records = expected.records.map((entry) => entry.record);
  const total = records.length;
  const count = (predicate) => records.filter((record) => predicate(record)).length;
  const statIs = async (want, what) => {
    const shot = await eventually(() => snapshot(page), (s) => s.stats.events === want);
    assert.equal(shot.stats.events, want, `stat-events ${what}`);
    return shot;
  };
  const clearFilters = async () => {
    await page.locator(testid('clear-filters')).click();
    await statIs(total, 'after Clear filters');
  };
  await uploadFolder(page, TRAIL);
  await waitForLoad(page, listFiles(TRAIL).length);
  await statIs(total, 'loaded');

  // The field index is built in the background; the facets list every field, nested ones too.
  await page.waitForFunction(() => {
    const facets = document.querySelector('[data-testid="facets"]');
    return facets && Number(facets.getAttribute('data-total')) > 0 && facets.getAttribute('data-indexed') === facets.getAttribute('data-total');
  }, null, { timeout: TIMEOUT });
  const paths = await page.$$eval(testid('facet-field'), (items) => items.map((item) => item.getAttribute('data-path')));
  for (const wanted of ['eventName', 'userIdentity.type', 'userIdentity.sessionContext.sessionIssuer.arn', 'resources[].ARN', 'requestParameters.bucketName']) {
    const held = records.filter((r) => pathValues(r, wanted).length > 0).length;
    assert.ok(held > 0, `the fixture has ${wanted}`);
    assert.ok(paths.includes(wanted), `facet ${wanted} listed`);
    assert.equal(Number(await page.getAttribute(`${testid('facet-field')}[data-path="${wanted}"]`, 'data-events')), held, `events with ${wanted}`);
  }
  // Open userIdentity.type: its values and counts are what the files hold; a click filters.
  await page.locator(testid('facet-search')).fill('userIdentity.type');
  await page.locator(`${testid('facet-field')}[data-path="userIdentity.type"] .tv-facet__name`).click();
  const values = await page.$$eval(`${testid('facet-values')}[data-path="userIdentity.type"] ${testid('facet-value')}`,
    (items) => items.map((item) => [item.getAttribute('data-value'), Number(item.getAttribute('data-count'))]));
  assert.ok(values.length >= 2, `userIdentity.type has values: ${JSON.stringify(values)}`);
  for (const [value, n] of values) {
    assert.equal(n, count((r) => pathValues(r, 'userIdentity.type').includes(value)), `facet count of ${value}`);
  }
  const [firstType, firstCount] = values[0];
  await page.locator(`${testid('facet-values')}[data-path="userIdentity.type"] ${testid('facet-value')}[data-value="${firstType}"]`).click();
  let shot = await statIs(firstCount, `after the facet click on ${firstType}`);
  assert.deepEqual(shot.chips, [{ field: 'userIdentity.type', value: firstType, exclude: 'false' }]);
  await page.locator(`${testid('facet-values')}[data-path="userIdentity.type"] ${testid('facet-value-exclude')}`).first().click();
  await clearFilters();

  // Quick filters: toggles and a lookup attribute, each checked against the records.
  const isError = (r) => typeof r.errorCode === 'string' && r.errorCode !== '';
  const isWrite = (r) => r.readOnly === false || r.readOnly === 'false';
  const isService = (r) => r.userIdentity?.type === 'AWSService';
  await page.locator(testid('toggle-errors')).check();
  await statIs(count(isError), 'errors only');
  await page.locator(testid('toggle-writes')).check();
  await statIs(count((r) => isError(r) && isWrite(r)), 'errors and writes only');
  await page.locator(testid('toggle-errors')).uncheck();
  await page.locator(testid('toggle-hide-service')).check();
  await statIs(count((r) => isWrite(r) && !isService(r)), 'writes only, AWS services hidden');
  await clearFilters();
  const someName = expected.top.events[0].key;
  await page.selectOption(testid('lookup-attribute'), 'eventName');
  await page.locator(testid('lookup-value')).fill(someName);
  await page.locator(testid('lookup-value')).press('Enter');
  await statIs(count((r) => r.eventName === someName), `lookup eventName = ${someName}`);
  await clearFilters();

  // Time range: the last hour of the data, then a custom range typed in UTC.
  const times = records.map((r) => parseTime(r.eventTime)).filter((ms) => ms !== null);
  const last = Math.max(...times);
  await page.selectOption(testid('time-range'), '60');
  await statIs(times.filter((ms) => ms > last - 3_600_000 && ms <= last).length, 'last hour of the data');
  await page.selectOption(testid('time-range'), 'custom');
  const from = Math.min(...times) + 3_600_000;
  const to = from + 6 * 3_600_000;
  const typed = (ms) => new Date(ms).toISOString().slice(0, 19);
  await page.locator(testid('time-from')).fill(typed(from));
  await page.locator(testid('time-to')).fill(typed(to));
  await page.locator(testid('time-apply')).click();
  await statIs(times.filter((ms) => ms >= Math.floor(from / 1000) * 1000 && ms < Math.floor(to / 1000) * 1000).length, 'a custom range');
  await page.selectOption(testid('time-range'), 'all');
  await statIs(total, 'all time again');

  // Sort by event name, both ways; the rows in view follow.
  const visibleCells = (column) => page.$$eval(testid('event-row'), (rows, column) => {
    const heads = [...document.querySelectorAll('[data-testid="sort-header"]')].map((head) => head.getAttribute('data-column'));
    const at = heads.indexOf(column) + 1; // the compare box comes first
    return rows
      .map((row) => [Number(row.getAttribute('data-position')), row.children[at]?.textContent ?? ''])
      .sort((a, b) => a[0] - b[0]).map(([, text]) => text);
  }, column);
  await page.locator(`${testid('sort-header')}[data-column="eventName"]`).click();
  const names = records.map((r) => (typeof r.eventName === 'string' ? r.eventName : '')).filter((n) => n !== '').sort(byteOrder);
  let cells = await eventually(() => visibleCells('eventName'), (c) => c[0] === names[0]);
  assert.equal(cells[0], names[0], 'A to Z starts with the first name');
  for (let i = 1; i < cells.length; i += 1) assert.ok(byteOrder(cells[i - 1], cells[i]) <= 0 || cells[i] === '', `ascending at ${i}`);
  await page.locator(`${testid('sort-header')}[data-column="eventName"]`).click();
  cells = await eventually(() => visibleCells('eventName'), (c) => c[0] === names[names.length - 1]);
  assert.equal(cells[0], names[names.length - 1], 'Z to A starts with the last name');

  // Keyboard: ↓ ↓ Enter opens the second row; Esc closes.
  await page.locator(testid('table-viewport')).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const second = await page.getAttribute(`${testid('event-row')}[data-position="1"]`, 'data-event-id');
  await page.locator(`${testid('event-detail')}[data-event-id="${second}"]`).waitFor();
  await page.keyboard.press('Escape');
  await page.locator(testid('event-detail')).waitFor({ state: 'detached' });

  // Click-to-filter inside the record, related events, pivot.
  await page.locator(`${testid('event-row')}[data-position="0"]`).click();
  const openId = await page.getAttribute(`${testid('event-row')}[data-position="0"]`, 'data-event-id');
  const open = records.find((r) => r.eventID === openId);
  await page.locator(`${testid('event-detail')} ${testid('json-value')}[data-path="eventSource"]`).click();
  await statIs(count((r) => r.eventSource === open.eventSource), `click on eventSource ${open.eventSource} in the record`);
  await page.locator(`${testid('event-detail')} ${testid('json-value')}[data-path="awsRegion"]`).click({ modifiers: ['Alt'] });
  await statIs(count((r) => r.eventSource === open.eventSource && r.awsRegion !== open.awsRegion), 'Alt-click excludes the region');
  const related = await page.$$eval(testid('related-link'), (links) => links.map((link) => [link.getAttribute('data-path'), link.getAttribute('data-value'), Number(link.getAttribute('data-count'))]));
  assert.ok(related.length >= 1, 'the opened event has related events');
  for (const [relPath, relValue, relCount] of related) {
    assert.equal(relCount, count((r) => pathValues(r, relPath).includes(relValue)), `related ${relPath}`);
  }
  await page.locator(testid('related-link')).first().click();
  await statIs(related[0][2], `related ${related[0][0]}`);
  const pivotValue = await page.getAttribute(`${testid('event-detail')} ${testid('pivot')} >> nth=0`, 'data-value');
  await page.locator(`${testid('event-detail')} ${testid('pivot')}`).first().click();
  const references = (r) => ['userIdentity', 'resources', 'requestParameters', 'responseElements', 'sourceIPAddress'].some((root) => stringsIn(r[root]).includes(pivotValue))
    || callerOf(r.userIdentity) === pivotValue;
  await statIs(count(references), `pivot on ${pivotValue}`);
  assert.equal(await page.getAttribute(testid('pivot-banner'), 'data-value'), pivotValue);
  await clearFilters();

  // Compare two events: the differing fields are marked.
  await page.locator(`${testid('event-row')}[data-position="0"] ${testid('compare-pick')}`).check();
  await page.locator(`${testid('event-row')}[data-position="1"] ${testid('compare-pick')}`).check();
  await page.locator(testid('compare-open')).click();
  const compared = await page.$$eval(testid('compare-row'), (rows) => rows.map((row) => [row.getAttribute('data-path'), row.getAttribute('data-differs')]));
  assert.equal(compared.find(([p]) => p === 'eventID')?.[1], 'true', 'eventIDs differ');
  assert.equal(compared.find(([p]) => p === 'eventVersion')?.[1] !== undefined, true, 'every field listed');
  await page.keyboard.press('Escape');

  // Export the errors as JSON and CSV; the JSON loads back with the same counts.
  await page.locator(testid('toggle-errors')).check();
  const errors = count(isError);
  await statIs(errors, 'errors only, before export');
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator(testid('export-json')).click()]);
  assert.match(jsonDownload.suggestedFilename(), /^trailview_\d{8}T\d{4}Z-\d{8}T\d{4}Z_\d+-events?\.json$/);
  const exportDir = fs.mkdtempSync(path.join(ARTIFACTS, 'export-'));
  const jsonPath = path.join(exportDir, jsonDownload.suggestedFilename());
  await jsonDownload.saveAs(jsonPath);
  assert.equal(JSON.parse(fs.readFileSync(jsonPath, 'utf8')).Records.length, errors, 'the JSON export holds the selection');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator(testid('export-csv')).click()]);
  const csvPath = path.join(exportDir, csvDownload.suggestedFilename());
  await csvDownload.saveAs(csvPath);
  const csvLines = fs.readFileSync(csvPath, 'utf8').split('\r\n').filter((line) => line !== '');
  assert.equal(csvLines.length, errors + 1, 'CSV: a header and one line per event');
  assert.ok(!csvLines.slice(1).some((line) => /(^|,)[=+\-@]/.test(line)), 'no CSV cell starts a formula');

  await page.locator(testid('clear-button')).click();
  await page.setInputFiles(testid('file-input'), jsonPath);
  await waitForLoad(page, 1);
  shot = await statIs(errors, 'the exported JSON reloaded');
  assert.equal(shot.stats.rejected, 0);

  // URL state: a view with text, a filter, a sort, a column and an open event survives a reload.
  await page.locator(testid('clear-button')).click();
  await uploadFolder(page, TRAIL);
  await waitForLoad(page, listFiles(TRAIL).length);
  await statIs(total, 'reloaded the folder');
  await page.locator(testid('query-input')).fill('-eventName:ConsoleLogin');
  await page.locator(testid('query-input')).press('Enter');
  await page.locator(testid('toggle-errors')).check();
  await page.locator(`${testid('sort-header')}[data-column="caller"]`).click();
  await page.locator(testid('columns-button')).click();
  await page.locator(testid('column-path')).fill('userIdentity.type');
  await page.locator(testid('column-add')).click();
  const want = count((r) => isError(r) && r.eventName !== 'ConsoleLogin');
  await statIs(want, 'the view to share');
  await page.locator(`${testid('event-row')}[data-position="0"]`).click();
  const sharedId = await page.getAttribute(`${testid('event-row')}[data-position="0"]`, 'data-event-id');
  await page.locator(`${testid('event-detail')}[data-event-id="${sharedId}"]`).waitFor();
  const url = await eventually(() => page.url(), (u) => u.includes('event='));
  assert.match(url, /#.*q=/);
  const before = await snapshot(page);
  const heads = await page.$$eval(testid('sort-header'), (items) => items.map((item) => [item.getAttribute('data-column'), item.getAttribute('aria-sort')]));

  await page.goto('about:blank');
  await page.goto(url);
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  await uploadFolder(page, TRAIL);
  await waitForLoad(page, listFiles(TRAIL).length);
  const after = await statIs(want, 'the shared view reopened');
  assert.deepEqual(after.chips, before.chips, 'the same filters');
  assert.deepEqual(after.top, before.top, 'the same top lists');
  assert.equal(await page.locator(testid('query-input')).inputValue(), '-eventName:ConsoleLogin');
  assert.deepEqual(await page.$$eval(testid('sort-header'), (items) => items.map((item) => [item.getAttribute('data-column'), item.getAttribute('aria-sort')])), heads, 'the same columns and order');
  await page.locator(`${testid('event-detail')}[data-event-id="${sharedId}"]`).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'explore.png'), fullPage: false });
  fs.rmSync(exportDir, { recursive: true, force: true });
}));

test('17. local time: the table, the range chip and a typed range follow the browser time zone', { skip, timeout: 2 * TIMEOUT }, async () => {
  // A zone with a half-hour offset and no daylight saving: UTC+05:30 all year.
  const kolkata = await launch({ timezoneId: 'Asia/Kolkata' });
  try {
    const page = await kolkata.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
    const expected = computeExpected(TRAIL);
    const records = expected.records.map((entry) => entry.record);
    await uploadFolder(page, TRAIL);
    await waitForLoad(page, listFiles(TRAIL).length);
    const shift = 330 * 60_000;
    const shown = (ms) => new Date(ms + shift).toISOString().slice(0, 19).replace('T', ' ');
    const firstRow = async () => {
      const id = await page.getAttribute(`${testid('event-row')}[data-position="0"]`, 'data-event-id');
      const text = await page.locator(`${testid('event-row')}[data-position="0"] > span:nth-child(2)`).textContent();
      return { record: records.find((r) => r.eventID === id), text };
    };
    let row = await firstRow();
    assert.equal(row.text, formatTime(parseTime(row.record.eventTime)).replace('T', ' ').replace('Z', ''), 'UTC by default');
    await page.locator('.tv-segmented__item >> text=Local').click();
    assert.equal(await page.getAttribute(testid('time-zone'), 'data-value'), 'local');
    row = await eventually(firstRow, (r) => r.text === shown(parseTime(r.record.eventTime)));
    assert.equal(row.text, shown(parseTime(row.record.eventTime)), 'the first row in UTC+05:30');
    assert.match(await page.locator(`${testid('sort-header')}[data-column="time"]`).textContent(), /local/i);

    // A range typed in local time selects the events of that UTC span.
    const times = records.map((r) => parseTime(r.eventTime)).filter((ms) => ms !== null);
    const from = Math.floor((Math.min(...times) + 3_600_000) / 1000) * 1000;
    const to = from + 4 * 3_600_000;
    const typed = (ms) => new Date(ms + shift).toISOString().slice(0, 19);
    await page.selectOption(testid('time-range'), 'custom');
    await page.locator(testid('time-from')).fill(typed(from));
    await page.locator(testid('time-to')).fill(typed(to));
    await page.locator(testid('time-apply')).click();
    const want = times.filter((ms) => ms >= from && ms < to).length;
    const shot = await eventually(() => snapshot(page), (s) => s.stats.events === want);
    assert.equal(shot.stats.events, want, 'stat-events for a local range');
    const chip = page.locator(`${testid('filter-chip')}[data-field="time"]`);
    assert.match(await chip.textContent(), /UTC\+05:30/);
    assert.equal(await chip.getAttribute('data-value'), `${formatTime(from)}/${formatTime(to)}`);
    kolkata.assertClean();
  } finally {
    await kolkata.close();
  }
});

/** Every string, number or boolean text at a generalised path (`a.b`, `a[].b`) of a record. */
function pathValues(record, generalised) {
  let current = [record];
  for (const step of generalised.split('.')) {
    const many = step.endsWith('[]');
    const name = many ? step.slice(0, -2) : step;
    current = current.flatMap((value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !(name in value)) return [];
      const inner = value[name];
      return many ? (Array.isArray(inner) ? inner : []) : [inner];
    });
  }
  return current.filter((value) => ['string', 'number', 'boolean'].includes(typeof value)).map(String);
}

/** Every string inside a value, nested ones included. */
function stringsIn(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringsIn);
}

/**
 * A corpus of `events` generated events (seed `seed`) under target/e2e-corpus, made once by the
 * project's generator, and the generator's own counts of it.
 */
function generatedCorpus(events, seed, perFile = null) {
  const name = perFile ? `${events}-${seed}-${perFile.min}-${perFile.max}` : `${events}-${seed}`;
  const dir = path.join(REPO, 'target', 'e2e-corpus', name);
  const summaryFile = `${dir}.json`;
  if (!fs.existsSync(summaryFile)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const args = ['run', '--quiet', '--no-default-features', '--bin', 'trailview-gen', '--',
      '--events', String(events), '--seed', String(seed), '--out', dir,
      ...(perFile ? ['--min', String(perFile.min), '--max', String(perFile.max)] : [])];
    const printed = execFileSync('cargo', args, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
    fs.writeFileSync(summaryFile, printed);
  }
  return { dir: path.join(dir, 'AWSLogs'), summary: JSON.parse(fs.readFileSync(summaryFile, 'utf8')) };
}

/** The top 10 of a generator count map, as a top list orders them (count down, then key). */
function topTen(counts) {
  return Object.entries(counts)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || byteOrder(a.key, b.key))
    .slice(0, 10);
}

test('18. 100,000 generated events through the worker pool: the generator\'s totals, a click answered while loading, the same dashboard with 2, 1 and 0 workers', { skip, timeout: 15 * TIMEOUT }, withPage(async (page) => {
  const { dir, summary } = generatedCorpus(100_000, 11);
  assert.equal(summary.events, 100_000);
  const indexAnswers = indexedAnswers(dir);
  const shown = {};
  for (const workers of [2, 1, 0]) {
    // The 144 MB of records' text is past a budget of 48 MB: once it passes it, no text that
    // is in its file is kept, and the index is built from text read again.
    await page.goto(`${session.url}?workers=${workers}&text-budget=48`);
    await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
    await uploadFolder(page, dir);
    if (workers === 2) {
      // While files are still being read, a click on the time-zone switch is answered.
      await page.waitForFunction(() => {
        const progress = document.querySelector('[data-testid="progress"]');
        return progress?.getAttribute('data-state') === 'loading' && Number(progress.getAttribute('data-files-done')) >= 1;
      }, null, { timeout: TIMEOUT });
      const clicked = Date.now();
      await page.locator('.tv-segmented__item >> text=Local').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="time-zone"]')?.getAttribute('data-value') === 'local');
      const answeredMs = Date.now() - clicked;
      const progress = (await snapshot(page)).progress;
      assert.equal(progress.state, 'loading', 'the click was answered before the load ended');
      assert.ok(Number(progress['files-done']) < summary.files, `answered with ${progress['files-done']} of ${summary.files} files read`);
      assert.ok(answeredMs < 1000, `the click was answered in ${answeredMs} ms`);
      await page.locator('.tv-segmented__item >> text=UTC').click();
    }
    await waitForLoad(page, summary.files);
    const shot = await eventually(() => snapshot(page), (s) => s.stats.events === summary.events, 2 * TIMEOUT);
    const label = `${workers} workers`;
    assert.equal(await page.getAttribute(testid('load-summary'), 'data-workers'), String(workers), label);
    const kept = Number(await page.getAttribute(testid('load-summary'), 'data-text-kept'));
    const inFiles = Number(await page.getAttribute(testid('load-summary'), 'data-text-in-files'));
    assert.equal(kept, 0, `${label}: no text kept past the budget`);
    assert.equal(inFiles, summary.events, `${label}: every event's text left in its file`);
    assert.equal(shot.stats.events, summary.events, `${label}: stat-events is the generator's count`);
    assert.equal(shot.stats.errors, summary.errors, `${label}: stat-errors`);
    assert.equal(shot.stats.files, summary.files, `${label}: stat-files`);
    assert.equal(shot.stats.rejected, 0, `${label}: stat-rejected`);
    assert.deepEqual(shot.top.events, topTen(summary.by_event_name), `${label}: top-events`);
    assert.deepEqual(shot.top.services, topTen(summary.by_event_source), `${label}: top-services`);
    assert.deepEqual(shot.top.regions, topTen(summary.by_region), `${label}: top-regions`);
    assert.deepEqual(shot.top.errors, topTen(summary.by_error_code), `${label}: top-errors`);
    assert.equal(shot.span.start, formatTime(summary.first_event_millis), `${label}: first event`);
    assert.equal(shot.span.end, formatTime(summary.last_event_millis), `${label}: last event`);
    assert.equal(shot.buckets.reduce((sum, bucket) => sum + bucket.count, 0), summary.events, `${label}: timeline sum`);
    // The field index, built by the workers (in parts merged on the page) or by the page alone,
    // lists the same fields and answers queries as counted here from the files.
    await page.waitForFunction((events) => {
      const facets = document.querySelector('[data-testid="facets"]');
      return Number(facets?.getAttribute('data-total')) === events && facets.getAttribute('data-indexed') === facets.getAttribute('data-total');
    }, summary.events, { timeout: 6 * TIMEOUT });
    assert.equal(await page.getAttribute(testid('facets'), 'data-indexed-by'), workers > 0 ? 'workers' : 'page', `${label}: who indexed`);
    const fields = await page.$$eval(testid('facet-field'), (items) => items.map((item) => `${item.getAttribute('data-path')} ${item.getAttribute('data-events')}`));
    assert.ok(fields.length > 50, `${label}: ${fields.length} fields listed`);
    for (const [wanted, held] of Object.entries(indexAnswers.fields)) {
      assert.ok(fields.includes(`${wanted} ${held}`), `${label}: facet ${wanted} with ${held} events`);
    }
    const input = page.locator(testid('query-input'));
    for (const [text, want] of Object.entries(indexAnswers.queries)) {
      await input.fill(text);
      await input.press('Enter');
      const counted = await eventually(() => page.getAttribute(testid('query-count'), 'data-value'), (value) => Number(value) === want);
      assert.equal(Number(counted), want, `${label}: ${text}`);
    }
    await input.press('Escape');
    shown[workers] = { stats: shot.stats, top: shot.top, span: shot.span, buckets: shot.buckets, fields };
  }
  assert.deepEqual(shown[1], shown[2], 'every total, top list, histogram and field: 1 worker as 2');
  assert.deepEqual(shown[0], shown[2], 'every total, top list, histogram and field: the page alone as 2 workers');
}));

/**
 * What the field index must answer for the records of `dir`, counted here: the events holding
 * a few nested fields, and a few queries' counts (free text, a wildcard on a nested field, an
 * array element, a negation).
 */
function indexedAnswers(dir) {
  const records = listFiles(dir).flatMap((file) => JSON.parse(gunzipSync(fs.readFileSync(path.join(dir, file)))).Records);
  const count = (predicate) => records.filter(predicate).length;
  const anyString = (value, needle) => {
    if (value === null || value === undefined || typeof value === 'boolean') return false;
    if (typeof value === 'object') return Object.values(value).some((inner) => anyString(inner, needle));
    return String(value).toLowerCase().includes(needle);
  };
  const fields = {};
  for (const wanted of ['requestParameters.bucketName', 'resources[].ARN', 'userIdentity.sessionContext.sessionIssuer.arn', 'tlsDetails.cipherSuite']) {
    fields[wanted] = count((r) => pathValues(r, wanted).length > 0);
  }
  const queries = {
    terraform: count((r) => anyString(r, 'terraform')),
    '{ $.requestParameters.bucketName = "*" }': count((r) => typeof r.requestParameters?.bucketName === 'string'),
    '{ $.resources[0].ARN = "arn:aws:s3*" }': count((r) => typeof r.resources?.[0]?.ARN === 'string' && r.resources[0].ARN.startsWith('arn:aws:s3')),
    '-errorCode:*': count((r) => r.errorCode === undefined || r.errorCode === null || typeof r.errorCode === 'object'),
  };
  return { fields, queries };
}

test('19. loading stops at the memory budget: the files after it are listed as not read, what loaded stays usable, and Clear makes room again', { skip, timeout: 6 * TIMEOUT }, withPage(async (page) => {
  const { dir, summary } = generatedCorpus(100_000, 11);
  // A budget the corpus passes part-way (the page holds about 1 KB per event).
  await page.goto(`${session.url}?workers=2&memory-budget=48`);
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  await uploadFolder(page, dir);
  await waitForLoad(page, summary.files);
  const stopped = page.locator(testid('load-stopped'));
  await stopped.waitFor({ state: 'visible' });
  const notRead = Number(await stopped.getAttribute('data-not-read'));
  assert.equal(await stopped.textContent(), `Stopped at the memory budget: ${notRead} files not read`);
  const shot = await eventually(() => snapshot(page), (s) => s.rows.length === summary.files);
  assert.equal(shot.rows.length, summary.files, 'every file is listed, read or not');
  const skipped = shot.rows.filter((row) => row.status === 'skipped');
  const read = shot.rows.filter((row) => row.status !== 'skipped');
  assert.ok(notRead > 0 && read.length > 0, `${read.length} files read, ${notRead} not read`);
  assert.equal(skipped.length, notRead, 'the notice counts the files listed as not read');
  for (const row of skipped) {
    assert.match(row.message, /^not read: the page's memory budget for loading was reached \(.* in use, budget 48\.0 MB\)/, row.file);
    assert.equal(Number(row.read), 0, `${row.file} holds no records`);
  }
  const ledger = page.locator(testid('ledger'));
  assert.equal(Number(await ledger.getAttribute('data-not-read')), notRead);
  assert.match(await ledger.textContent(), new RegExp(` · ${notRead} not read$`));
  const sum = (rows, key) => rows.reduce((total, row) => total + Number(row[key]), 0);
  assert.equal(shot.stats.events, sum(read, 'events'), 'stat-events is what the read files hold');
  assert.ok(shot.stats.events > 0 && shot.stats.events < summary.events, `${shot.stats.events} of ${summary.events} events loaded`);
  assert.equal(sum(read, 'read'), sum(read, 'events') + sum(read, 'duplicates') + sum(read, 'rejected'), 'the ledger balances');
  assert.ok(await page.locator(testid('load-stopped')).evaluate((el) => el.title.includes('in another tab')));

  // What was loaded answers a click.
  const { key, count } = shot.top.events[0];
  await page.locator(`${testid('top-events')} ${testid('top-item')}[data-key=${JSON.stringify(key)}]`).click();
  const filtered = await eventually(() => snapshot(page), (s) => s.stats.events === count);
  assert.equal(filtered.stats.events, count, `choosing ${key} selects its ${count} events`);

  // Clear frees what was held: the same budget now admits a small trail whole.
  await page.click(testid('clear-button'));
  await eventually(() => snapshot(page), (s) => s.rows.length === 0);
  const expected = computeExpected(TRAIL);
  await uploadFolder(page, TRAIL);
  const again = await loadAndSettle(page, expected, listFiles(TRAIL).length);
  assert.equal(again.stats.events, expected.totals.events, 'after Clear the trail loads whole');
  assert.equal(again.rows.filter((row) => row.status === 'skipped').length, 0);
  assert.equal(await page.locator(testid('load-stopped')).count(), 0, 'no notice once a load fits');

  // A large file read on the page, slice by slice, ends where the budget is passed and keeps
  // what it read.
  const n = 120_000;
  const { file } = largeTrail(n);
  await page.goto(`${session.url}?workers=2&memory-budget=30`);
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  await page.setInputFiles(testid('file-input'), file);
  await waitForLoad(page, 1);
  await page.locator(testid('load-stopped')).waitFor({ state: 'visible' });
  const cut = await eventually(() => snapshot(page), (s) => s.rows.length === 1 && s.stats.events > 0);
  const [row] = cut.rows;
  assert.equal(row.status, 'partial', row.message);
  assert.match(row.message, /^loading stopped at byte \d+ of this file: the page's memory budget for loading was reached/);
  assert.ok(Number(row.events) > 0 && Number(row.events) < n, `${row.events} of ${n} events kept`);
  assert.equal(cut.stats.events, Number(row.events), 'stat-events is what the file gave before it stopped');
  assert.equal(await page.locator(testid('load-stopped')).textContent(), 'Stopped at the memory budget: the last file read in part');
}));

test('20. a folder of thousands of small files (as trails are written, every five minutes) loads through the worker pool, and the Files card lists them a page at a time', { skip, timeout: 6 * TIMEOUT }, withPage(async (page) => {
  const { dir, summary } = generatedCorpus(20_000, 5, { min: 5, max: 15 });
  assert.ok(summary.files > 1500, `${summary.files} files`);
  const zlib = await import('node:zlib');
  const perFile = listFiles(dir).map((file) => ({
    file: `AWSLogs/${file}`,
    records: JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, file)))).Records.length,
  }));
  const sizes = Object.fromEntries(perFile.map(({ file }) => [file, fs.statSync(path.join(dir, file.slice('AWSLogs/'.length))).size]));
  const allBytes = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  // The page alone reads them too, learning the sizes it did not ask for when they were chosen.
  await page.goto(`${session.url}?workers=0`);
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  await uploadFolder(page, dir);
  await waitForLoad(page, summary.files);
  const alone = await eventually(() => snapshot(page), (s) => s.stats.events === summary.events);
  assert.equal(alone.stats.events, summary.events, 'the page alone: stat-events');
  assert.equal(Number(await page.getAttribute(testid('load-summary'), 'data-bytes')), allBytes, 'the page alone: bytes read');

  await page.goto(`${session.url}?workers=2`);
  await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
  await uploadFolder(page, dir);
  await waitForLoad(page, summary.files);
  const shot = await eventually(() => snapshot(page), (s) => s.stats.events === summary.events);
  assert.deepEqual(shot.stats, alone.stats, 'the same totals with 2 workers as on the page alone');
  // More files than have their size asked when chosen: the rest are learned as they are read.
  assert.equal(Number(await page.getAttribute(testid('load-summary'), 'data-bytes')), allBytes, 'bytes read');
  assert.equal(shot.stats.events, summary.events, "stat-events is the generator's count");
  assert.equal(shot.stats.files, summary.files, 'stat-files');
  assert.equal(shot.stats.errors, summary.errors, 'stat-errors');
  assert.deepEqual(shot.top.events, topTen(summary.by_event_name), 'top-events');
  assert.equal(await page.getAttribute(testid('load-summary'), 'data-workers'), '2');
  const ledger = page.locator(testid('ledger'));
  assert.equal(Number(await ledger.getAttribute('data-read')), summary.events, 'every record read is in the ledger');

  // A page of rows, and how many there are.
  assert.equal(shot.rows.length, 200, 'the Files card draws 200 rows');
  const more = page.locator(testid('files-more'));
  assert.equal(Number(await more.getAttribute('data-matching')), summary.files);
  assert.equal(Number(await more.getAttribute('data-shown')), 200);
  // Sorted by events, the first rows are the largest files, whichever page they were on.
  await page.locator(`${testid('sort-files')}[data-column="events"]`).click();
  const sorted = await eventually(() => snapshot(page), (s) => s.rows.length === 200 && Number(s.rows[0].events) === Math.max(...perFile.map((f) => f.records)));
  const counts = perFile.map((f) => f.records).sort((a, b) => b - a).slice(0, 200);
  assert.deepEqual(sorted.rows.map((row) => Number(row.events)), counts, 'the 200 largest files, largest first');
  // A file found by name shows its own records.
  const wanted = perFile[perFile.length - 1];
  await page.locator(testid('file-search')).fill(path.basename(wanted.file).slice(-20));
  const found = await eventually(() => snapshot(page), (s) => s.rows.length === 1);
  assert.equal(found.rows.length, 1, 'one file matches its own name');
  assert.equal(found.rows[0].file, wanted.file);
  assert.equal(Number(found.rows[0].events), wanted.records);
  assert.equal(Number(await page.locator(testid('file-row')).getAttribute('data-size')), sizes[wanted.file], 'its size, learned by the worker');
  assert.equal(await more.count(), 0, 'no "showing" line when every match is drawn');
  await page.locator(testid('file-search')).fill('');
  await page.locator(testid('problems-only')).check();
  const problems = await eventually(() => snapshot(page), (s) => s.rows.length === 0);
  assert.equal(problems.rows.length, 0, 'no problem files');
  console.log(`small files: ${summary.events} events in ${summary.files} files loaded in ${await page.getAttribute(testid('load-summary'), 'data-ms')} ms`);
}));

test('21. the error-rate chart is scaled to its busiest bucket: a round ceiling, bars to scale, the overall rate drawn', { skip, timeout: 2 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  await uploadFolder(page, TRAIL);
  await loadAndSettle(page, expected, listFiles(TRAIL).length);
  const CEILINGS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1];
  const chart = () => page.evaluate(() => {
    const rate = document.querySelector('[data-testid="error-rate"]');
    const line = rate.querySelector('[data-testid="error-rate-mean"]');
    return {
      ceiling: Number(rate.getAttribute('data-ceiling')),
      label: rate.querySelector('[data-testid="error-rate-ceiling"]').textContent,
      mean: Number(line.getAttribute('y1')),
      path: rate.querySelector('[data-testid="error-rate-path"]').getAttribute('d'),
      buckets: [...document.querySelectorAll('[data-testid="timeline-bucket"]')].map((bucket) => ({
        start: bucket.getAttribute('data-start'),
        count: Number(bucket.getAttribute('data-count')),
        errors: Number(bucket.getAttribute('data-errors')),
      })),
      events: Number(document.querySelector('[data-testid="stat-events"]').getAttribute('data-value')),
      errors: Number(document.querySelector('[data-testid="stat-errors"]').getAttribute('data-value')),
    };
  });
  const check = (read, what) => {
    // The chart draws the timeline's buckets.
    const buckets = read.buckets.map(({ count, errors }, position) => ({ count, errors, position })).filter(({ count }) => count > 0);
    // A bar of no height draws nothing; each other bucket with events has its bar, in order.
    const drawn = pathBars(read.path);
    const tall = buckets.filter(({ errors }) => errors > 0);
    assert.equal(drawn.length, tall.length, `${what}: a bar for every bucket with errors`);
    const slot = 1000 / read.buckets.length;
    tall.forEach((bucket, n) => assert.ok(Math.abs(drawn[n].x - bucket.position * slot) < 0.002, `${what}: bar ${n} is its bucket's`));
    const shown = { ...read, bars: buckets.map((bucket) => ({ ...bucket, height: 0, y: 100 })) };
    tall.forEach((bucket, n) => Object.assign(shown.bars[buckets.indexOf(bucket)], { height: drawn[n].height, y: drawn[n].y }));
    const peak = Math.max(...shown.bars.map((bar) => bar.errors / bar.count));
    const ceiling = CEILINGS.find((top) => peak <= top);
    assert.equal(shown.ceiling, ceiling, `${what}: the ceiling is the least round rate at or above the peak ${peak}`);
    assert.equal(shown.label, `${Math.round(ceiling * 100)}%`, `${what}: the ceiling is labelled`);
    for (const bar of shown.bars) {
      const height = (bar.errors / bar.count / ceiling) * 100;
      assert.ok(Math.abs(bar.height - height) < 0.002 && Math.abs(bar.y + bar.height - 100) < 0.002, `${what}: bar ${JSON.stringify(bar)} is drawn to scale`);
    }
    assert.ok(Math.max(...shown.bars.map((bar) => bar.height)) >= 40, `${what}: the busiest bar fills at least 40% of the chart`);
    assert.ok(Math.abs(shown.mean - (100 - (shown.errors / shown.events / ceiling) * 100)) < 1e-6, `${what}: the overall rate's line`);
  };
  const all = await chart();
  assert.equal(all.errors, expected.totals.errors, 'the fixture has errors');
  assert.ok(all.errors > 0 && all.errors < all.events, 'and calls that did not fail');
  check(all, 'every event');
  // Pointing at a bar says its bucket's rate.
  const worst = all.buckets.reduce((best, { count, errors }, position) =>
    (count > 0 && errors / count > (best.rate ?? -1) ? { rate: errors / count, position } : best), {}).position;
  const box = await page.locator(testid('error-rate')).boundingBox();
  await page.mouse.move(box.x + ((worst + 0.5) / all.buckets.length) * box.width, box.y + box.height / 2);
  const { start, count, errors } = all.buckets[worst];
  assert.equal(await page.locator(testid('error-rate-readout')).textContent(),
    `${start.replace('T', ' ').replace('Z', '')} · ${(100 * errors / count).toFixed(1)}% error rate (${errors} of ${count})`);
  await page.mouse.move(0, 0);
  assert.ok(all.ceiling < 1, `a partial error rate is not drawn against 100% (ceiling ${all.ceiling})`);

  await page.locator(testid('toggle-errors')).check();
  const failed = await eventually(chart, (shown) => shown.events === all.errors);
  check(failed, 'errors only');
  assert.equal(failed.ceiling, 1, 'only errors: every bucket fails every call');
  assert.ok(pathBars(failed.path).every((bar) => bar.height === 100 && bar.y === 0), 'so every bar is full');
}));

test('22. records\' text past the budget stays in the files: the same figures and answers, and the detail, comparison and export read it again', { skip, timeout: 6 * TIMEOUT }, withPage(async (page) => {
  const expected = computeExpected(TRAIL);
  const records = expected.records.map((entry) => entry.record);
  const originals = new Set(records.map(canonical));
  const count = (predicate) => records.filter((record) => predicate(record)).length;
  const anyString = (value, needle) => {
    if (value === null || value === undefined || typeof value === 'boolean') return false;
    if (typeof value === 'object') return Object.values(value).some((inner) => anyString(inner, needle));
    return String(value).toLowerCase().includes(needle);
  };
  const queries = {
    '{ $.userIdentity.type = "IAMUser" }': count((r) => r.userIdentity?.type === 'IAMUser'),
    'requestParameters.bucketName:*': count((r) => typeof r.requestParameters?.bucketName === 'string'),
    alice: count((r) => anyString(r, 'alice')),
    '-errorCode:*': count((r) => r.errorCode === undefined || r.errorCode === null || typeof r.errorCode === 'object'),
  };
  const detailJson = (eventId) => eventually(
    () => page.evaluate(() => document.querySelector('[data-testid="event-detail"]')?.textContent ?? ''),
    (value) => {
      try {
        return JSON.parse(value.trim()).eventID === eventId;
      } catch {
        return false;
      }
    },
  );
  // With a budget of 0 every record's text is left in its file (the zip's entries aside), read
  // by the workers and by the page alone.
  for (const workers of [2, 0]) {
    const label = `${workers} workers, text-budget=0`;
    await page.goto(`${session.url}?workers=${workers}&text-budget=0`);
    await page.locator(testid('demo-button')).waitFor({ state: 'visible' });
    await uploadFolder(page, TRAIL);
    const shot = await loadAndSettle(page, expected, listFiles(TRAIL).length);
    assert.deepEqual(figures(shot), predicted(expected), label);
    checkRows(shot.rows, expected, 'trail/');
    const summary = page.locator(testid('load-summary'));
    assert.equal(await summary.getAttribute('data-text-in-files'), String(expected.totals.events), `${label}: every event's text is in its file`);
    assert.equal(await summary.getAttribute('data-text-kept'), '0', `${label}: no text kept`);

    // The detail panel reads the record again from its file: the record as the file holds it.
    const rows = page.locator(testid('event-row'));
    const ids = [];
    for (const position of [0, 3]) {
      const row = rows.nth(position);
      const eventId = await row.getAttribute('data-event-id');
      await row.click();
      const text = await detailJson(eventId);
      const shown = JSON.parse(text.trim());
      assert.ok(originals.has(canonical(shown)), `${label}: event ${eventId} is the record in its file`);
      await page.locator(testid('compare-add')).click();
      ids.push(eventId);
    }
    // The comparison reads both records.
    await page.locator(testid('compare-open')).click();
    const compared = await eventually(
      () => page.$$eval(testid('compare-row'), (items) => items.map((row) => [row.getAttribute('data-path'), row.getAttribute('data-differs')])),
      (items) => items.some(([p]) => p === 'eventID'),
    );
    assert.equal(compared.find(([p]) => p === 'eventID')?.[1], ids[0] === ids[1] ? 'false' : 'true', `${label}: compared eventIDs`);
    assert.ok(compared.length > 10, `${label}: every field compared (${compared.length})`);
    await page.keyboard.press('Escape');

    // Queries that need the field index: answered alike once it is built from the files.
    await page.waitForFunction(() => {
      const facets = document.querySelector('[data-testid="facets"]');
      return facets && Number(facets.getAttribute('data-total')) > 0 && facets.getAttribute('data-indexed') === facets.getAttribute('data-total');
    }, null, { timeout: TIMEOUT });
    const input = page.locator(testid('query-input'));
    for (const [text, want] of Object.entries(queries)) {
      await input.fill(text);
      await input.press('Enter');
      const counted = await eventually(() => page.getAttribute(testid('query-count'), 'data-value'), (value) => Number(value) === want);
      assert.equal(Number(counted), want, `${label}: ${text}`);
      assert.equal(await page.locator(testid('query-unsearched')).count(), 0, `${label}: ${text} left nothing out`);
    }
    await input.press('Escape');

    // Export reads every record again: the file holds exactly the records loaded.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(testid('export-json')).click()]);
    const exportDir = fs.mkdtempSync(path.join(ARTIFACTS, 'export-'));
    const saved = path.join(exportDir, download.suggestedFilename());
    await download.saveAs(saved);
    const exported = JSON.parse(fs.readFileSync(saved, 'utf8')).Records;
    assert.equal(exported.length, expected.totals.events, `${label}: every event exported`);
    assert.ok(exported.every((record) => originals.has(canonical(record))), `${label}: each as its file holds it`);
    fs.rmSync(exportDir, { recursive: true, force: true });
  }
}));
