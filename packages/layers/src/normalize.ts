/** The normalisation shared by BatchNorm1d and LayerNorm. */
import { add, div, mean, mul, rsqrt, square, sub, sum, type Tensor } from '@nn/tensor';

export interface Normalized {
  /** (x − mean) / √(var + eps). */
  y: Tensor;
  /** Mean over `dims` (kept as size-1 dims). */
  mean: Tensor;
  /** Σ (x − mean)² over `dims` (kept): the biased variance is sumSq / n, the unbiased one sumSq / (n − 1). */
  sumSq: Tensor;
  /** How many elements each statistic combines. */
  n: number;
}

/**
 * Normalises x over `dims` with the biased variance (two passes: the mean first, then the squared deviations),
 * as PyTorch's batch and layer norms do. Gradients flow through every step, so autograd differentiates the
 * whole expression (mean and variance included).
 */
export function normalizeOver(x: Tensor, dims: number[], eps: number): Normalized {
  const n = dims.reduce((acc, d) => acc * x.shape[d]!, 1);
  const mu = mean(x, dims, true);
  const centered = sub(x, mu);
  const sumSq = sum(square(centered), dims, true);
  const y = mul(centered, rsqrt(add(div(sumSq, n), eps)));
  return { y, mean: mu, sumSq, n };
}
