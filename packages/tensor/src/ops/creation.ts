import type { Device } from '../backend.js';
import { convertArray, toInt32, valuesArray, type DType, type TypedArray } from '../dtype.js';
import { encodeHalf } from '../float16.js';

import { checkOpts, checkShape, checkSize } from './create-args.js';
import { engine } from '../engine.js';
import { fmtShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertTensor, describe } from './util.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** Shape for flat data (a typed array or flat list); inferred from nesting otherwise. */
  shape?: readonly number[];
}

export type TensorData = number | boolean | TypedArray | readonly TensorData[];

/** Creates a tensor from `values` (taking ownership of the array) on `opts.device` or the current backend. */
export function fromValues(op: string, values: TypedArray, shape: readonly number[], dtype: DType, opts: CreateOptions = {}): Tensor {
  if (dtype === 'float16' && values instanceof Float32Array) values = encodeHalf(values);
  const backend = opts.device ? engine.backendFor(op, opts.device) : engine.backend;
  const t = engine.makeTensor({ dataId: backend.write(values, shape, dtype), shape, dtype }, backend, op);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}


/**
 * A tensor from a number, a boolean, nested arrays or a typed array. Plain JavaScript numbers give float32
 * (JavaScript cannot tell `1` from `1.0`); booleans give bool; an Int32Array gives int32; pass `dtype` to choose.
 */
export function tensor(data: TensorData, opts: TensorOptions = {}): Tensor {
  checkOpts('tensor', opts, ['shape']);
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  let dtype: DType | undefined = opts.dtype;
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    inferred = [flat.length];
    dtype ??= data instanceof Float32Array || data instanceof Float64Array ? 'float32' : 'int32';
  } else {
    const out: (number | boolean)[] = [];
    inferred = inferShape(data, out);
    flat = out;
    dtype ??= out.length > 0 && typeof out[0] === 'boolean' ? 'bool' : 'float32';
  }
  let shape = inferred;
  if (opts.shape !== undefined) {
    shape = checkShape('tensor', opts.shape);
    if (sizeOf(shape) !== flat.length)
      throw new Error(`tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, but data has ${flat.length}`);
  }
  checkSize('tensor', shape);
  return fromValues('tensor', convertArray(flat, dtype, 'tensor'), shape, dtype, opts);
}

function inferShape(data: TensorData, out: (number | boolean)[]): number[] {
  if (typeof data === 'number' || typeof data === 'boolean') {
    out.push(data);
    return [];
  }
  if (ArrayBuffer.isView(data)) {
    for (const v of data as TypedArray) out.push(v);
    return [(data as TypedArray).length];
  }
  if (!Array.isArray(data)) throw new Error(`tensor: data must be a number, boolean, array or typed array, got ${describe(data)}`);
  if (data.length === 0) return [0];
  let inner: number[] | undefined;
  for (const [i, d] of data.entries()) {
    const s = inferShape(d, out);
    if (inner === undefined) inner = s;
    else if (fmtShape(s) !== fmtShape(inner))
      throw new Error(`tensor: ragged nested array: element ${i} has shape ${fmtShape(s)}, element 0 has ${fmtShape(inner)}`);
  }
  return [data.length, ...inner!];
}

/** A tensor of `shape` filled with `value` (float32 for numbers, bool for booleans, unless `dtype` says). */
export function full(shape: number | readonly number[], value: number | boolean, opts?: CreateOptions): Tensor {
  return filled('full', shape, value, opts);
}

function filled(op: string, shape: number | readonly number[], value: number | boolean, opts?: CreateOptions): Tensor {
  const o = checkOpts(op, opts);
  const s = checkShape(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${op}: value must be a number or boolean, got ${describe(value)}`);
  const dtype = o.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const arr = valuesArray(dtype, sizeOf(s));
  arr.fill(dtype === 'int32' ? toInt32(op, Number(value)) : Number(value));
  return fromValues(op, arr, s, dtype, o);
}

export function zeros(shape: number | readonly number[], opts?: CreateOptions): Tensor {
  return filled('zeros', shape, 0, opts);
}

export function ones(shape: number | readonly number[], opts?: CreateOptions): Tensor {
  return filled('ones', shape, 1, opts);
}

function likeOpts(op: string, t: Tensor, opts?: CreateOptions): CreateOptions {
  assertTensor(op, 'x', t);
  return { dtype: t.dtype, device: t.device, ...checkOpts(op, opts) };
}

export function zerosLike(t: Tensor, opts?: CreateOptions): Tensor {
  return filled('zerosLike', t.shape, 0, likeOpts('zerosLike', t, opts));
}

export function onesLike(t: Tensor, opts?: CreateOptions): Tensor {
  return filled('onesLike', t.shape, 1, likeOpts('onesLike', t, opts));
}

export function fullLike(t: Tensor, value: number | boolean, opts?: CreateOptions): Tensor {
  return filled('fullLike', t.shape, value, likeOpts('fullLike', t, opts));
}

/**
 * `arange(end)` or `arange(start, end, step = 1)`: values start, start+step, ... below end. Integer arguments
 * give int32 (as PyTorch gives an integer tensor); any fractional argument gives float32.
 */
export function arange(start: number, end?: number, step: number | CreateOptions = 1, opts?: CreateOptions): Tensor {
  if (typeof step === 'object') {
    opts = step;
    step = 1;
  }
  const o = checkOpts('arange', opts);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [k, v] of Object.entries({ start, end, step }))
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`arange: ${k} must be a finite number, got ${String(v)}`);
  if (step === 0) throw new Error('arange: step must be non-zero');
  if ((end - start) / step < 0) throw new Error(`arange: upper bound and step are inconsistent: start ${start}, end ${end}, step ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkSize('arange', [n]);
  const dtype = o.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const arr = valuesArray(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = dtype === 'int32' ? toInt32('arange', start + i * step) : start + i * step;
  return fromValues('arange', arr, [n], dtype, o);
}

/** `steps` evenly spaced float32 values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, opts?: CreateOptions): Tensor {
  const o = checkOpts('linspace', opts);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkSize('linspace', [steps]);
  const dtype = o.dtype ?? 'float32';
  const arr = valuesArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric from both ends, as PyTorch does, so the last element is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return fromValues('linspace', arr, [steps], dtype, o);
}

/** The n×m identity matrix (m = n by default). */
export function eye(n: number, m: number | CreateOptions = n, opts?: CreateOptions): Tensor {
  if (typeof m === 'object') {
    opts = m;
    m = n;
  }
  const o = checkOpts('eye', opts);
  for (const [k, v] of Object.entries({ n, m }))
    if (!Number.isInteger(v) || v < 0) throw new Error(`eye: ${k} must be a non-negative integer, got ${v}`);
  checkSize('eye', [n, m]);
  const dtype = o.dtype ?? 'float32';
  const arr = valuesArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return fromValues('eye', arr, [n, m], dtype, o);
}
