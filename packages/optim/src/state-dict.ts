/**
 * The form of an optimizer's state dict, and the checks `loadStateDict` applies to each state tensor.
 *
 * `stateDict()` holds state tensors as Tensors (JSON-like data only for scalars and hyperparameters), so
 * `save(opt.stateDict())` from @nn/layers stores them as raw float32 bytes. `loadStateDict` also accepts the
 * earlier, documented JSON form, in which each tensor is `{shape, dtype: 'float32', data}` with every element a
 * JSON number, except NaN, ±Infinity and -0, written as the strings 'NaN', 'Infinity', '-Infinity' and '-0'.
 */
import { fmtShape, shapesEqual, sizeOf, Tensor } from '@nn/tensor';
import { fmt } from './hyper.js';

export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** A state tensor in the earlier JSON form of state dicts (still accepted by `loadStateDict`). */
export interface SerializedTensor {
  shape: number[];
  dtype: 'float32';
  data: EncodedNumber[];
}

/** One parameter's state: scalars (step counts) as numbers, moments and buffers as Tensors. */
export type SerializedParamState = Record<string, number | Tensor>;

/** A parameter group: its hyperparameters (and any extra keys) plus `params`, the positions of its parameters. */
export type SerializedParamGroup = { params: number[] } & Record<string, unknown>;

export interface OptimizerStateDict {
  /** Keyed by parameter position, counted across groups in order (as PyTorch does). */
  state: Record<string, SerializedParamState>;
  paramGroups: SerializedParamGroup[];
}

/** The earlier JSON form of `OptimizerStateDict`, with each tensor as a `SerializedTensor`. */
export interface JsonOptimizerStateDict {
  state: Record<string, Record<string, number | SerializedTensor>>;
  paramGroups: SerializedParamGroup[];
}

/** Whether each state key holds a tensor or a number, and whether it may be absent. */
export type StateKind = 'tensor' | 'tensor?' | 'number';
export type StateSpec = Readonly<Record<string, StateKind>>;

/** The JSON-safe form of float elements: numbers, with NaN, ±Infinity and -0 as strings. */
export function encodeValues(values: ArrayLike<number>): EncodedNumber[] {
  const out: EncodedNumber[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) out[i] = Object.is(v, -0) ? '-0' : v;
    else out[i] = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  return out;
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** The inverse of `encodeValues` for one element; undefined for anything `encodeValues` never writes. */
export function decodeValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : undefined;
}

/**
 * Validates a state tensor against the parameter it belongs to: a live float32 Tensor of the parameter's shape,
 * on the CPU or the parameter's device (returned as is), or a `SerializedTensor` (decoded to its elements).
 * `where` names it in errors (`state[3].expAvg`).
 */
export function decodeTensor(op: string, where: string, value: unknown, param: Tensor): Tensor | Float32Array {
  const shape = param.shape;
  if (value instanceof Tensor) {
    if (value.isDisposed) throw new Error(`${op}: ${where} (shape ${fmtShape(value.shape)}) has been disposed`);
    if (!shapesEqual(value.shape, shape))
      throw new Error(`${op}: ${where} has shape ${fmtShape(value.shape)}, but its parameter has shape ${fmtShape(shape)}`);
    if (value.dtype !== 'float32') throw new Error(`${op}: ${where} must be a float32 tensor, got ${value.dtype}`);
    if (value.device !== 'cpu' && value.device !== param.device)
      throw new Error(`${op}: ${where} is on ${value.device} but its parameter is on ${param.device}; move it first (await t.toAsync('${param.device}'))`);
    return value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${op}: ${where} must be a Tensor (or a serialized tensor {shape, dtype, data}), got ${fmt(value)}`);
  const t = value as Partial<SerializedTensor>;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${op}: ${where}.shape must be an array of non-negative integers, got ${fmt(t.shape)}`);
  if (!shapesEqual(t.shape, shape))
    throw new Error(`${op}: ${where} has shape ${fmtShape(t.shape)}, but its parameter has shape ${fmtShape(shape)}`);
  if (t.dtype !== 'float32') throw new Error(`${op}: ${where}.dtype must be 'float32', got ${fmt(t.dtype)}`);
  if (!Array.isArray(t.data)) throw new Error(`${op}: ${where}.data must be an array of numbers, got ${fmt(t.data)}`);
  const n = sizeOf(shape);
  if (t.data.length !== n) throw new Error(`${op}: ${where}.data has ${t.data.length} elements, shape ${fmtShape(shape)} needs ${n}`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = decodeValue(t.data[i]);
    if (v !== undefined) out[i] = v;
    else throw new Error(`${op}: ${where}.data[${i}] must be a number or one of 'NaN', 'Infinity', '-Infinity', '-0', got ${fmt(t.data[i])}`);
  }
  return out;
}
