import type { Tensor } from '@nn/tensor';
import { normOrder, totalNorm, type NormType } from './norm.js';
import { tensorList, type TensorOrTensors } from './params.js';

/**
 * The p-norm of `tensors` taken together, as if flattened and concatenated into one vector (optax's
 * `global_norm` for p = 2): ‖(‖t₁‖ₚ, …, ‖tₖ‖ₚ)‖ₚ, with p any positive number or `Infinity`/`'inf'` (max-abs).
 * A 0-d float32 tensor computed on the tensors' device without readback; 0 for an empty list.
 */
export function globalNorm(tensors: TensorOrTensors, normType: NormType = 2): Tensor {
  const op = 'globalNorm';
  const p = normOrder(op, normType);
  return totalNorm(op, tensorList(op, 'tensors', tensors), p);
}
