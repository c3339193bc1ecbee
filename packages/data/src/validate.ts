/** Argument checks shared by the package's public functions; every message names the function and the argument. */
import { describeValue as describe } from '@nn/tensor';

/** The shared helpers under the names this package's modules use; `describe` reads `number 3`, `string "a"`, `an array`. */
export { describeValue as describe, isPlainObject, checkOptions } from '@nn/tensor';

export function checkBoolean(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${op}: ${arg} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A positive (or, with `min = 0`, non-negative) safe integer. */
export function checkInt(op: string, arg: string, v: unknown, min: 0 | 1 = 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new Error(`${op}: ${arg} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got ${describe(v)}`);
  return v;
}

/** Sample index `i` of a dataset of `length` samples: an integer in [0, length). */
export function checkIndex(op: string, i: unknown, length: number): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new Error(`${op}: index must be an integer, got ${describe(i)}`);
  if (i < 0 || i >= length) throw new Error(`${op}: index ${i} is out of range for a dataset of length ${length}`);
  return i;
}

/** Copies a list of sample indices into an Int32Array, checking each is an integer in [0, length). */
export function checkIndices(op: string, arg: string, indices: unknown, length: number): Int32Array {
  if (!(Array.isArray(indices) || indices instanceof Int32Array || (ArrayBuffer.isView(indices) && !(indices instanceof DataView))))
    throw new Error(`${op}: ${arg} must be an array or typed array of integers, got ${describe(indices)}`);
  const list = indices as ArrayLike<unknown>;
  const out = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new Error(`${op}: ${arg}[${k}] must be an integer, got ${describe(v)}`);
    if (v < 0 || v >= length) throw new Error(`${op}: ${arg}[${k}] = ${v} is out of range for a dataset of length ${length}`);
    out[k] = v;
  }
  return out;
}
