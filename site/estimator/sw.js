// The estimator's service worker: after one visit the estimator (both languages) and the guide
// pages read since then work with the network cut. The build (site/builder/offline.py) writes it
// to the site root, preceded by `const BUILD = {version, shared, pages}`: the files the estimator
// pages need, each with its sha256; the version is made from those hashes.
//
// - install: store this build's files in a cache named after its version, each checked against
//   its sha256 (one wrong or missing file fails the install; the previous version stays whole).
//   A file is taken from the worker's own download (worker.js), else the HTTP cache, else the
//   network; a file with the sha256 of one already stored is copied, not downloaded again (the
//   two languages' copies of the theme are the same files).
// - activate: delete this site's caches of other versions, take over open pages.
// - fetch: this build's files come from its cache; other pages come from the network, a copy
//   kept for when it is cut (network first). Everything else is left to the browser.
/* global BUILD */

const SCOPE = self.registration.scope; // the site root, under any sub-path
const SITE = new URL(SCOPE).pathname;
const PREFIX = `yibao-estimator ${SITE} `; // one site's caches, not another's on this origin
const CACHE = PREFIX + BUILD.version;
const VISITED = `yibao-visited ${SITE}`; // the pages read (network first)
const FETCHED = `yibao-fetched ${SITE}`; // the estimator worker's downloads, read by the install
const absolute = (files) => new Map(Object.entries(files).map(([path, sha256]) => [new URL(path, SCOPE).href, sha256]));
const FILES = absolute(BUILD.shared); // every file of this version, with its sha256
for (const files of Object.values(BUILD.pages)) for (const [url, sha256] of absolute(files)) FILES.set(url, sha256);

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A response whose body has the sha256 `expected`, for one of `urls` (the files with that body):
 * the worker's download (worker.js), else the HTTP cache's copy, else the network's. The response
 * itself is stored, with its URL: Chromium keeps compiled code only with such a response. */
async function fetchChecked(urls, expected) {
  const fetched = await caches.open(FETCHED);
  const tries = [
    ...urls.map((url) => () => fetched.match(url)),
    ...urls.map((url) => () => fetch(url, { cache: "only-if-cached", mode: "same-origin" }).catch(() => null)),
    () => fetch(urls[0], { cache: "reload" }),
  ];
  for (const attempt of tries) {
    const response = await attempt();
    if (!response || !response.ok) continue;
    if ((await sha256Hex(await response.clone().arrayBuffer())) === expected) return response;
  }
  throw new Error(`sw.js: ${urls[0]} is not the file of build ${BUILD.version}`);
}

/** A copy of `response` without a URL of its own: used where it answers for another address (the
 * browser then takes the request's), and for a worker's script, whose location would otherwise
 * lose its "#…" (search-later.js reads it). */
const withoutUrl = async (response) => new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      const byHash = new Map(); // sha256 → the URLs of that file
      for (const [url, sha256] of FILES) byHash.set(sha256, [...(byHash.get(sha256) || []), url]);
      const pending = [...byHash];
      const worker = async () => {
        for (let next = pending.shift(); next; next = pending.shift()) {
          const [sha256, urls] = next;
          const response = await fetchChecked(urls, sha256);
          const home = urls.includes(response.url) ? response.url : urls[0];
          await cache.put(home, response);
          for (const url of urls) if (url !== home) await cache.put(url, await withoutUrl(await cache.match(home)));
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    } catch (error) {
      await caches.delete(CACHE);
      throw error;
    } finally {
      await caches.delete(FETCHED);
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

/** A page as read: the network's answer when there is one, else the copy kept the last time
 * (what pages load is this build's files: the build lists everything their HTML loads). */
async function networkFirst(event, key) {
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(caches.open(VISITED).then((cache) => cache.put(key, copy)).catch(() => {}));
    }
    return response;
  } catch (error) {
    const kept = await (await caches.open(VISITED)).match(key);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.hash = "";
  if (request.mode === "navigate") url.search = "";
  if (url.origin !== self.location.origin || !url.pathname.startsWith(SITE)) return;
  const expected = FILES.get(url.href);
  if (!expected) {
    if (request.mode === "navigate") event.respondWith(networkFirst(event, url.href));
    return;
  }
  event.respondWith((async () => {
    const cached = await (await caches.open(CACHE)).match(url.href);
    if (cached) return request.destination === "worker" ? withoutUrl(cached) : cached;
    return fetch(request); // installed files missing from the cache: the browser cleared it
  })());
});
