/**
 * The element types of the safetensors format and their conversion to @nn's dtypes: floats of any width load
 * as float32, integers as int32 (range-checked where they could overflow), BOOL as bool. Bytes are little-endian.
 */
import { encodeHalf, fromHalfBits, type DType, type TypedArray } from '@nn/tensor';

export const SAFETENSORS_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL'] as const;
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element. */
export const DTYPE_BYTES: Record<SafetensorsDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/** What each @nn dtype is written as. */
export const WRITE_DTYPE: Record<DType, SafetensorsDType> = { float32: 'F32', float16: 'F16', int32: 'I32', bool: 'BOOL' };

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(x);
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `n` elements of `dtype` from `bytes` (the tensor's region of the file) into a fresh array of the
 * matching @nn dtype. Throws `op: tensor 'name' (I64) holds 4294967296 at index 3, outside the int32 range`
 * for integers that int32 cannot hold.
 */
export function decodeElements(op: string, name: string, dtype: SafetensorsDType, bytes: Uint8Array, n: number): { values: TypedArray; dtype: DType } {
  return decodeLittleEndian(dtype, bytes, n, (i, v) =>
    new Error(`${op}: tensor '${name}' (${dtype}) holds ${v} at index ${i}, outside the int32 range; @nn stores integers as int32`),
  );
}

/**
 * `n` little-endian elements of `dtype` from `bytes` (exactly their bytes) into a fresh array of the matching @nn
 * dtype: floats as float32, integers as int32 (`outOfRange(i, value)` is thrown for one int32 cannot hold), BOOL
 * as bool. Shared by safetensors and PyTorch checkpoints (pt/storage-types.ts), which name their errors apart.
 */
export function decodeLittleEndian(
  dtype: SafetensorsDType, bytes: Uint8Array, n: number, outOfRange: (i: number, v: bigint | number) => Error,
): { values: TypedArray; dtype: DType } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return { values: new Float32Array(copyBuffer(bytes)), dtype: 'float32' };
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
      return { values: out, dtype: 'float32' };
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
      return { values: out, dtype: 'float32' };
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = fromHalfBits(dv.getUint16(2 * i, true));
      return { values: out, dtype: 'float32' };
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      return { values: new Float32Array(bits.buffer), dtype: 'float32' };
    }
    case 'I32': {
      if (LITTLE_ENDIAN) return { values: new Int32Array(copyBuffer(bytes)), dtype: 'int32' };
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true);
      return { values: out, dtype: 'int32' };
    }
    case 'I64':
    case 'U64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = dv.getUint32(8 * i, true);
        const hi = dv.getUint32(8 * i + 4, true);
        const fits = hi === 0 ? lo <= 0x7fffffff : dtype === 'I64' && hi === 0xffffffff && lo >= 0x80000000;
        if (!fits) throw outOfRange(i, dtype === 'I64' ? dv.getBigInt64(8 * i, true) : dv.getBigUint64(8 * i, true));
        out[i] = lo | 0;
      }
      return { values: out, dtype: 'int32' };
    }
    case 'U32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = dv.getUint32(4 * i, true);
        if (v > 0x7fffffff) throw outOfRange(i, v);
        out[i] = v;
      }
      return { values: out, dtype: 'int32' };
    }
    case 'I16':
    case 'U16':
    case 'I8':
    case 'U8': {
      const out = new Int32Array(n);
      const get =
        dtype === 'I16' ? (i: number) => dv.getInt16(2 * i, true)
        : dtype === 'U16' ? (i: number) => dv.getUint16(2 * i, true)
        : dtype === 'I8' ? (i: number) => dv.getInt8(i)
        : (i: number) => dv.getUint8(i);
      for (let i = 0; i < n; i++) out[i] = get(i);
      return { values: out, dtype: 'int32' };
    }
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[i] ? 1 : 0;
      return { values: out, dtype: 'bool' };
    }
  }
}

/** The little-endian bytes of `values` (float32, int32 or bool storage). */
export function encodeElements(values: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN || values instanceof Uint8Array) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++)
    if (values instanceof Float32Array) dv.setFloat32(4 * i, values[i]!, true);
    else if (values instanceof Uint16Array) dv.setUint16(2 * i, values[i]!, true);
    else dv.setInt32(4 * i, values[i]!, true);
  return out;
}

/** A tensor's elements as stored in a file: float16 as its half bit patterns (what `data()` decodes). */
export function storedElements(dtype: DType, values: TypedArray): TypedArray {
  return dtype === 'float16' ? encodeHalf(values) : values;
}

/**
 * A fresh ArrayBuffer holding exactly `bytes` (aligned for typed-array views). Not `bytes.slice().buffer`: a Node
 * Buffer's `slice` shares memory, and its `.buffer` is the whole pool.
 */
function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
