import { sizeOf, uniformValues, type Tensor } from '@nn/tensor';
import { erfinv, normalCdf } from './erf.js';
import { checkFinite, checkOptions, checkShape, generatorOf, toTensor, type InitOptions } from './options.js';

export interface TruncNormalOptions extends InitOptions {
  /** Mean of the untruncated normal (default 0). */
  mean?: number;
  /** Standard deviation of the untruncated normal, > 0 (default 1). */
  std?: number;
  /** Lower cutoff, an absolute value like PyTorch's `trunc_normal_` (default −2). */
  a?: number;
  /** Upper cutoff, absolute (default 2). */
  b?: number;
}

/**
 * Samples from N(mean, std²) truncated to [a, b], by PyTorch's inverse-CDF method (no rejection loop):
 * with Φ the standard normal CDF, l = Φ((a − mean)/std) and h = Φ((b − mean)/std), draw v uniform in
 * [2l − 1, 2h − 1], then x = mean + std·√2·erf⁻¹(v), clamped to [a, b]. Computed in float64 on the host
 * (PyTorch works in the tensor's dtype), then rounded to float32. Most accurate when a ≤ mean ≤ b.
 */
export function truncNormal(shape: number | readonly number[], opts?: TruncNormalOptions): Tensor {
  const op = 'truncNormal';
  const s = checkShape(op, shape);
  const o = checkOptions(op, opts);
  const mean = checkFinite(op, 'mean', o.mean ?? 0);
  const std = checkFinite(op, 'std', o.std ?? 1);
  const a = checkFinite(op, 'a', o.a ?? -2);
  const b = checkFinite(op, 'b', o.b ?? 2);
  if (std <= 0) throw new Error(`${op}: std must be positive, got ${std}`);
  if (a >= b) throw new Error(`${op}: a must be less than b, got a=${a}, b=${b}`);
  const u = uniformValues(generatorOf(op, o), sizeOf(s));
  return toTensor(truncNormalFromUniform(u, mean, std, a, b), s, o);
}

/** The inverse-CDF transform of uniform [0, 1) draws `u` into truncated-normal samples (see `truncNormal`). */
export function truncNormalFromUniform(u: ArrayLike<number>, mean: number, std: number, a: number, b: number): Float64Array {
  const lo = 2 * normalCdf((a - mean) / std) - 1;
  const hi = 2 * normalCdf((b - mean) / std) - 1;
  const scale = std * Math.SQRT2;
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const x = mean + scale * erfinv(lo + (hi - lo) * u[i]!);
    out[i] = Math.min(b, Math.max(a, x));
  }
  return out;
}
