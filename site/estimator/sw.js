// The estimator's service worker: after one visit the estimator works with the network cut.
// The build (site/builder/offline.py) writes it to the site root as sw.js (so its scope covers
// estimate/ and en/estimate/), preceded by `const BUILD = {version, shared, pages}`: the files
// every estimator page needs (its modules, the Python runtime, the wheel), and per page the
// page and what its HTML loads, each with its sha256; the version is made from those hashes.
//
// - install: store in a cache named after this build's version the shared files and the files
//   of the estimator pages open now or cached by the previous version (not the other
//   language's copy of the theme, which a reader of one language never needs). Each file's
//   sha256 is checked (a stale HTTP-cache copy is fetched again): one wrong or missing file
//   fails the install, and the previous version stays whole.
//   It then skips waiting; an open estimator page repeats that ("take over", see offline.js)
//   when the old version did not stop in time.
// - activate: delete this site's caches of other versions, take over open pages.
// - fetch: a GET for one of these files is answered from this version's cache; one not yet
//   cached (the other language's page) comes from the network and is cached when its sha256
//   is this version's. Every other request (guide pages, search) goes to the network untouched.
/* global BUILD */

const SCOPE = self.registration.scope; // the site root, under any sub-path
const PREFIX = `yibao-estimator ${new URL(SCOPE).pathname} `; // one site's caches, not another's on this origin
const CACHE = PREFIX + BUILD.version;
const absolute = (files) => new Map(Object.entries(files).map(([path, sha256]) => [new URL(path, SCOPE).href, sha256]));
const SHARED = absolute(BUILD.shared);
const PAGES = new Map(Object.entries(BUILD.pages).map(([page, files]) => [new URL(page, SCOPE).href, absolute(files)]));
const FILES = new Map(SHARED); // every file this version knows, with its sha256
for (const files of PAGES.values()) for (const [url, sha256] of files) FILES.set(url, sha256);

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The response for `url` whose body has the sha256 `expected`. First from the HTTP cache when it
 * has the file (the page has just downloaded it: no second download), else from the network;
 * a copy that is not this build's (a stale cache, a half-published site) is fetched again from
 * the server. The response itself is stored, not a copy of its bytes: Chromium keeps compiled
 * code only with a cached response that has its URL. It does so for pyodide.asm.mjs (prime.js);
 * for pyodide.asm.wasm, V8 stores a module's code only once enough of it has been optimised: a
 * first start's CPython does that (for the network's response), a start from the snapshot does
 * not, so this cache's copy gets none, and a hit was measured no faster (README). */
async function fetchChecked(url, expected) {
  for (const cache of ["force-cache", "reload"]) {
    const response = await fetch(url, { cache, credentials: "same-origin" });
    if (!response.ok) continue;
    if ((await sha256Hex(await response.clone().arrayBuffer())) === expected) return response;
  }
  throw new Error(`sw.js: ${url} is not the file of build ${BUILD.version}`);
}

/** The estimator pages to cache: those open now, and those the previous version cached. */
async function wantedPages() {
  const wanted = new Set();
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of open) {
    const url = new URL(client.url);
    url.hash = url.search = "";
    if (PAGES.has(url.href)) wanted.add(url.href);
  }
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    for (const page of PAGES.keys()) if (await old.match(page)) wanted.add(page);
  }
  return wanted.size ? wanted : new Set(PAGES.keys());
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      const files = new Map(SHARED);
      for (const page of await wantedPages()) for (const [url, sha256] of PAGES.get(page)) files.set(url, sha256);
      const pending = [...files];
      const worker = async () => {
        for (let next = pending.shift(); next; next = pending.shift()) {
          const [url, expected] = next;
          await cache.put(url, await fetchChecked(url, expected));
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    } catch (error) {
      await caches.delete(CACHE);
      throw error;
    }
    await self.skipWaiting();
  })());
});

// A page tells a waiting version to take over when the first skipWaiting did not (offline.js).
self.addEventListener("message", (event) => {
  if (event.data === "take over") event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** A worker's script answered with a response that has no URL of its own: the worker's location
 * is then the address it was started with, "#…" included (search-later.js reads Material's
 * worker from it). With the cached response, the worker would be at the cached address, the
 * fragment gone. The body is read as a Blob, as the cached response holds it. */
const withoutUrl = async (response) => new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.hash = "";
  if (request.mode === "navigate") url.search = "";
  const expected = FILES.get(url.href);
  if (!expected) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(url.href);
    if (cached) return request.destination === "worker" ? withoutUrl(cached) : cached;
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      const check = response.clone();
      event.waitUntil((async () => {
        if ((await sha256Hex(await check.arrayBuffer())) === expected) await cache.put(url.href, copy);
      })());
    }
    return response;
  })());
});
