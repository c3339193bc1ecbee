/**
 * `opfs://<path>`: files in the Origin Private File System (`navigator.storage.getDirectory()`), folders included
 * (`opfs://runs/spirals.ckpt`). Writes go through `createWritable()`, whose changes land in a swap file and replace
 * the file only when `close()` succeeds (atomic by the File System standard); a failed write is aborted, so the
 * previous file stays as it was, and a file that did not exist before is removed again.
 */
import { describeError } from './args.js';

type Dir = FileSystemDirectoryHandle;

async function root(op: string): Promise<Dir> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function')
    throw new Error(`${op}: opfs:// needs the Origin Private File System (navigator.storage.getDirectory), which this runtime lacks`);
  return storage.getDirectory();
}

/** `a/b/c` → folders `['a', 'b']` and name `'c'`; rejects empty, `.` and `..` parts. */
function split(op: string, path: string): { folders: string[]; name: string } {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`${op}: opfs:// paths are names joined by '/' (e.g. 'opfs://runs/model.nn'), got 'opfs://${path}'`);
  return { folders: parts.slice(0, -1), name: parts.at(-1)! };
}

const isNotFound = (e: unknown) => (e as { name?: string }).name === 'NotFoundError' || (e as { name?: string }).name === 'TypeMismatchError';

async function folder(op: string, folders: string[], create: boolean): Promise<Dir> {
  let dir = await root(op);
  for (const f of folders) dir = await dir.getDirectoryHandle(f, { create });
  return dir;
}

export async function opfsWrite(op: string, path: string, bytes: Uint8Array): Promise<void> {
  const { folders, name } = split(op, path);
  const url = `opfs://${path}`;
  let dir: Dir;
  let created = false;
  let writable: FileSystemWritableFileStream | undefined;
  try {
    dir = await folder(op, folders, true);
    let file: FileSystemFileHandle;
    try {
      file = await dir.getFileHandle(name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      file = await dir.getFileHandle(name, { create: true });
      created = true;
    }
    if (typeof file.createWritable !== 'function')
      throw new Error('this browser lacks FileSystemFileHandle.createWritable (atomic writes); use indexeddb:// instead');
    writable = await file.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    const w = writable;
    writable = undefined;
    await w.close();
  } catch (e) {
    await writable?.abort().catch(() => {});
    if (created) await dir!.removeEntry(name).catch(() => {});
    throw new Error(`${op}: cannot write ${url}: ${describeError(e)}`, { cause: e });
  }
}

export async function opfsRead(op: string, path: string): Promise<Uint8Array> {
  const { folders, name } = split(op, path);
  const url = `opfs://${path}`;
  try {
    const dir = await folder(op, folders, false);
    const file = await (await dir.getFileHandle(name)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    if (isNotFound(e)) throw new Error(`${op}: no file ${url}: the Origin Private File System has no file '${path}'`, { cause: e });
    throw new Error(`${op}: cannot read ${url}: ${describeError(e)}`, { cause: e });
  }
}

/** Deletes the file (nothing happens if there is none). */
export async function opfsRemove(op: string, path: string): Promise<void> {
  const { folders, name } = split(op, path);
  try {
    await (await folder(op, folders, false)).removeEntry(name);
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`${op}: cannot remove opfs://${path}: ${describeError(e)}`, { cause: e });
  }
}

/** The files under the folder `path` ('' for the root), recursively, as paths relative to the root, sorted. */
export async function opfsList(op: string, path: string): Promise<string[]> {
  const parts = path === '' ? null : split(op, path);
  const folders = parts ? [...parts.folders, parts.name] : [];
  const out: string[] = [];
  const walk = async (dir: Dir, prefix: string) => {
    for await (const [name, handle] of (dir as Dir & AsyncIterable<[string, FileSystemHandle]>)) {
      if (handle.kind === 'file') out.push(prefix + name);
      else await walk(handle as Dir, `${prefix}${name}/`);
    }
  };
  try {
    await walk(await folder(op, folders, false), path === '' ? '' : `${path}/`);
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`${op}: cannot list opfs://${path}: ${describeError(e)}`, { cause: e });
  }
  return out.sort();
}
