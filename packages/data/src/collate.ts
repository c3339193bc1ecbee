/**
 * PyTorch's `default_collate`: turns a list of samples into one batch by stacking matching leaves along a new
 * first dim, recursing into arrays (tuples) and plain objects.
 */
import { Tensor, fmtShape, shapesEqual, stack, tensor } from '@nn/tensor';
import { describe, isPlainObject } from './validate.js';

type TypedNumbers =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;

/** The batch `defaultCollate` builds from samples of type `T`. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | TypedNumbers
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

type Kind = 'tensor' | 'number' | 'boolean' | 'string' | 'float-array' | 'int-array' | 'array' | 'object';

function kindOf(x: unknown): Kind | undefined {
  if (x instanceof Tensor) return 'tensor';
  if (typeof x === 'number') return 'number';
  if (typeof x === 'boolean') return 'boolean';
  if (typeof x === 'string') return 'string';
  if (x instanceof Float32Array || x instanceof Float64Array) return 'float-array';
  if (
    x instanceof Int8Array || x instanceof Int16Array || x instanceof Int32Array || x instanceof Uint8Array ||
    x instanceof Uint8ClampedArray || x instanceof Uint16Array || x instanceof Uint32Array
  )
    return 'int-array';
  if (Array.isArray(x)) return 'array';
  if (isPlainObject(x)) return 'object';
  return undefined;
}

/**
 * Collates `samples` (a non-empty array) into a batch, per leaf type:
 * - Tensor: `stack` → shape `[B, ...sampleShape]` (equal shapes required);
 * - number → float32 `[B]` (JavaScript cannot tell `1` from `1.0`, so numbers are float32 as in `tensor()`;
 *   keep integer class labels in an int32 tensor or an Int32Array); boolean → bool `[B]`;
 * - Float32Array / Float64Array → float32 `[B, len]`; integer typed arrays → int32 `[B, len]`;
 * - string → the array of strings (as PyTorch leaves strings as a list);
 * - array (tuple) of equal length → an array whose entry j collates every sample's entry j;
 * - plain object with the same keys → an object whose key k collates every sample's key k.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples)) throw new Error(`defaultCollate: samples must be an array, got ${describe(samples)}`);
  if (samples.length === 0) throw new Error('defaultCollate: samples must be a non-empty array');
  return collateAt(samples, '') as Collated<T>;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const at = path ? ` (at ${path})` : '';
  const first = items[0];
  const kind = kindOf(first);
  if (kind === undefined) {
    const supported = 'Tensor, number, boolean, string, typed arrays, arrays and plain objects';
    throw new Error(`defaultCollate: sample 0${at} is ${describe(first)}; supported are ${supported}`);
  }
  items.forEach((x, i) => {
    if (kindOf(x) !== kind) throw new Error(`defaultCollate: sample ${i} is ${describe(x)} but sample 0 is ${describe(first)}${at}`);
  });
  switch (kind) {
    case 'tensor': {
      const ts = items as Tensor[];
      const t0 = ts[0]!;
      ts.forEach((t, i) => {
        if (!shapesEqual(t.shape, t0.shape))
          throw new Error(`defaultCollate: sample ${i} has shape ${fmtShape(t.shape)} but sample 0 has shape ${fmtShape(t0.shape)}${at}`);
        if (t.dtype !== t0.dtype)
          throw new Error(`defaultCollate: sample ${i} has dtype ${t.dtype} but sample 0 has dtype ${t0.dtype}${at}`);
      });
      return stack(ts);
    }
    case 'number':
      return tensor(Float32Array.from(items as number[]));
    case 'boolean':
      return tensor(items as boolean[]);
    case 'string':
      return items.slice();
    case 'float-array':
    case 'int-array':
      return stackTypedArrays(items as TypedNumbers[], kind, at);
    case 'array': {
      const arrays = items as unknown[][];
      const n = arrays[0]!.length;
      arrays.forEach((a, i) => {
        if (a.length !== n) throw new Error(`defaultCollate: sample ${i} has ${a.length} entries but sample 0 has ${n}${at}`);
      });
      return Array.from({ length: n }, (_, j) => collateAt(arrays.map((a) => a[j]), `${path}[${j}]`));
    }
    case 'object': {
      const objects = items as Record<string, unknown>[];
      const keys = Object.keys(objects[0]!);
      const keyList = JSON.stringify(keys);
      objects.forEach((o, i) => {
        const k = Object.keys(o);
        if (k.length !== keys.length || !keys.every((key) => Object.hasOwn(o, key)))
          throw new Error(`defaultCollate: sample ${i} has keys ${JSON.stringify(k)} but sample 0 has ${keyList}${at}`);
      });
      const out: Record<string, unknown> = {};
      for (const key of keys) out[key] = collateAt(objects.map((o) => o[key]), `${path}.${key}`);
      return out;
    }
  }
}

function stackTypedArrays(arrays: TypedNumbers[], kind: 'float-array' | 'int-array', at: string): Tensor {
  const len = arrays[0]!.length;
  const out = kind === 'float-array' ? new Float32Array(arrays.length * len) : new Int32Array(arrays.length * len);
  arrays.forEach((a, i) => {
    if (a.length !== len) throw new Error(`defaultCollate: sample ${i} has length ${a.length} but sample 0 has length ${len}${at}`);
    if (a instanceof Uint32Array)
      for (const v of a) if (v > 0x7fffffff) throw new Error(`defaultCollate: sample ${i} holds ${v}, which does not fit in int32${at}`);
    out.set(a, i * len);
  });
  return tensor(out, { shape: [arrays.length, len], dtype: kind === 'float-array' ? 'float32' : 'int32' });
}
