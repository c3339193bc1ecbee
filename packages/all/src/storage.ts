/**
 * Where `saveFile`, `loadFile` and `fit`'s checkpoints and plots read and write: a file path (Node.js), or a URL-like
 * location that works in browsers, as in TensorFlow.js — `indexeddb://<key>`, `opfs://<path>` and
 * `downloads://<file name>` (save only). Loading also takes the bytes themselves: a `Blob` or `File` (what an
 * `<input type="file">` gives), a `Uint8Array` or an `ArrayBuffer`.
 */
import { download } from './download-file.js';
import { idbKeys, idbRead, idbRemove, idbWrite } from './indexeddb-files.js';
import { hasNodeFs, nodeFs, readFile, writeFileAtomic } from './node-fs.js';
import { opfsList, opfsRead, opfsRemove, opfsWrite } from './opfs-files.js';

/** What can be loaded: a path or location (see `saveFile`), or the saved bytes themselves. */
export type FileSource = string | Blob | Uint8Array | ArrayBuffer;

interface Location {
  scheme: 'file' | 'indexeddb' | 'opfs' | 'downloads';
  /** The file path, or what follows `scheme://`. */
  path: string;
}

const SCHEMES = ['indexeddb', 'opfs', 'downloads'] as const;
const USE = "indexeddb://<key>, opfs://<path>, downloads://<file name> (save only) or a file path (Node.js)";

/** Splits `path` into its scheme and the rest; a string without `scheme://` is a file path. */
export function parseLocation(op: string, path: string): Location {
  if (typeof path !== 'string' || path === '') throw new Error(`${op}: path must be a non-empty string, got ${JSON.stringify(path) ?? String(path)}`);
  const m = /^([A-Za-z][A-Za-z0-9+.-]+):\/\/(.*)$/s.exec(path);
  if (!m) return { scheme: 'file', path };
  const scheme = m[1]!.toLowerCase() as Location['scheme'];
  if (!(SCHEMES as readonly string[]).includes(scheme)) throw new Error(`${op}: unknown scheme '${m[1]}://' in ${JSON.stringify(path)}; use ${USE}`);
  if (m[2] === '') throw new Error(`${op}: ${scheme}:// needs a ${scheme === 'indexeddb' ? 'key' : scheme === 'opfs' ? 'path' : 'file name'} after it, e.g. '${scheme}://model.nn'`);
  return { scheme, path: m[2]! };
}

/** `parseLocation`, and for a file path also whether this runtime has files (a browser has not: it says what to use). */
export function checkLocation(op: string, path: string): Location {
  const at = parseLocation(op, path);
  if (at.scheme === 'file' && !hasNodeFs()) nodeFs(op, at.path);
  return at;
}

/**
 * Writes `data` to `path` so that a failure leaves the previous contents: a temporary file renamed over the
 * target (Node.js), one IndexedDB transaction, or an OPFS writable stream that replaces the file on close.
 * `type` is the MIME type a `downloads://` save gets.
 */
export async function writeBytes(op: string, path: string, data: Uint8Array | string, type = 'application/octet-stream'): Promise<void> {
  const at = parseLocation(op, path);
  if (at.scheme === 'file') return writeFileAtomic(op, at.path, data);
  // Browser storage APIs refuse views of shared memory (a cross-origin isolated page's WebAssembly heap).
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.buffer instanceof ArrayBuffer ? data : data.slice();
  if (at.scheme === 'indexeddb') return idbWrite(op, at.path, bytes);
  if (at.scheme === 'opfs') return opfsWrite(op, at.path, bytes);
  download(op, at.path, bytes, type);
}

/** The bytes at `source` (a path or location), or `source`'s own bytes. */
export async function readBytes(op: string, source: FileSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    try {
      return new Uint8Array(await source.arrayBuffer());
    } catch (e) {
      throw new Error(`${op}: cannot read ${sourceName(source)}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (typeof source !== 'string')
    throw new Error(`${op}: source must be a path, a Blob or File, a Uint8Array or an ArrayBuffer, got ${Object.prototype.toString.call(source).slice(8, -1)}`);
  const at = parseLocation(op, source);
  if (at.scheme === 'file') return readFile(op, at.path);
  if (at.scheme === 'indexeddb') return idbRead(op, at.path);
  if (at.scheme === 'opfs') return opfsRead(op, at.path);
  throw new Error(
    `${op}: downloads:// is save only (a page cannot read the user's downloads); pass the File the user picks ` +
      `(<input type="file">) or its bytes instead of ${JSON.stringify(source)}`,
  );
}

/** How errors name a source: the path itself, `File 'model.nn'`, `Blob (1234 bytes)`, `Uint8Array (1234 bytes)`. */
export function sourceName(source: FileSource): string {
  if (typeof source === 'string') return source;
  if (typeof File !== 'undefined' && source instanceof File) return `File '${source.name}'`;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return `Blob (${source.size} bytes)`;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return `${source.constructor.name} (${source.byteLength} bytes)`;
  return String(source);
}

/** Deletes what `path` names; nothing happens if it does not exist. */
export async function removeBytes(op: string, path: string): Promise<void> {
  const at = parseLocation(op, path);
  if (at.scheme === 'file') {
    try {
      return await nodeFs(op, at.path).rm(at.path, { force: true });
    } catch (e) {
      throw new Error(`${op}: cannot remove ${path}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (at.scheme === 'indexeddb') return idbRemove(op, at.path);
  if (at.scheme === 'opfs') return opfsRemove(op, at.path);
  throw new Error(`${op}: downloads:// files are the user's; a page cannot remove them`);
}

/** The saved files of a browser store: every `indexeddb://` key, or the files under an `opfs://` folder. */
export async function listLocations(op: string, store: string): Promise<string[]> {
  const m = /^(indexeddb|opfs):\/\/(.*)$/is.exec(typeof store === 'string' ? store : '');
  if (!m) throw new Error(`${op}: store must be 'indexeddb://' or 'opfs://' (or an opfs:// folder such as 'opfs://runs'), got ${JSON.stringify(store) ?? String(store)}`);
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'indexeddb') {
    if (m[2] !== '') throw new Error(`${op}: indexeddb:// has no folders; list 'indexeddb://', got ${JSON.stringify(store)}`);
    return (await idbKeys(op)).map((k) => `indexeddb://${k}`);
  }
  return (await opfsList(op, m[2]!.replace(/\/+$/, ''))).map((p) => `opfs://${p}`);
}
