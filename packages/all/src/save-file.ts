/**
 * `saveFile(path, obj)` / `loadFile(path)`: `save` / `load` of @nn/layers to and from a file, in Node.js. The
 * write is atomic (`writeFileAtomic`: a temporary file beside the target, fsync, rename), so a save killed at any
 * moment leaves the previous file intact, and the next save removes the temporary file it left.
 */
import { load, saveAsync, type LoadOptions } from '@nn/layers';
import { readFile, writeFileAtomic } from './node-fs.js';

/**
 * Writes `save(obj)` to `path` atomically. Tensors on any device are read (as `saveAsync` does). Errors name the
 * path, or the value that cannot be saved (`saveFile: unsupported value at obj.model.fc: a function ...`).
 */
export async function saveFile(path: string, obj: unknown): Promise<void> {
  const op = 'saveFile';
  if (typeof path !== 'string' || path === '') throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path) ?? String(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = await saveAsync(obj);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^saveAsync: /, `${op}: `), { cause: e });
  }
  await writeFileAtomic(op, path, bytes);
}

/** `load` of the file at `path` (written by `saveFile`, or `save`'s bytes written any other way). */
export async function loadFile<T = unknown>(path: string, opts?: LoadOptions): Promise<T> {
  const op = 'loadFile';
  if (typeof path !== 'string' || path === '') throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path) ?? String(path)}`);
  const bytes = await readFile(op, path);
  try {
    return load<T>(bytes, opts);
  } catch (e) {
    throw new Error(`${op}: ${path}: ${(e as Error).message.replace(/^load: /, '')}`, { cause: e });
  }
}
