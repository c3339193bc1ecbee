import { toInt32, valuesArray } from '../dtype.js';
import { defaultGenerator, Generator } from '../random/generator.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOpts, checkShape } from './create-args.js';
import { fromValues, type CreateOptions } from './creation.js';

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/**
 * Validated random-op options: known keys only, and a dtype among `dtypes` (the first is the default), so
 * `randn(shape, {dtype: 'int32'})` is an error rather than a float32 tensor.
 */
function randomOpts(op: string, opts: RandomOptions, dtypes: readonly ('float32' | 'float16' | 'int32')[]): RandomOptions {
  checkOpts(op, opts, ['generator']);
  if (opts.dtype !== undefined && !dtypes.includes(opts.dtype as 'float32'))
    throw new Error(`${op}: dtype must be ${dtypes.join(' or ')}, got ${opts.dtype}${op === 'randn' || op === 'rand' ? ' (randint draws integers)' : ''}`);
  return opts;
}

function gen(op: string, opts: RandomOptions): Generator {
  const g = opts.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator`);
  return g;
}

const TWO_POW_M24 = 1 / 16777216;

/** Uniform in [0, 1): the top 24 bits of each word, so every value is exactly representable in float32. */
export function uniformValues(g: Generator, n: number): Float32Array {
  const w = g.nextWords(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (w[i]! >>> 8) * TWO_POW_M24;
  return out;
}

/** Standard normal by Box–Muller on pairs of words (u1 in (0, 1] so the log is finite). */
export function normalValues(g: Generator, n: number): Float32Array {
  const w = g.nextWords(2 * n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = ((w[2 * i]! >>> 8) + 1) * TWO_POW_M24;
    const u2 = (w[2 * i + 1]! >>> 8) * TWO_POW_M24;
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

/** Uniform samples in [0, 1). */
export function rand(shape: number | readonly number[], opts: RandomOptions = {}): Tensor {
  randomOpts('rand', opts, ['float32', 'float16']);
  const s = checkShape('rand', shape);
  return fromValues('rand', uniformValues(gen('rand', opts), sizeOf(s)), s, opts.dtype ?? 'float32', opts);
}

/** Standard normal samples. */
export function randn(shape: number | readonly number[], opts: RandomOptions = {}): Tensor {
  randomOpts('randn', opts, ['float32', 'float16']);
  const s = checkShape('randn', shape);
  return fromValues('randn', normalValues(gen('randn', opts), sizeOf(s)), s, opts.dtype ?? 'float32', opts);
}

/** Integers uniform in [low, high), int32. */
export function randint(low: number, high: number, shape: number | readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new Error(`randint: low and high must be integers, got ${low} and ${high}`);
  if (high <= low) throw new Error(`randint: high must be greater than low, got low ${low}, high ${high}`);
  randomOpts('randint', opts, ['int32', 'float32', 'float16']);
  for (const [k, v] of Object.entries({ low, high: high - 1 })) toInt32(`randint: ${k}`, v);
  const s = checkShape('randint', shape);
  const n = sizeOf(s);
  const w = gen('randint', opts).nextWords(n);
  const range = high - low;
  const dtype = opts.dtype ?? 'int32';
  const out = valuesArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = low + Math.floor((w[i]! / 4294967296) * range);
  return fromValues('randint', out, s, dtype, opts);
}

/** A random permutation of 0..n-1 (int32), by Fisher–Yates driven by the generator. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a non-negative integer, got ${n}`);
  randomOpts('randperm', opts, ['int32']);
  checkShape('randperm', [n]);
  return fromValues('randperm', permutation(gen('randperm', opts), n), [n], 'int32', opts);
}

export function permutation(g: Generator, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const w = g.nextWords(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((w[i]! / 4294967296) * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
