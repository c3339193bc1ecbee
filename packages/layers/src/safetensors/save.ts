/**
 * Writing the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON header padded with spaces to a multiple of 8 (so the data starts 8-aligned), then
 * the tensors' bytes back to back. The header maps each key to {dtype, shape, data_offsets: [begin, end]}
 * (offsets into the data section) and may hold a `__metadata__` map of strings, written first.
 *
 * As in the reference implementation, tensors are laid out widest dtype first (so every tensor is aligned to
 * its element size) and the header lists them in data order; ties are broken by key, so an @nn state dict
 * (F32 and I32, both 4 bytes wide) is written in sorted key order.
 */
import { fmtShape, Tensor, type TypedArray } from '@nn/tensor';
import { describe, isPlainObject } from '../args.js';
import { DTYPE_BYTES, encodeElements, storedElements, WRITE_DTYPE } from './dtypes.js';

/** Free-form string metadata stored in the header's `__metadata__`. */
export type SafetensorsMetadata = Record<string, string>;

interface Entry {
  key: string;
  tensor: Tensor;
}

/**
 * The safetensors bytes of `tensors` (a state dict: `model.stateDict()`, or any record or Map of tensors) with
 * optional string `metadata`. float32 → F32, int32 → I32, bool → BOOL. Reads the tensors synchronously, so they
 * must be on the CPU; for WebGPU tensors use `await saveSafetensorsAsync(...)`.
 */
export function saveSafetensors(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata?: SafetensorsMetadata): Uint8Array {
  const op = 'saveSafetensors';
  const entries = collect(op, tensors, metadata);
  for (const { key, tensor } of entries)
    if (tensor.device !== 'cpu')
      throw new Error(
        `${op}: '${key}' is on ${tensor.device}, which can only be read asynchronously: use await saveSafetensorsAsync(tensors, metadata)`,
      );
  return encode(entries, entries.map(({ tensor }) => storedElements(tensor.dtype, tensor.dataSync())), metadata);
}

/** `saveSafetensors` for tensors on any device (reads them with `await t.data()`). */
export async function saveSafetensorsAsync(
  tensors: Record<string, Tensor> | Map<string, Tensor>,
  metadata?: SafetensorsMetadata,
): Promise<Uint8Array> {
  const entries = collect('saveSafetensorsAsync', tensors, metadata);
  const values = await Promise.all(entries.map(async ({ tensor }) => storedElements(tensor.dtype, await tensor.data())));
  return encode(entries, values, metadata);
}

function collect(op: string, tensors: unknown, metadata: unknown): Entry[] {
  let pairs: [unknown, unknown][];
  if (tensors instanceof Map) pairs = [...tensors];
  else if (isPlainObject(tensors)) pairs = Object.entries(tensors);
  else throw new Error(`${op}: tensors must be an object (or a Map) of Tensors, got ${describe(tensors)}`);
  const entries: Entry[] = [];
  for (const [key, t] of pairs) {
    if (typeof key !== 'string') throw new Error(`${op}: keys must be strings, got ${describe(key)}`);
    if (key === '__metadata__') throw new Error(`${op}: the key '__metadata__' is reserved by the format; pass metadata as the second argument`);
    if (!(t instanceof Tensor)) throw new Error(`${op}: '${key}' must be a Tensor, got ${describe(t)}`);
    if (t.isDisposed) throw new Error(`${op}: '${key}' (shape ${fmtShape(t.shape)}) has been disposed`);
    entries.push({ key, tensor: t });
  }
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw new Error(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new Error(`${op}: metadata['${k}'] must be a string, got ${describe(v)}`);
  }
  const width = (e: Entry) => DTYPE_BYTES[WRITE_DTYPE[e.tensor.dtype]];
  return entries.sort((a, b) => width(b) - width(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function encode(entries: Entry[], values: TypedArray[], metadata: SafetensorsMetadata | undefined): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const sorted = Object.keys(metadata).sort().map((k) => [k, metadata[k]!]);
    parts.push(`"__metadata__":${JSON.stringify(Object.fromEntries(sorted))}`);
  }
  let offset = 0;
  const chunks = values.map(encodeElements);
  entries.forEach(({ key, tensor }, i) => {
    const end = offset + chunks[i]!.byteLength;
    const info = { dtype: WRITE_DTYPE[tensor.dtype], shape: tensor.shape, data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(info)}`);
    offset = end;
  });
  let header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padding = (8 - (header.byteLength % 8)) % 8;
  if (padding) {
    const padded = new Uint8Array(header.byteLength + padding).fill(0x20);
    padded.set(header);
    header = padded;
  }
  const out = new Uint8Array(8 + header.byteLength + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, header.byteLength % 2 ** 32, true);
  dv.setUint32(4, Math.floor(header.byteLength / 2 ** 32), true);
  out.set(header, 8);
  let at = 8 + header.byteLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
