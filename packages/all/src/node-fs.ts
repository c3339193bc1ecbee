/**
 * File access for checkpoints and plots in Node.js. `node:fs/promises` comes from `process.getBuiltinModule`
 * (Node.js 20.16+, Deno, Bun) rather than an import, so a bundle of this package for a browser holds no `node:`
 * specifier and a browser never requests one.
 */

/** The part of `node:fs/promises` used here (a seam for tests that simulate failures). */
export interface FileSystem {
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number }>;
}

export interface FileHandleLike {
  writeFile(data: Uint8Array | string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface NodeProcess {
  pid?: number;
  kill?(pid: number, signal: number): boolean;
  versions?: { node?: string };
  getBuiltinModule?(id: string): unknown;
}
const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/** Whether file paths can be used here (Node.js and runtimes like it). */
export const hasNodeFs = (): boolean => typeof nodeProcess()?.getBuiltinModule === 'function';

/** `node:fs/promises`, or an error for `op` on `path` that says what to use instead. */
export function nodeFs(op: string, path: string): FileSystem {
  const proc = nodeProcess();
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as FileSystem | undefined;
  if (fs) return fs;
  if (proc?.versions?.node) throw new Error(`${op}: file paths need Node.js 20.16 or later (process.getBuiltinModule), this is ${proc.versions.node}`);
  const key = path.replace(/^(\.?\/)+/, '');
  throw new Error(
    `${op}: ${JSON.stringify(path)} is a file path, and file paths need Node.js; in a browser use ` +
      `'indexeddb://${key}' or 'opfs://${key}' (or 'downloads://<file name>' to save a download)`,
  );
}

/** A temporary file untouched for this long is abandoned even if a process with its pid is alive (pid reuse). */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** Temporary files this process is writing now (never cleaned up as stale). */
const inFlight = new Set<string>();

/** `path` split into its directory (with the separator) and file name. */
function splitPath(path: string): [string, string] {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return [path.slice(0, i + 1), path.slice(i + 1)];
}

function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  const crypto = (globalThis as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  if (crypto) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 4; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether a process with this id runs (EPERM: it does, owned by someone else). */
function processAlive(pid: number): boolean {
  const proc = nodeProcess();
  if (!proc?.kill || pid <= 0) return true;
  try {
    proc.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that earlier saves of `path` left behind (`<name>.tmp-<pid>-<random>` beside it):
 * those whose process is gone (a save that was killed), this process's own that no save is writing now, and
 * any untouched for `STALE_TEMP_MS`. Best effort: a failure here never fails the save.
 */
async function removeStaleTemps(files: FileSystem, path: string, now: number): Promise<void> {
  const [dir, name] = splitPath(path);
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(\\d+)-[0-9a-f]+$`);
  const own = nodeProcess()?.pid ?? 0;
  let entries: string[];
  try {
    entries = await files.readdir(dir === '' ? '.' : dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (!m) continue;
    const temp = dir + entry;
    if (inFlight.has(temp)) continue;
    const pid = Number(m[1]);
    let stale = pid === own || !processAlive(pid);
    if (!stale) {
      try {
        stale = now - (await files.stat(temp)).mtimeMs > STALE_TEMP_MS;
      } catch {
        continue; // gone meanwhile
      }
    }
    if (stale) await files.rm(temp, { force: true }).catch(() => {});
  }
}

/**
 * Writes `data` to `path` atomically: into `<path>.tmp-<pid>-<random>` in the same directory first, flushed to
 * disk (fsync), then renamed over `path` (and the directory flushed where the platform allows), so a reader (or
 * a resumed run) sees either the old file or the new one, never a torn one. Temporary files left by earlier
 * saves that were killed are removed first (see `removeStaleTemps`). On any failure the temporary file is
 * removed, the old file is left as it was, and the error names the path.
 */
export async function writeFileAtomic(op: string, path: string, data: Uint8Array | string, fs?: FileSystem): Promise<void> {
  const files = fs ?? nodeFs(op, path);
  await removeStaleTemps(files, path, Date.now());
  const tmp = `${path}.tmp-${nodeProcess()?.pid ?? 0}-${randomSuffix()}`;
  inFlight.add(tmp);
  let handle: FileHandleLike | undefined;
  try {
    handle = await files.open(tmp, 'w');
    await handle.writeFile(data);
    await handle.sync();
    const h = handle;
    handle = undefined;
    await h.close();
    await files.rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => {});
    await files.rm(tmp, { force: true }).catch(() => {});
    throw new Error(`${op}: cannot write ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    inFlight.delete(tmp);
  }
  await syncDirectory(files, splitPath(path)[0]);
}

/** Flushes a directory entry (the rename) to disk; not possible on every platform (Windows), so best effort. */
async function syncDirectory(files: FileSystem, dir: string): Promise<void> {
  let handle: FileHandleLike | undefined;
  try {
    handle = await files.open(dir === '' ? '.' : dir, 'r');
    await handle.sync();
  } catch {
    // ignored
  } finally {
    await handle?.close().catch(() => {});
  }
}

export async function readFile(op: string, path: string, fs?: FileSystem): Promise<Uint8Array> {
  const files = fs ?? nodeFs(op, path);
  try {
    return await files.readFile(path);
  } catch (e) {
    throw new Error(`${op}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}
