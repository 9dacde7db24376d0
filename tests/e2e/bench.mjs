// Load benchmark through the real page: the built-in demo, the public corpus's real 55-file
// trail folder (when TRAILVIEW_CORPUS is set) and a generated 100,000-event file, each loaded
// RUNS times in a fresh tab of the release build in headless Chromium. Reports the median load
// time (first file read to last commit, as the page measures it) and events per second, as a
// table and as JSON. Not a test: numbers vary with the machine; compare ratios within one run.
//
//   npm run bench            (RUNS=5 by default; set RUNS to change)

import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from './harness.mjs';

const RUNS = Number(process.env.RUNS || 5);
const corpus = process.env.TRAILVIEW_CORPUS && path.join(process.env.TRAILVIEW_CORPUS, 'invictus-aws-dataset', 'CloudTrail');

function generated(n) {
  const base = Date.parse('2024-01-01T00:00:00Z');
  const names = ['GetObject', 'PutObject', 'AssumeRole', 'DescribeInstances', 'Decrypt', 'ListBuckets'];
  const records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.09', eventID: `bench-${i}`, eventTime: new Date(base + i * 8000).toISOString().replace('.000Z', 'Z'),
    eventSource: 's3.amazonaws.com', eventName: names[i % names.length], awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${i % 200}`, userIdentity: { type: 'IAMUser', userName: `user${i % 50}` },
    ...(i % 17 === 0 ? { errorCode: 'AccessDenied' } : {}),
  }));
  const json = JSON.stringify({ Records: records });
  return { buffer: gzipSync(json, { level: 6 }), jsonBytes: Buffer.byteLength(json) };
}

const cases = [{ name: 'demo', load: (page) => page.click('[data-testid="demo-button"]') }];
if (corpus && fs.existsSync(corpus)) {
  cases.push({ name: 'corpus (invictus, 55 files)', load: (page) => page.setInputFiles('[data-testid="folder-input"]', corpus) });
}
const big = generated(100_000);
cases.push({
  name: 'generated 100k (1 file)',
  load: (page) => page.setInputFiles('[data-testid="file-input"]', { name: 'big.json.gz', mimeType: 'application/gzip', buffer: big.buffer }),
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const session = await launch();
const results = [];
try {
  for (const bench of cases) {
    const times = [];
    let events = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const page = await session.newPage();
      await page.locator('[data-testid="demo-button"]').waitFor();
      await bench.load(page);
      await page.waitForSelector('[data-testid="progress"][data-state="done"]', { timeout: 120_000 });
      const summary = page.locator('[data-testid="load-summary"]');
      times.push(Number(await summary.getAttribute('data-ms')));
      events = Number(await summary.getAttribute('data-events'));
    }
    const ms = median(times);
    results.push({ name: bench.name, events, runs: RUNS, median_ms: ms, min_ms: Math.min(...times), max_ms: Math.max(...times), events_per_s: Math.round(events / (ms / 1000)) });
  }
} finally {
  await session.close();
}
console.log('| load | events | median ms | min–max ms | events/s (median) |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.events} | ${r.median_ms.toFixed(0)} | ${r.min_ms.toFixed(0)}–${r.max_ms.toFixed(0)} | ${r.events_per_s} |`);
console.log(JSON.stringify({ chromium: '/usr/bin/chromium', runs: RUNS, results }));
