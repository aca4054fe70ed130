// A memory snapshot of the worker's Python, kept on the reader's device so that a later start skips
// starting CPython and importing the calculator. Pyodide makes and restores it; this module names,
// stores and finds it, in the estimator's worker (synchronous file access exists only there).
// - Its name is the SHA-256 of the runtime's SHA256SUMS and the lock file: a build that changes
//   either gets a new one, and storing it deletes the old (a device keeps at most one).
// - It is a file in the origin private file system (a folder per site root), read with a
//   synchronous access handle (far faster than Cache Storage for tens of MB), written under a
//   temporary name and renamed. It never leaves the device.
// - Any failure (no such file system, quota, another tab holding it) just means a normal start.

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
