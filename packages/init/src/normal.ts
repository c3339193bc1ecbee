import { normalValues, sizeOf, type Tensor } from '@nn/tensor';
import { checkFinite, checkOptions, checkShape, generatorOf, toTensor, type InitOptions } from './options.js';

/**
 * Samples from N(mean, std²): `mean + std·z` with z standard normal from the generator (the same draws as
 * `randn`). Needs a finite `std ≥ 0`. `normal(shape, opts)` uses the defaults mean = 0, std = 1.
 */
export function normal(shape: number | readonly number[], mean?: number | InitOptions, std?: number, opts?: InitOptions): Tensor {
  if (typeof mean === 'object') return normal(shape, 0, 1, mean);
  return sampleNormal('normal', shape, mean ?? 0, std ?? 1, opts);
}

/** `normal` under another function's name, so its errors name the caller (xavierNormal, kaimingNormal). */
export function sampleNormal(op: string, shape: unknown, mean: unknown, std: unknown, opts: InitOptions | undefined): Tensor {
  const s = checkShape(op, shape);
  const o = checkOptions(op, opts);
  const m = checkFinite(op, 'mean', mean);
  const sd = checkFinite(op, 'std', std);
  if (sd < 0) throw new Error(`${op}: std must be non-negative, got ${sd}`);
  const z = normalValues(generatorOf(op, o), sizeOf(s));
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = m + sd * z[i]!;
  return toTensor(out, s, o);
}
