// A memory snapshot of the worker's Python, kept on the reader's device so that a second visit
// skips starting CPython and importing the calculator (most of the start-up once the files are
// cached). Pyodide makes it (`loadPyodide({_makeSnapshot: true})`, `makeMemorySnapshot()`) and
// restores it (`_loadSnapshot`); this module only names, stores and finds it.
//
// - The key is the SHA-256 of everything the snapshot's memory came from: the runtime's own
//   SHA256SUMS (wasm, loaders, stdlib zip) and the lock file (the calculator wheel's sha256).
//   A new build that changes any of them gets a new key; the old snapshot is deleted when the
//   new one is stored, so a device keeps at most one.
// - It is stored in Cache Storage, in a cache of its own per site (the service worker deletes
//   only its own versioned caches), and never leaves the device.
// - Any failure (no Cache Storage, quota, a snapshot Pyodide refuses) just means a normal start.

const NAME = (scope) => `yibao-snapshot ${new URL(scope).pathname}`;

async function sha256Hex(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The snapshot's URL-shaped cache key for this runtime and lock (their texts). */
export async function snapshotKey(scope, runtimeSums, lockText) {
  return new URL(`snapshot-${await sha256Hex(runtimeSums + "\n" + lockText)}.bin`, scope).href;
}

/** The stored snapshot for `key` (a Uint8Array), or null. */
export async function readSnapshot(scope, key) {
  try {
    const cache = await caches.open(NAME(scope));
    const response = await cache.match(key);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

/** Store `bytes` under `key`, replacing any other snapshot of this site. */
export async function storeSnapshot(scope, key, bytes) {
  try {
    const cache = await caches.open(NAME(scope));
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    await cache.put(key, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
  } catch (error) {
    console.warn("no snapshot stored:", error);
  }
}

/** Forget every snapshot of this site (one that Pyodide refused to restore). */
export async function dropSnapshots(scope) {
  try {
    await caches.delete(NAME(scope));
  } catch {
    // nothing stored, nothing to drop
  }
}
