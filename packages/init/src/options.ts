import { defaultGenerator, Generator, tensor, type Device, type Tensor } from '@nn/tensor';

/** Options every initializer takes. */
export interface InitOptions {
  /** Random stream to draw from; the global generator (seeded by `manualSeed`) by default. */
  generator?: Generator;
  /** Device of the returned tensor; the current backend by default. */
  device?: Device;
  /** Mark the result as a leaf that requires gradients (a parameter). */
  requiresGrad?: boolean;
}

/** A shape as a list of dims; a single number `n` means `[n]`. Throws `op: shape must be ...` otherwise. */
export function checkShape(op: string, shape: unknown): number[] {
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${op}: shape must be a non-negative integer or an array of them, got ${JSON.stringify(shape)}`);
  return s.slice();
}

export function checkOptions<T extends InitOptions>(op: string, opts: T | undefined): T {
  if (opts === undefined) return {} as T;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new Error(`${op}: options must be an object, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}`);
  return opts;
}

export function generatorOf(op: string, opts: InitOptions): Generator {
  const g = opts.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator, got ${describe(g)}`);
  return g;
}

/** Throws `op: name must be a finite number, got x` unless `x` is one. */
export function checkFinite(op: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${op}: ${name} must be a finite number, got ${describe(x)}`);
  return x;
}

export function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x === null || x === undefined || typeof x !== 'object') return String(x);
  if (Array.isArray(x)) return 'an array';
  return (x as object).constructor?.name ?? 'an object';
}

/** The float32 tensor holding `values` (rounded from float64 if need be) on the requested device. */
export function toTensor(values: Float32Array | Float64Array, shape: readonly number[], opts: InitOptions): Tensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return tensor(data, { shape, dtype: 'float32', device: opts.device, requiresGrad: opts.requiresGrad });
}
