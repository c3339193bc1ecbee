import { autocastOp, abs, mul, square, sub, tidy, where, lt, type Tensor } from '@nn/tensor';
import { checkNumber, checkOptions } from '../args.js';
import { checkPair, checkReduction, reduce, type Reduction } from './reduction.js';

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/**
 * Huber loss (F.huber_loss): with z = |input − target|, 0.5·z² where z < delta and delta·(z − 0.5·delta)
 * elsewhere: quadratic near the target, linear (robust to outliers) beyond delta. Its gradient is
 * clamp(input − target, −delta, delta).
 */
export function huberLoss(input: Tensor, target: Tensor, opts?: HuberLossOptions): Tensor {
  const cast = autocastOp('float32', [input, target], (x, y) => huberLoss(x, y, opts)); // PyTorch's float32 list
  if (cast) return cast;
  const op = 'huberLoss';
  const [x, y] = checkPair(op, input, target);
  const o = checkOptions(op, opts, ['reduction', 'delta']);
  const reduction = checkReduction(op, o.reduction);
  const delta = checkNumber(op, 'delta', o.delta ?? 1, 0, undefined, true);
  return tidy(() => {
    const d = sub(x, y);
    const z = abs(d);
    const small = lt(z, delta);
    // The quadratic branch sees d only where it is selected: at |d| = ∞ its gradient is then 0·0, not ∞·0 = NaN,
    // and the loss's gradient there is ±delta, as PyTorch's.
    const quadratic = mul(square(where(small, d, 0)), 0.5);
    const linear = mul(sub(z, 0.5 * delta), delta);
    return reduce(where(small, quadratic, linear), reduction);
  });
}
