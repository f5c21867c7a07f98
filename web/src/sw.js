// The page's service worker (build.mjs writes dist/sw.js from this file,
// filling in VERSION and ASSETS). It keeps the page and everything it
// loads (the scripts, the data worker, wasm_exec.js, clv.wasm) in one cache
// per build, so the page, the calculator and an upload work offline once
// the page has been loaded. A new build is a new cache; the old one is
// deleted when the new worker takes over (after every tab of the old page
// is closed, so a page never mixes two builds).
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const CACHE = `clvkit-${VERSION}`;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS.map((a) => new Request(a, { cache: 'reload' })))));
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('clvkit-') && k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

// Cache first for the build's files (a query such as worker.js?role=plugin
// is the same file); a page load that is not cached gets the cached page
// when the network fails; anything else goes to the network.
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req, { ignoreSearch: true });
    // A worker's global scope takes its URL from the response: worker.js?role=plugin
    // answered with the cached worker.js would lose its query (and start as
    // the data worker), so such a hit is answered as a new response.
    if (hit && hit.url !== req.url) return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers: hit.headers });
    if (hit) return hit;
    try {
      return await fetch(req);
    } catch (err) {
      const page = req.mode === 'navigate' ? await cache.match('./') : undefined;
      if (page) return page;
      throw err;
    }
  })());
});
