import { encodeHalf } from './float16.js';

/**
 * Element types. `bool` is stored as one byte per element (0 or 1) on the CPU; `float16` as IEEE half bit
 * patterns (a Uint16Array), which `data()` and `dataSync()` decode to a Float32Array.
 */
export type DType = 'float32' | 'float16' | 'int32' | 'bool';
/** A tensor's storage: Uint16Array holds float16 bit patterns. */
export type TypedArray = Float32Array | Int32Array | Uint8Array | Uint16Array;
export const DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float16' || x === 'int32' || x === 'bool';
}

/** float32 or float16: the dtypes that carry gradients. */
export function isFloating(dtype: DType): dtype is 'float32' | 'float16' {
  return dtype === 'float32' || dtype === 'float16';
}

export function assertDType(op: string, arg: string, x: unknown): DType {
  if (!isDType(x)) throw new Error(`${op}: ${arg} must be one of float32, float16, int32, bool, got ${String(x)}`);
  return x;
}

/** A fresh zero-filled array of `size` elements holding `dtype`. */
export function makeArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float16':
      return new Uint16Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The array creation functions write numbers into: float32 for float16 (`fromValues` rounds it to halves). */
export function valuesArray(dtype: DType, size: number): TypedArray {
  return makeArray(dtype === 'float16' ? 'float32' : dtype, size);
}

/**
 * Copies `values` into a new array of `dtype`, rounding toward zero into int32 (a value that is not finite or
 * leaves int32 is an error naming `op`, as PyTorch refuses it: never a silent wrap-around) and mapping non-zero
 * to 1 for bool and rounding to the nearest half (ties to even) for float16.
 */
export function convertArray(values: ArrayLike<number | boolean>, dtype: DType, op = 'tensor'): TypedArray {
  if (dtype === 'float16') return encodeHalf(values instanceof Float32Array ? values : Array.from(values, Number));
  const out = makeArray(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = toInt32(op, Number(values[i]), i);
  else for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}

/** `v` rounded toward zero as an int32; an error naming `op` (and the element `at`) when it is NaN, ±inf or out of range. */
export function toInt32(op: string, v: number, at?: number): number {
  const t = Math.trunc(v);
  if (!(t >= -2147483648 && t <= 2147483647))
    throw new Error(`${op}: ${v}${at === undefined ? '' : ` (element ${at})`} cannot be converted to int32 without overflow (int32 holds integers in [-2^31, 2^31))`);
  return t;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : dtype === 'float16' ? 2 : 4;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float16: 2, float32: 3 };

/** The type two operands promote to, as PyTorch does for bool < int < float16 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype a JavaScript number takes when it meets a tensor of `dtype` (PyTorch's scalar promotion). */
export function scalarDType(value: number | boolean, other: DType): DType {
  if (typeof value === 'boolean') return other;
  if (isFloating(other)) return other;
  if (Number.isInteger(value)) return other === 'bool' ? 'int32' : other;
  return 'float32';
}
