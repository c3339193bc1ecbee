/**
 * `saveFile(path, obj)` / `loadFile(source)`: `save` / `load` of @nn/layers to and from a file in Node.js, or in a
 * browser to IndexedDB (`indexeddb://<key>`), the Origin Private File System (`opfs://<path>`) or a download
 * (`downloads://<file name>`). Every write is atomic: a save that fails or is killed at any moment leaves the
 * previous contents intact (see `writeBytes`).
 */
import { load, saveAsync, type LoadOptions } from '@nn/layers';
import { checkLocation, listLocations, readBytes, removeBytes, sourceName, writeBytes, type FileSource } from './storage.js';

export type { FileSource } from './storage.js';

/**
 * Writes `save(obj)` to `path` atomically. Tensors on any device are read (as `saveAsync` does).
 *
 * - a file path (Node.js): a temporary file beside `path`, flushed with fsync, then renamed over it;
 * - `indexeddb://<key>`: one IndexedDB transaction (database `nn-files`, store `files`);
 * - `opfs://<path>`: the Origin Private File System, through a writable stream that replaces the file on close;
 * - `downloads://<file name>`: the browser downloads the bytes (save only; load the `File` the user picks).
 *
 * Errors name the path and the cause (`saveFile: cannot write indexeddb://run: QuotaExceededError: ...`), or the
 * value that cannot be saved (`saveFile: unsupported value at obj.model.fc: a function ...`); a file path in a
 * browser is refused with the locations to use instead.
 */
export async function saveFile(path: string, obj: unknown): Promise<void> {
  const op = 'saveFile';
  checkLocation(op, path); // a bad path fails before the tensors are read
  let bytes: Uint8Array;
  try {
    bytes = await saveAsync(obj);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^saveAsync: /, `${op}: `), { cause: e });
  }
  await writeBytes(op, path, bytes);
}

/**
 * `load` of what `saveFile` wrote (or `save`'s bytes stored any other way): `source` is a path or location as for
 * `saveFile` (except `downloads://`), or the bytes themselves — a `Blob` or `File` (from `<input type="file">` or a
 * drop), a `Uint8Array` or an `ArrayBuffer`. A missing key or file is named in the error
 * (`loadFile: no file indexeddb://run: IndexedDB database 'nn-files' has no key 'run'`).
 */
export async function loadFile<T = unknown>(source: FileSource, opts?: LoadOptions): Promise<T> {
  const op = 'loadFile';
  const bytes = await readBytes(op, source);
  try {
    return load<T>(bytes, opts);
  } catch (e) {
    throw new Error(`${op}: ${sourceName(source)}: ${(e as Error).message.replace(/^load: /, '')}`, { cause: e });
  }
}

/** Deletes the file, IndexedDB key or OPFS file at `path`; nothing happens if there is none. */
export async function removeFile(path: string): Promise<void> {
  await removeBytes('removeFile', path);
}

/**
 * The saved files in a browser store, as locations `loadFile` takes (like `tf.io.listModels`): `'indexeddb://'`
 * lists every key, `'opfs://'` every file of the Origin Private File System and `'opfs://runs'` those under a folder.
 */
export async function listFiles(store: 'indexeddb://' | 'opfs://' | `opfs://${string}`): Promise<string[]> {
  return listLocations('listFiles', store);
}
