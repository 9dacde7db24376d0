// The harness itself: serves a throwaway page, drives Chromium, and catches the problems the
// browser tests rely on it to catch (page errors, console errors, requests to other origins).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch } from './harness.mjs';

let root;
let session;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'trailview-harness-'));
  // The smallest valid wasm module: magic and version.
  fs.writeFileSync(path.join(root, 'empty.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(root, 'app.js'), `
    const { instance } = await WebAssembly.instantiateStreaming(fetch('./empty.wasm'));
    document.querySelector('#status').textContent = instance ? 'ready' : 'no';
    document.querySelector('#fail').addEventListener('click', () => console.error('deliberate'));
    document.querySelector('#throw').addEventListener('click', () => { setTimeout(() => { throw new Error('thrown'); }); });
    document.querySelector('#away').addEventListener('click', () => { fetch('http://192.0.2.1:9/x').catch(() => {}); });
    for (const what of ['fail', 'throw', 'away']) {
      document.querySelector('#worker-' + what).addEventListener('click', () => new Worker('./worker.js').postMessage(what));
    }
  `);
  fs.writeFileSync(path.join(root, 'worker.js'), `
    onmessage = ({ data }) => {
      if (data === 'fail') console.error('worker deliberate');
      if (data === 'throw') setTimeout(() => { throw new Error('worker thrown'); });
      if (data === 'away') fetch('http://198.51.100.1:9/from-worker').catch(() => {});
    };
  `);
  fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
    <title>harness check</title><script type="module" src="./app.js"></script></head>
    <body><p id="status">loading</p><button id="fail">fail</button><button id="throw">throw</button>
    <button id="away">away</button><button id="worker-fail">wf</button><button id="worker-throw">wt</button>
    <button id="worker-away">wa</button><input type="file" id="file" multiple></body></html>`);
  session = await launch({ root });
});

after(async () => {
  await session?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/**
 * A fresh tab whose script has attached its handlers (they come after an awaited wasm load).
 * What earlier tabs reported (they are closed by now) is forgotten.
 */
async function readyPage() {
  const page = await session.newPage();
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'ready');
  session.problems.length = 0;
  session.requests.length = 0;
  return page;
}

/** Waits (up to 10 s) until a problem or a foreign request the harness has seen matches `pattern`. */
async function untilSeen(pattern) {
  const seen = () => [...session.problems, ...session.foreignRequests()].some((line) => pattern.test(line));
  const deadline = Date.now() + 10_000;
  while (!seen() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

test('serves the page, its module and wasm (application/wasm) to Chromium', async () => {
  const page = await session.newPage();
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'ready');
  assert.equal(await page.title(), 'harness check');
  const wasm = await page.evaluate(async () => (await fetch('./empty.wasm')).headers.get('content-type'));
  assert.equal(wasm, 'application/wasm');
  const js = await page.evaluate(async () => (await fetch('./app.js')).headers.get('content-type'));
  assert.match(js, /^text\/javascript/);
  assert.equal(page.viewportSize().width, 1440);
  await page.setInputFiles('#file', { name: 'a.json', mimeType: 'application/json', buffer: Buffer.from('{}') });
  session.assertClean();
});

test('catches console errors', async () => {
  const page = await readyPage();
  await page.click('#fail');
  await untilSeen(/deliberate/);
  assert.throws(() => session.assertClean(), /console error: deliberate/);
});

test('catches uncaught page errors', async () => {
  const page = await readyPage();
  await page.click('#throw');
  await untilSeen(/thrown/);
  assert.throws(() => session.assertClean(), /pageerror: .*thrown/);
});

test('catches requests that leave the server origin', async () => {
  const page = await readyPage();
  await page.click('#away');
  await untilSeen(/192\.0\.2\.1/);
  session.problems.length = 0; // the failed fetch may also log a console error
  assert.throws(() => session.assertClean(), /request outside .*192\.0\.2\.1/);
});

test('catches console errors, uncaught errors and foreign requests inside Web Workers', async () => {
  const page = await readyPage();
  await page.click('#worker-fail');
  await untilSeen(/worker deliberate/);
  assert.throws(() => session.assertClean(), /console error: worker deliberate/);
  await page.click('#worker-throw');
  await untilSeen(/worker thrown/);
  assert.throws(() => session.assertClean(), /pageerror: .*worker thrown/);
  await page.click('#worker-away');
  await untilSeen(/198\.51\.100\.1/);
  session.problems.length = 0;
  assert.throws(() => session.assertClean(), /request outside .*198\.51\.100\.1/);
});
