/**
 * Reading the safetensors format (see save.ts), validating it as the reference implementation does: the
 * header length within the file (and under the format's 100 MB limit), UTF-8 JSON, known dtypes, shapes of
 * non-negative integers, each tensor's byte size, and data offsets that tile the data section exactly (in
 * range, no overlap, no gap, nothing after the last tensor). Every problem is an Error naming the tensor.
 */
import { fmtShape, fromValues, type Device, type Tensor } from '@nn/tensor';
import { checkOptions, describe, isPlainObject } from '../args.js';
import { decodeElements, DTYPE_BYTES, isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './dtypes.js';
import type { SafetensorsMetadata } from './save.js';

/** The format's limit on the header size. */
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) of the tensor's bytes within the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** The `__metadata__` map, or null when absent. */
  metadata: SafetensorsMetadata | null;
  tensors: Record<string, SafetensorsTensorInfo>;
}

interface Parsed extends SafetensorsHeader {
  bytes: Uint8Array;
  dataStart: number;
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new Error(`${op}: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got ${describe(bytes)}`);
}

function parse(op: string, input: unknown): Parsed {
  const bytes = asBytes(op, input);
  const size = bytes.byteLength;
  if (size < 8) throw new Error(`${op}: the file is truncated: ${size} bytes, but a safetensors file starts with an 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_BYTES) throw new Error(`${op}: header length ${n} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes: not a safetensors file?`);
  if (n > size - 8)
    throw new Error(`${op}: header length ${n} runs past the end of the file (${size} bytes): the file is truncated or not a safetensors file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new Error(`${op}: the header is not valid UTF-8: not a safetensors file?`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${op}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) throw new Error(`${op}: the header must be a JSON object, got ${describe(json)}`);

  let metadata: SafetensorsMetadata | null = null;
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [key, info] of Object.entries(json)) {
    if (key === '__metadata__') {
      if (!isPlainObject(info) || !Object.values(info).every((v) => typeof v === 'string'))
        throw new Error(`${op}: __metadata__ must be an object of strings`);
      metadata = info as SafetensorsMetadata;
    } else entries.push([key, checkInfo(op, key, info)]);
  }
  // fromEntries defines own properties, so even a key such as '__proto__' is an ordinary entry.
  const tensors: Record<string, SafetensorsTensorInfo> = Object.fromEntries(entries);
  checkLayout(op, tensors, size - 8 - n);
  return { metadata, tensors, bytes, dataStart: 8 + n };
}

function checkInfo(op: string, key: string, info: unknown): SafetensorsTensorInfo {
  if (!isPlainObject(info)) throw new Error(`${op}: the header entry of tensor '${key}' must be an object, got ${describe(info)}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (!isSafetensorsDType(dtype))
    throw new Error(`${op}: tensor '${key}' has unknown dtype ${describe(dtype)} (supported: ${SAFETENSORS_DTYPES.join(', ')})`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new Error(`${op}: tensor '${key}' has an invalid shape ${JSON.stringify(shape)}: expected an array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1])
    throw new Error(`${op}: tensor '${key}' has invalid data_offsets ${JSON.stringify(offsets)}: expected [begin, end] with 0 <= begin <= end`);
  const numel = (shape as number[]).reduce((a, d) => a * d, 1);
  const need = numel * DTYPE_BYTES[dtype];
  if (offsets[1] - offsets[0] !== need)
    throw new Error(
      `${op}: tensor '${key}' (${dtype}, shape ${fmtShape(shape as number[])}) needs ${need} bytes, but its data_offsets [${offsets.join(',')}] span ${offsets[1] - offsets[0]}`,
    );
  return { dtype, shape: shape as number[], dataOffsets: [offsets[0], offsets[1]] };
}

/** The tensors must tile [0, dataSize) exactly, as the reference implementation requires. */
function checkLayout(op: string, tensors: Record<string, SafetensorsTensorInfo>, dataSize: number): void {
  const sorted = Object.entries(tensors).sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  let prev: string | undefined;
  for (const [key, { dataOffsets: [b, e] }] of sorted) {
    if (e > dataSize)
      throw new Error(`${op}: tensor '${key}' has data_offsets [${b},${e}] beyond the end of the data section (${dataSize} bytes): the file is truncated or corrupt`);
    if (b < end) throw new Error(`${op}: the data of tensors '${prev}' and '${key}' overlap (tensor '${key}' starts at byte ${b}, before byte ${end})`);
    if (b > end)
      throw new Error(`${op}: there is a gap in the data section before tensor '${key}' (bytes ${end} to ${b} belong to no tensor)`);
    end = e;
    prev = key;
  }
  if (end !== dataSize) throw new Error(`${op}: the data section has ${dataSize} bytes but the tensors cover ${end}: the file has trailing bytes or is corrupt`);
}

/** The validated header of a safetensors file: tensor names, dtypes, shapes, offsets and `__metadata__`. */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const { metadata, tensors } = parse('readSafetensorsHeader', bytes);
  return { metadata, tensors };
}

export interface LoadSafetensorsOptions {
  /** Device of the tensors (default: the current backend). */
  device?: Device;
}

/**
 * The tensors of a safetensors file by name, e.g. a PyTorch `state_dict()` saved with
 * `safetensors.torch.save_file`, ready for `model.loadStateDict`. F32/F64/F16/BF16 load as float32 (F64 rounded),
 * I64/I32/I16/I8/U64/U32/U16/U8 as int32 (an error for values outside its range: PyTorch's int64
 * `num_batches_tracked` fits), BOOL as bool. The tensors are ordinary (tracked by the enclosing `tidy`):
 * dispose them when loaded into a model.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, opts?: LoadSafetensorsOptions): Record<string, Tensor> {
  const op = 'loadSafetensors';
  const { device } = checkOptions(op, opts, ['device']);
  const { tensors, bytes: buf, dataStart } = parse(op, bytes);
  const decoded = Object.entries(tensors).map(([key, { dtype, shape, dataOffsets: [b, e] }]) => {
    const numel = shape.reduce((a, d) => a * d, 1);
    return { key, shape, ...decodeElements(op, key, dtype, buf.subarray(dataStart + b, dataStart + e), numel) };
  });
  // Tensors are made only once everything decoded, so a bad file creates none.
  return Object.fromEntries(decoded.map(({ key, shape, values, dtype }) => [key, fromValues(op, values, shape, dtype, { device })]));
}
