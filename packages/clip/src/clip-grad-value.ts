import { tidy } from '@nn/tensor';
import { describe, gradsOf, type TensorOrTensors } from './params.js';

/**
 * Clamps every gradient of `params` elementwise to [−clipValue, clipValue], in place (PyTorch's
 * `clip_grad_value_`). Parameters without a gradient are skipped. No readback.
 */
export function clipGradValue(params: TensorOrTensors, clipValue: number): void {
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue) || clipValue < 0)
    throw new Error(`${op}: clipValue must be a non-negative number, got ${describe(clipValue)}`);
  const grads = gradsOf(op, params);
  tidy(() => {
    for (const g of grads) g.assign(g.clamp(-clipValue, clipValue));
  });
}
