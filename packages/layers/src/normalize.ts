/**
 * The normalisation shared by BatchNorm, LayerNorm and GroupNorm: x viewed as [A, C, B] is normalised per C
 * over A and B with the biased variance, y = (x − mean)·rstd, rstd = 1/√(var + eps), then optionally scaled
 * and shifted per C. Fused: the Moments kernel takes the statistics in two passes, and the whole affine map
 * x·(rstd·weight) + (bias − mean·rstd·weight) is one ScaleShift pass, as PyTorch's CPU batch norm computes it;
 * autograd differentiates through both kernels. `normalizeOver` is the same computation as a composite of
 * elementwise ops and reductions, kept as the reference the fused path is tested against.
 */
import { add, engine, mul, narrow, neg, reshape, rsqrt, sub, sum, square, div, mean as meanOf, type Tensor } from '@nn/tensor';

export interface ChannelStats {
  /** Per C: the mean. */
  mean: Tensor;
  /** Per C: the biased variance Σ(x − mean)² / n. */
  variance: Tensor;
  /** How many elements each statistic combines (A·B). */
  n: number;
}

/** Mean and biased variance of x viewed as `view` [A, C, B], per C (the Moments kernel). */
export function channelStats(x: Tensor, view: [number, number, number]): ChannelStats {
  const stats = engine.runKernel('Moments', [x], { view });
  const row = (i: number) => reshape(narrow(stats, 0, i, 1), [view[1]]);
  return { mean: row(0), variance: row(1), n: view[0] * view[2] };
}

/**
 * (x − mean)·rstd·weight + bias per C of x viewed as `view`, given the statistics (batch or running ones);
 * weight and bias [C] or null. One ScaleShift pass over x.
 */
export function normalizeWith(x: Tensor, view: [number, number, number], mean: Tensor, variance: Tensor, eps: number, weight: Tensor | null, bias: Tensor | null): Tensor {
  const rstd = rsqrt(add(variance, eps));
  const scale = weight ? mul(rstd, weight) : rstd;
  const shift = bias ? sub(bias, mul(mean, scale)) : neg(mul(mean, scale));
  return engine.runKernel('ScaleShift', [x, scale, shift], { view });
}

/**
 * The composite reference: normalises x over `dims` with the biased variance, two passes (the mean, then the
 * squared deviations), from elementwise ops and reductions.
 */
export function normalizeOver(x: Tensor, dims: number[], eps: number): Tensor {
  const n = dims.reduce((acc, d) => acc * x.shape[d]!, 1);
  const centered = sub(x, meanOf(x, dims, true));
  return mul(centered, rsqrt(add(div(sum(square(centered), dims, true), n), eps)));
}
