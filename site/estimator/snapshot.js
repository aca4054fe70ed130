// A memory snapshot of the worker's Python, kept on the reader's device so that a second visit
// skips starting CPython and importing the calculator (most of the start-up once the files are
// cached). Pyodide makes it (`loadPyodide({_makeSnapshot: true})`, `makeMemorySnapshot()`) and
// restores it (`_loadSnapshot`); this module only names, stores and finds it. It runs in the
// estimator's worker (synchronous file access exists only in dedicated workers).
//
// - The key is the SHA-256 of everything the snapshot's memory came from: the runtime's own
//   SHA256SUMS (wasm, loaders, stdlib zip) and the lock file (the calculator wheel's sha256).
//   A new build that changes any of them gets a new key; the old snapshot is deleted when the
//   new one is stored, so a device keeps at most one.
// - It is a file in the origin private file system, in a folder of its own per site (sub-path),
//   read and written with a synchronous access handle: reading the tens of megabytes takes a
//   fraction of what Cache Storage takes (measured with `python -m bench`). It is written under
//   a temporary name and then renamed, so a half-written snapshot is never found. It never
//   leaves the device.
// - Any failure (no such file system, quota, another tab holding the file, a snapshot Pyodide
//   refuses) just means a normal start.

/** The site's folder name: one per site root, so two sites on one origin keep their own. */
const FOLDER = (scope) => `yibao-snapshot ${encodeURIComponent(new URL(scope).pathname)}`;

async function sha256Hex(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function folder(scope, create) {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(FOLDER(scope), { create });
}

/** The snapshot's file name for this runtime and lock (their texts). */
export async function snapshotKey(scope, runtimeSums, lockText) {
  return `snapshot-${await sha256Hex(runtimeSums + "\n" + lockText)}.bin`;
}

/** The stored snapshot named `key` (a Uint8Array), or null. */
export async function readSnapshot(scope, key) {
  try {
    const file = await (await folder(scope, false)).getFileHandle(key);
    const access = await file.createSyncAccessHandle();
    try {
      const bytes = new Uint8Array(access.getSize());
      return access.read(bytes, { at: 0 }) === bytes.length ? bytes : null;
    } finally {
      access.close();
    }
  } catch {
    return null;
  }
}

/** Store `bytes` as `key`, replacing any other snapshot of this site. */
export async function storeSnapshot(scope, key, bytes) {
  try {
    const dir = await folder(scope, true);
    const names = [];
    for await (const name of dir.keys()) names.push(name);
    for (const name of names) if (name !== key) await dir.removeEntry(name);
    const part = await dir.getFileHandle(`${key}.part`, { create: true });
    const access = await part.createSyncAccessHandle();
    try {
      access.truncate(0);
      if (access.write(bytes, { at: 0 }) !== bytes.length) throw new Error("short write");
      access.flush();
    } finally {
      access.close();
    }
    await part.move(key);
    // Earlier builds kept the snapshot in Cache Storage: that copy goes too.
    if (self.caches) await caches.delete(`yibao-snapshot ${new URL(scope).pathname}`);
  } catch (error) {
    console.warn("no snapshot stored:", error);
  }
}

/** Forget every snapshot of this site (one that Pyodide refused to restore). */
export async function dropSnapshots(scope) {
  try {
    await (await navigator.storage.getDirectory()).removeEntry(FOLDER(scope), { recursive: true });
  } catch {
    // nothing stored, nothing to drop
  }
}
