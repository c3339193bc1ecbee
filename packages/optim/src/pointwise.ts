/**
 * PyTorch's fused pointwise updates as float32 ops, in the order its CPU kernels evaluate them, so every
 * intermediate rounds as PyTorch's does:
 *   add(a, b, alpha)        = a + (alpha·b)
 *   addcmul(a, t1, t2, v)   = a + ((v·t1)·t2)
 *   addcdiv(a, t1, t2, v)   = a + ((v·t1)/t2)
 * Scalars (numbers) are rounded to float32 by the ops, as PyTorch casts them to the tensor's dtype. Multiplying
 * by 1 is exact, so it is skipped. Every function returns a new tensor; callers assign results into state.
 */
import type { Tensor } from '@nn/tensor';

export function addScaled(a: Tensor, b: Tensor, alpha: number): Tensor {
  return a.add(alpha === 1 ? b : b.mul(alpha));
}

export function addcmul(a: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return a.add((value === 1 ? t1 : t1.mul(value)).mul(t2));
}

export function addcdiv(a: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return a.add((value === 1 ? t1 : t1.mul(value)).div(t2));
}

/** The gradient to descend: negated when maximizing. */
export function direction(grad: Tensor, maximize: boolean): Tensor {
  return maximize ? grad.neg() : grad;
}

/** L2 penalty folded into the gradient: `g + λ·θ` (skipped when λ = 0, as PyTorch does). */
export function coupledDecay(grad: Tensor, param: Tensor, weightDecay: number): Tensor {
  return weightDecay !== 0 ? addScaled(grad, param, weightDecay) : grad;
}

/**
 * Decoupled weight decay (Loshchilov & Hutter): `θ ← θ·(1 − lr·λ)`, the factor computed in double precision as
 * PyTorch does. Skipped when λ = 0 (multiplying by 1 is exact).
 */
export function decoupledDecay(param: Tensor, lr: number, weightDecay: number): Tensor {
  return weightDecay !== 0 ? param.mul(1 - lr * weightDecay) : param;
}
