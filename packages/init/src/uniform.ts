import { sizeOf, uniformValues, type Tensor } from '@nn/tensor';
import { checkFinite, checkOptions, checkShape, generatorOf, toTensor, type InitOptions } from './options.js';

/**
 * Samples from U(a, b): `a + (b − a)·u` with u uniform in [0, 1) from the generator (24-bit resolution, as
 * `rand`), so `uniform(s, 0, 1, {generator})` equals `rand(s, {generator})` for the same generator state.
 * Needs finite `a ≤ b`. `uniform(shape, opts)` uses the defaults a = 0, b = 1.
 */
export function uniform(shape: number | readonly number[], a?: number | InitOptions, b?: number, opts?: InitOptions): Tensor {
  if (typeof a === 'object') return uniform(shape, 0, 1, a);
  return sampleUniform('uniform', shape, a ?? 0, b ?? 1, opts);
}

/** `uniform` under another function's name, so its errors name the caller (xavierUniform, kaimingUniform). */
export function sampleUniform(op: string, shape: unknown, a: unknown, b: unknown, opts: InitOptions | undefined): Tensor {
  const s = checkShape(op, shape);
  const o = checkOptions(op, opts);
  const lo = checkFinite(op, 'a', a);
  const hi = checkFinite(op, 'b', b);
  if (lo > hi) throw new Error(`${op}: a must be less than or equal to b, got a=${lo}, b=${hi}`);
  const u = uniformValues(generatorOf(op, o), sizeOf(s));
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = lo + (hi - lo) * u[i]!;
  return toTensor(out, s, o);
}
