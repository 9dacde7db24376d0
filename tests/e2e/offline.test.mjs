// Offline and hosted: the single-file build works from disk, a build for a sub-path works under
// that path, the hosted page works with the server gone after one visit, and no session ever
// sends a request beyond the page's own origin (or, from disk, beyond its own file).
//
// Environment:
//   TRAILVIEW_DIST           the built page (default: <repo>/dist; its trailview.html is the single file)
//   TRAILVIEW_SUBPATH_DIST   a build made with --public-url /trailview/ (default: <repo>/target/dist-subpath)
//   TRAILVIEW_E2E_REQUIRED=1 fail instead of skipping when a build is missing

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, FIXTURES, REPO, distDir, launch } from './harness.mjs';
import { computeExpected, listFiles } from './oracle.mjs';

const required = process.env.TRAILVIEW_E2E_REQUIRED === '1';
const SINGLE_FILE = path.join(distDir(), 'trailview.html');
const SUBPATH_DIST = path.resolve(process.env.TRAILVIEW_SUBPATH_DIST || path.join(REPO, 'target', 'dist-subpath'));
const TRAIL = path.join(FIXTURES, 'trail');
const TIMEOUT = 60_000;
const testid = (id) => `[data-testid="${id}"]`;

const skipUnless = (file) => (fs.existsSync(file) || required ? false : `${file} is missing (release build not made)`);

/** Loads the trail fixture folder through the folder input and checks the headline figures. */
async function loadTrailFolder(page) {
  const expected = computeExpected(TRAIL);
  await page.locator(testid('demo-button')).waitFor();
  await page.setInputFiles(testid('folder-input'), TRAIL);
  await page.waitForSelector(`${testid('progress')}[data-state="done"][data-files-total="${listFiles(TRAIL).length}"]`, { timeout: TIMEOUT });
  await page.waitForFunction((n) => document.querySelector('[data-testid="stat-events"]')?.getAttribute('data-value') === String(n), expected.totals.events);
  const value = (id) => page.getAttribute(testid(id), 'data-value').then(Number);
  assert.equal(await value('stat-events'), expected.totals.events, 'stat-events');
  assert.equal(await value('stat-errors'), expected.totals.errors, 'stat-errors');
  assert.equal(await value('stat-duplicates'), expected.totals.duplicates, 'stat-duplicates');
  assert.equal(await page.locator(testid('file-row')).count(), listFiles(TRAIL).length, 'one row per file');
  return expected;
}

/** A whole session: load a folder, filter by a click, open an event, clear the filter. */
async function wholeSession(page) {
  const expected = await loadTrailFolder(page);
  const top = page.locator(`${testid('top-events')} ${testid('top-item')}`).first();
  const count = Number(await top.getAttribute('data-count'));
  await top.click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="stat-events"]')?.getAttribute('data-value') === String(n), count);
  await page.locator(testid('event-row')).first().click();
  const json = JSON.parse(await page.locator(`${testid('event-detail')}`).innerText());
  assert.ok(json.eventID, 'the opened event has an eventID');
  await page.locator(testid('filter-chip-remove')).first().click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="stat-events"]')?.getAttribute('data-value') === String(n), expected.totals.events);
}

test('the single file works from file:// and requests nothing but itself', { skip: skipUnless(SINGLE_FILE), timeout: 2 * TIMEOUT }, async () => {
  const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'trailview-file-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.TRAILVIEW_CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 },
  });
  const problems = [];
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
    const url = pathToFileURL(SINGLE_FILE).href;
    const started = Date.now();
    await page.goto(url);
    await page.locator(testid('demo-button')).waitFor({ timeout: TIMEOUT });
    const readyMs = Date.now() - started;
    await wholeSession(page);
    // Drag and drop works from disk too: the single fixture files, dropped, join what is loaded.
    const single = path.join(FIXTURES, 'single');
    const dropped = listFiles(single).map((file) => ({ name: path.basename(file), bytes: [...fs.readFileSync(path.join(single, file))] }));
    const before = Number(await page.getAttribute(testid('ledger'), 'data-read'));
    await page.evaluate((files) => {
      const transfer = new DataTransfer();
      for (const { name, bytes } of files) transfer.items.add(new File([new Uint8Array(bytes)], name));
      document.querySelector('[data-testid="drop-zone"]').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, dropped);
    const expectedSingle = computeExpected(single);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="ledger"]')?.getAttribute('data-read')) === n,
      before + expectedSingle.totals.read,
    );
    await page.click(testid('demo-button'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="ledger"]')?.getAttribute('data-read')) > 1000);
    assert.deepEqual(problems, [], 'no page or console errors');
    const foreign = requests.filter((request) => request !== url && !request.startsWith('data:') && !request.startsWith('blob:'));
    assert.deepEqual(foreign, [], 'the single file requests nothing but itself');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /connect-src 'none'/, 'the single file forbids every connection');
    console.log(`single file: ${fs.statSync(SINGLE_FILE).size} bytes, ready in ${readyMs} ms from file://`);
  } finally {
    await context.close();
    await fsp.rm(profile, { recursive: true, force: true });
  }
});

test('a browser without WebAssembly SIMD runs the baseline build, served and from file://', { skip: skipUnless(SINGLE_FILE), timeout: 3 * TIMEOUT }, async () => {
  const baseline = fs.readdirSync(distDir()).filter((name) => /^trailview-baseline-[0-9a-f]+_bg\.wasm$/.test(name));
  assert.equal(baseline.length, 1, `one baseline build in ${distDir()}: ${baseline}`);
  // Served, as every current browser sees it: the SIMD build, and the baseline one never fetched.
  const session = await launch();
  try {
    let page = await session.newPage();
    await page.locator(testid('demo-button')).waitFor();
    assert.equal(await page.getAttribute('html', 'data-wasm'), 'simd', 'the page runs the SIMD build');
    assert.ok(!session.requests.some((url) => url.endsWith(baseline[0])), 'the baseline build is not fetched');
    session.assertClean();
    // A browser that refuses SIMD (as WebAssembly.validate answers there) gets the baseline
    // build, and its workers run the same module.
    await session.context.addInitScript(() => { WebAssembly.validate = () => false; });
    page = await session.newPage();
    await loadTrailFolder(page);
    assert.equal(await page.getAttribute('html', 'data-wasm'), 'baseline', 'the page runs the baseline build');
    assert.ok(session.requests.some((url) => url.endsWith(`/${baseline[0]}`)), 'the baseline build is fetched');
    assert.ok(Number(await page.getAttribute(testid('load-facts'), 'data-workers')) > 0, 'the pool\'s workers read the files');
    session.assertClean();
  } finally {
    await session.close();
  }
  // The single file carries both builds and picks the same way.
  for (const [refuse, build] of [[false, 'simd'], [true, 'baseline']]) {
    const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'trailview-file-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.TRAILVIEW_CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    });
    try {
      if (refuse) await context.addInitScript(() => { WebAssembly.validate = () => false; });
      const page = await context.newPage();
      await page.goto(pathToFileURL(SINGLE_FILE).href);
      await loadTrailFolder(page);
      assert.equal(await page.getAttribute('html', 'data-wasm'), build, `the single file runs the ${build} build`);
    } finally {
      await context.close();
      await fsp.rm(profile, { recursive: true, force: true });
    }
  }
});

test('a build for /trailview/ works under that sub-path and sends nothing elsewhere', { skip: skipUnless(path.join(SUBPATH_DIST, 'index.html')), timeout: 2 * TIMEOUT }, async () => {
  const session = await launch({ root: SUBPATH_DIST, prefix: '/trailview/' });
  try {
    const page = await session.newPage();
    await wholeSession(page);
    const outside = session.requests.filter((url) => !url.startsWith(`${session.server.origin}/trailview/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(outside, [], 'every request stays under /trailview/');
    session.assertClean();
  } finally {
    await session.close();
  }
});

test('the hosted page keeps working after one visit when the server is gone', { skip: skipUnless(path.join(distDir(), 'index.html')), timeout: 2 * TIMEOUT }, async () => {
  const session = await launch();
  try {
    const page = await session.newPage();
    await page.locator(testid('demo-button')).waitFor();
    // The service worker has cached the page and every asset it names.
    await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.ready;
      if (!registration.active) return false;
      const cache = await caches.open('trailview-v1');
      const keys = (await cache.keys()).map((request) => request.url);
      return keys.some((url) => url.endsWith('.wasm')) && keys.some((url) => url.endsWith('.js')) && keys.some((url) => url.endsWith('/'));
    }, null, { timeout: TIMEOUT, polling: 200 });
    session.assertClean();
    await session.server.close();
    await page.reload();
    await page.locator(testid('demo-button')).waitFor({ timeout: TIMEOUT });
    await loadTrailFolder(page);
  } finally {
    await session.close();
  }
});

test('a whole served session sends no request beyond the page origin', { skip: skipUnless(path.join(distDir(), 'index.html')), timeout: 2 * TIMEOUT }, async () => {
  const session = await launch();
  try {
    const page = await session.newPage();
    await wholeSession(page);
    assert.ok(session.requests.length > 0, 'requests were recorded');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    session.assertClean();
  } finally {
    await session.close();
  }
});
