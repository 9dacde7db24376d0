// Test harness for the browser tests: a static file server for the built page and a
// headless Chromium session that records page errors, console errors and every request.
//
// The page under test is the trunk build in `dist/` (override with TRAILVIEW_DIST). Chromium is
// the system one at /usr/bin/chromium (override with TRAILVIEW_CHROMIUM); nothing is downloaded.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(E2E_DIR, '..', '..');
export const FIXTURES = path.join(REPO, 'tests', 'fixtures');
export const ARTIFACTS = path.join(E2E_DIR, 'artifacts');

/** The directory holding the built page. */
export function distDir() {
  return path.resolve(process.env.TRAILVIEW_DIST || path.join(REPO, 'dist'));
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.gz': 'application/gzip',
};

/**
 * Serves `root` on 127.0.0.1 at a free port, under `prefix` (default `/`, as at a site's root;
 * `/trailview/` as a GitHub Pages project site). Paths ending in `/` serve index.html; paths
 * outside the prefix are 404s. Returns { url, origin, close }.
 */
export async function serve(root = distDir(), prefix = '/') {
  const base = path.resolve(root);
  const server = http.createServer(async (request, response) => {
    try {
      let pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
      if (!pathname.startsWith(prefix)) throw new Error('outside the prefix');
      pathname = `/${pathname.slice(prefix.length)}`;
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = path.resolve(base, `.${pathname}`);
      if (file !== base && !file.startsWith(base + path.sep)) {
        response.writeHead(403).end();
        return;
      }
      const body = await fsp.readFile(file);
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Starts the server for `root` and a headless Chromium with a fresh profile (in the time zone
 * `timezoneId` when given).
 * Returns a session: { server, context, problems, requests, newPage(), assertClean(), close() }.
 * `problems` collects page errors and console errors of every page and worker;
 * `requests` every URL requested by the context's pages and workers.
 */
export async function launch({ root = distDir(), prefix = '/', timezoneId } = {}) {
  const server = await serve(root, prefix);
  const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'trailview-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.TRAILVIEW_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: CHROMIUM_ARGS,
      ...(timezoneId ? { timezoneId } : {}),
    });
  } catch (error) {
    await server.close();
    await fsp.rm(profile, { recursive: true, force: true });
    throw error;
  }
  const problems = [];
  const requests = [];
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.stack || error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location()?.url ?? '';
      // Chromium asks for /favicon.ico on its own when the page declares no icon; that 404
      // is the browser's request, not the page's.
      if (new URL(where, server.url).pathname === '/favicon.ico') return;
      problems.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('crash', () => problems.push('page crashed'));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  context.on('request', (request) => requests.push(request.url()));

  const session = {
    server,
    context,
    problems,
    requests,
    url: server.url,
    /** A fresh tab on the served page (earlier tabs are closed, so no state carries over). */
    async newPage() {
      const page = await context.newPage();
      for (const old of context.pages()) if (old !== page) await old.close();
      await page.goto(server.url);
      return page;
    },
    /** Requests that left the server's origin (data: URLs and same-origin blobs are local). */
    foreignRequests() {
      return requests.filter((url) => !isLocal(url, server.origin));
    },
    /** Throws if any page error, console error or foreign request was seen; then forgets them. */
    assertClean() {
      const foreign = session.foreignRequests();
      const seen = [...problems];
      problems.length = 0;
      requests.length = 0;
      if (seen.length || foreign.length) {
        const lines = [...seen, ...foreign.map((url) => `request outside ${server.origin}: ${url}`)];
        throw new Error(`page reported problems:\n  ${lines.join('\n  ')}`);
      }
    },
    async close() {
      await context.close().catch(() => {});
      await server.close();
      await fsp.rm(profile, { recursive: true, force: true });
    },
  };
  return session;
}

/** True when `url` is served by `origin`, or is data:, about: or a blob of that origin. */
export function isLocal(url, origin) {
  if (url.startsWith('data:') || url.startsWith('about:')) return true;
  if (url.startsWith('blob:')) return isLocal(url.slice('blob:'.length), origin);
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** True when the built page exists. */
export function distExists(root = distDir()) {
  return fs.existsSync(path.join(root, 'index.html'));
}
