import { div, tidy, zeros, type Tensor } from '@nn/tensor';
import { normOrder, totalNorm, type NormType } from './norm.js';
import { describe, gradsOf, type TensorOrTensors } from './params.js';

export interface ClipGradNormOptions {
  /** Order of the norm: any p > 0, or `Infinity` / `'inf'` for the max-abs norm (default 2). */
  normType?: NormType;
  /**
   * Throw if the total norm is NaN or ±Infinity (default false). This has to read the norm back to the host,
   * so it synchronises: fine on the CPU, and on WebGPU it throws because a synchronous read is impossible
   * there (check `await norm.data()` yourself instead).
   */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients of `params` in place so that their total norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_`. The total norm is taken over all `.grad`s together, as if concatenated into one vector
 * (parameters without a gradient are skipped): ‖g‖ = ‖(‖g₁‖ₚ, …, ‖gₖ‖ₚ)‖ₚ. Every gradient is then
 * multiplied by clipCoef = min(1, maxNorm / (‖g‖ + 1e-6)) — branch-free, so nothing is read back from the
 * device and a GPU training step never stalls here; below the threshold the coefficient is exactly 1.
 *
 * Returns the total norm before clipping as a 0-d float32 tensor on the gradients' device (the caller owns
 * it; it survives an enclosing `tidy` only if returned from it), or a 0 tensor when no parameter has a gradient.
 */
export function clipGradNorm(params: TensorOrTensors, maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0)
    throw new Error(`${op}: maxNorm must be a non-negative number, got ${describe(maxNorm)}`);
  if (typeof opts !== 'object' || opts === null) throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  const p = normOrder(op, opts.normType ?? 2);
  const grads = gradsOf(op, params);
  if (grads.length === 0) return zeros([]);
  const total = totalNorm(op, grads, p);
  if (opts.errorIfNonfinite) checkFinite(op, total, p);
  tidy(() => {
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const g of grads) g.assign(g.mul(coef));
  });
  return total;
}

function checkFinite(op: string, total: Tensor, p: number): void {
  let value: number;
  try {
    value = total.dataSync()[0]!;
  } catch (e) {
    total.dispose();
    throw new Error(`${op}: errorIfNonfinite reads the norm synchronously, which failed: ${(e as Error).message}`);
  }
  if (Number.isFinite(value)) return;
  total.dispose();
  throw new Error(
    `${op}: the total norm of order ${p === Infinity ? 'inf' : p} for gradients is non-finite, so it cannot be clipped ` +
      `(got ${value}). To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false`,
  );
}
