// trailview's service worker: makes the hosted page work offline after one visit.
//
// On install it reads the page (./) and caches it with every asset it names (the hashed JS,
// the wasm build this browser runs, stylesheet and icon), so even the first visit leaves a
// complete offline copy. Requests go to the network first, so a new deployment shows up at
// once; when the network fails the cached copy answers. Only same-origin GET requests are
// touched: the page makes no others.

const CACHE = 'trailview-v1';

// The page names two builds of its wasm and loads one: with WebAssembly SIMD where the browser
// has it, the baseline one where it does not. The module below, valid only with SIMD, is
// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)); scripts/baseline_wasm.py
// copies these bytes into the page's start-up script, so both make the same choice.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const SIMD = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
const unused = (url) => url.endsWith('.wasm') && /\/trailview-baseline-[^/]*$/.test(url) === SIMD;

async function precache() {
  const cache = await caches.open(CACHE);
  const page = new URL('./', self.registration.scope).href;
  const response = await fetch(page, { cache: 'no-cache' });
  const html = await response.clone().text();
  await cache.put(page, response);
  const names = new Set();
  for (const match of html.matchAll(/(?:href|src)="([^"#]+)"|'([^']+\.(?:js|wasm))'/g)) {
    const url = new URL(match[1] || match[2], page);
    if (url.origin === self.location.origin && !unused(url.href)) names.add(url.href);
  }
  await Promise.all([...names].map(async (url) => {
    const asset = await fetch(url, { cache: 'no-cache' });
    if (asset.ok) await cache.put(url, asset);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(request, { ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
