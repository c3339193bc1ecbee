import { stack, tidy, zeros, type Tensor } from '@nn/tensor';
import { describe } from './params.js';

/** A norm order: any p > 0, or `Infinity` / `'inf'` for the max-abs norm. */
export type NormType = number | 'inf';

/** Validates a norm order and returns it as a number (`'inf'` → Infinity). */
export function normOrder(op: string, normType: unknown): number {
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || Number.isNaN(p) || p <= 0)
    throw new Error(`${op}: normType must be a positive number, Infinity or 'inf', got ${describe(normType)}`);
  return p;
}

/** The p-norm of all elements of `x` as a 0-d tensor: (Σ|x|ᵖ)^{1/p}, √(Σx²) for p = 2, max|x| for p = ∞. */
export function vectorNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return x.abs().max();
  if (p === 2) return x.square().sum().sqrt();
  if (p === 1) return x.abs().sum();
  return x.abs().pow(p).sum().pow(1 / p);
}

/**
 * The p-norm of several tensors taken together (as if concatenated into one vector), computed like PyTorch:
 * the norm of the vector of per-tensor norms. Runs with tensor ops on the tensors' device (no readback);
 * returns a 0-d float32 tensor, 0 for an empty list. Every intermediate is freed.
 */
export function totalNorm(op: string, tensors: readonly Tensor[], p: number): Tensor {
  const device = tensors[0]?.device;
  for (const [i, t] of tensors.entries()) {
    if (t.device !== device) throw new Error(`${op}: tensors are on different devices (${device} and ${t.device} at index ${i})`);
    if (t.dtype !== 'float32') throw new Error(`${op}: tensor ${i} must have dtype float32, got ${t.dtype}`);
  }
  // Empty tensors add nothing to any p-norm (and max-abs of nothing is undefined), so leave them out.
  const nonEmpty = tensors.filter((t) => t.size > 0);
  return tidy(() => {
    if (nonEmpty.length === 0) return zeros([], { device });
    const norms = nonEmpty.map((t) => vectorNorm(t, p));
    return norms.length === 1 ? norms[0]! : vectorNorm(stack(norms), p);
  });
}
