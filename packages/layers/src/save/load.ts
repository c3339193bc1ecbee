/**
 * `load(bytes)`: the inverse of `save`. The input is checked completely before any tensor is created — magic
 * bytes, version, section lengths against the file size (truncation), the CRC-32 (corruption), the JSON and
 * its tags, the safetensors section, and that the JSON's tensor references and the stored tensors match one to
 * one — so a bad file gives a clear error and never a half-built value.
 */
import type { Device, Tensor } from '@nn/tensor';
import { checkOptions, describe, isPlainObject } from '../args.js';
import { loadSafetensors, readSafetensorsHeader } from '../safetensors/load.js';
import { crc32 } from './crc32.js';
import { MAGIC, PREAMBLE_BYTES, SPECIAL_NUMBERS, TAG_NUMBER, TAG_TENSOR, TAG_UNDEFINED, unescapeKey, VERSION } from './format.js';

export interface LoadOptions {
  /** Device of the loaded tensors (default: the current backend). */
  device?: Device;
}

/** A tensor reference found in the JSON, replaced by the tensor once everything is checked. */
class Ref {
  constructor(readonly key: string) {}
}

/**
 * The value `save(obj)` or `saveAsync(obj)` wrote: plain objects, arrays, numbers, strings, booleans, null,
 * undefined and Tensors as they were (tensors bit for bit, with their dtype and shape; a tensor saved at two
 * places is one Tensor at both). The tensors are ordinary (tracked by the enclosing `tidy`, no `requiresGrad`):
 * dispose them when done, e.g. `dispose(loaded)`. `T` types the result for the caller (`load<Checkpoint>(bytes)`),
 * as `torch.load`'s result is whatever was saved; nothing checks it against `T`.
 */
export function load<T = unknown>(bytes: Uint8Array | ArrayBuffer, opts?: LoadOptions): T {
  const op = 'load';
  const { device } = checkOptions(op, opts, ['device']);
  let buf: Uint8Array;
  if (bytes instanceof Uint8Array) buf = bytes;
  else if (bytes instanceof ArrayBuffer) buf = new Uint8Array(bytes);
  else throw new Error(`${op}: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got ${describe(bytes)}`);

  const size = buf.byteLength;
  const magicSeen = Math.min(size, MAGIC.length);
  for (let i = 0; i < magicSeen; i++)
    if (buf[i] !== MAGIC[i]) throw new Error(`${op}: not a file written by save (its first bytes are not the magic "\\x89NNSAVE\\n")`);
  if (size < PREAMBLE_BYTES) throw new Error(`${op}: the file is truncated: ${size} bytes, shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  const dv = new DataView(buf.buffer, buf.byteOffset, size);
  const version = dv.getUint32(8, true);
  if (version !== VERSION) throw new Error(`${op}: format version ${version} is not supported (this version of @nn reads ${VERSION})`);
  const jsonBytes = getUint64(dv, 16);
  const tensorBytes = getUint64(dv, 24);
  const expected = PREAMBLE_BYTES + jsonBytes + tensorBytes;
  if (size < expected) throw new Error(`${op}: the file is truncated: ${size} bytes, but its preamble announces ${expected}`);
  if (size > expected) throw new Error(`${op}: the file has ${size - expected} trailing bytes after the ${expected} its preamble announces: corrupt`);
  const sum = crc32(buf.subarray(PREAMBLE_BYTES));
  if (sum !== dv.getUint32(12, true)) throw new Error(`${op}: checksum mismatch: the file is corrupt`);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + jsonBytes)));
  } catch (e) {
    throw new Error(`${op}: the JSON document is invalid (${(e as Error).message})`);
  }
  const refs = new Set<string>();
  const tree = decodeTree(op, json, refs);

  const section = buf.subarray(PREAMBLE_BYTES + jsonBytes);
  let stored: string[];
  try {
    stored = Object.keys(readSafetensorsHeader(section).tensors);
  } catch (e) {
    throw new Error(`${op}: the tensor section is invalid (${(e as Error).message})`);
  }
  for (const key of refs) if (!stored.includes(key)) throw new Error(`${op}: the JSON refers to tensor '${key}', which the tensor section lacks: corrupt`);
  for (const key of stored) if (!refs.has(key)) throw new Error(`${op}: the tensor section holds '${key}', which the JSON never refers to: corrupt`);

  // Everything is checked; only now are tensors made (loadSafetensors itself makes none if a value is bad).
  let tensors: Record<string, Tensor>;
  try {
    tensors = loadSafetensors(section, { device });
  } catch (e) {
    throw new Error(`${op}: the tensor section is invalid (${(e as Error).message})`);
  }
  return resolve(tree, tensors) as T;
}

function getUint64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
}

/** The JSON with tags decoded and keys unescaped; tensors as `Ref`s (collected in `refs`). */
function decodeTree(op: string, v: unknown, refs: Set<string>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => decodeTree(op, x, refs));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  const tag = keys.find((k) => k.startsWith('$') && !k.startsWith('$$'));
  if (tag !== undefined) {
    const x = o[tag];
    const bad = () => new Error(`${op}: the JSON document holds a malformed tag ${JSON.stringify(o).slice(0, 80)}: corrupt`);
    if (keys.length !== 1) throw bad();
    if (tag === TAG_TENSOR && typeof x === 'string') {
      refs.add(x);
      return new Ref(x);
    }
    if (tag === TAG_NUMBER && typeof x === 'string' && x in SPECIAL_NUMBERS) return SPECIAL_NUMBERS[x];
    if (tag === TAG_UNDEFINED && x === true) return undefined;
    throw bad();
  }
  return Object.fromEntries(keys.map((k) => [unescapeKey(k), decodeTree(op, o[k], refs)]));
}

function resolve(v: unknown, tensors: Record<string, Tensor>): unknown {
  if (v instanceof Ref) return tensors[v.key];
  if (Array.isArray(v)) return v.map((x) => resolve(x, tensors));
  // fromEntries defines own properties, so even a key '__proto__' is an ordinary entry.
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, tensors)]));
  return v;
}
