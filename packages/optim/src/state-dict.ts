/**
 * The JSON form of an optimizer's state. Tensors become `{shape, dtype, data}` with every float32 element as a
 * JSON number (a float32 converts to a double exactly and JSON prints doubles so they parse back to the same
 * bits), except the values JSON cannot carry: NaN, ±Infinity and -0 are written as the strings 'NaN',
 * 'Infinity', '-Infinity' and '-0'. A stringify/parse round trip therefore restores the state bit for bit.
 */
import { fmtShape, shapesEqual, sizeOf } from '@nn/tensor';
import { fmt } from './hyper.js';

export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export interface SerializedTensor {
  shape: number[];
  dtype: 'float32';
  data: EncodedNumber[];
}

/** One parameter's state: scalars (step counts, NAdam's mu product) as numbers, tensors serialized. */
export type SerializedParamState = Record<string, number | SerializedTensor>;

/** A parameter group: its hyperparameters (and any extra keys) plus `params`, the positions of its parameters. */
export type SerializedParamGroup = { params: number[] } & Record<string, unknown>;

export interface OptimizerStateDict {
  /** Keyed by parameter position, counted across groups in order (as PyTorch does). */
  state: Record<string, SerializedParamState>;
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
 * Validates a serialized tensor against the parameter it belongs to and returns its elements.
 * `where` names it in errors (`state[3].expAvg`).
 */
export function decodeTensor(op: string, where: string, value: unknown, shape: readonly number[]): Float32Array {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${op}: ${where} must be a serialized tensor {shape, dtype, data}, got ${fmt(value)}`);
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
