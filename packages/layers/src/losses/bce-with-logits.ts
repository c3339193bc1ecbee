import { autocastOp, add, broadcastShapes, exp, fmtShape, ge, log, mul, neg, shapesEqual, sub, tidy, where, type Tensor } from '@nn/tensor';
import { checkOptions, checkTensor, FLOATS } from '../args.js';
import { checkPair, checkReduction, reduce, type Reduction } from './reduction.js';

export interface BinaryCrossEntropyWithLogitsOptions {
  reduction?: Reduction;
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
  /** Weight of the positive term, per class (broadcast to the input's shape): > 1 raises recall. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits x with targets y in [0, 1] (F.binary_cross_entropy_with_logits):
 *   ℓ = −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] = w·[(1 − y)·x + (1 + (p − 1)·y)·softplus(−x)],
 * with softplus(−x) = max(−x, 0) + log(1 + e^(−|x|)): no exp overflows, so logits of any size are finite
 * (without posWeight this is max(x, 0) − x·y + log(1 + e^(−|x|))). PyTorch's expression, operation for
 * operation. max(−x, 0) and |x| are selected with the same x ≤ 0 test, so the gradient at x = 0 is σ(0) − y
 * as it should be, not a subgradient.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: BinaryCrossEntropyWithLogitsOptions): Tensor {
  const cast = autocastOp('float32', [input, target], (x, y) => binaryCrossEntropyWithLogits(x, y, opts)); // PyTorch's float32 list
  if (cast) return cast;
  const op = 'binaryCrossEntropyWithLogits';
  const [x, y] = checkPair(op, input, target);
  const o = checkOptions(op, opts, ['reduction', 'weight', 'posWeight']);
  const reduction = checkReduction(op, o.reduction);
  const weight = checkBroadcastable(op, 'weight', o.weight ?? null, x);
  const posWeight = checkBroadcastable(op, 'posWeight', o.posWeight ?? null, x);
  return tidy(() => {
    const z = neg(x);
    const nonPositive = ge(z, 0);
    const maxVal = where(nonPositive, z, 0); // max(−x, 0)
    const absX = where(nonPositive, z, x); // |x|
    const logTerm = log(add(exp(neg(absX)), 1)); // log(e^(−max) + e^(−x−max)) in PyTorch's form
    const oneMinusY = sub(1, y);
    let loss: Tensor;
    if (posWeight) {
      const logWeight = add(mul(sub(posWeight, 1), y), 1);
      loss = add(mul(oneMinusY, x), mul(logWeight, add(logTerm, maxVal)));
    } else {
      loss = add(add(mul(oneMinusY, x), maxVal), logTerm);
    }
    if (weight) loss = mul(loss, weight);
    return reduce(loss, reduction);
  });
}

function checkBroadcastable(op: string, name: string, t: Tensor | null, x: Tensor): Tensor | null {
  if (t === null) return null;
  checkTensor(op, name, t, FLOATS);
  let ok = false;
  try {
    ok = shapesEqual(broadcastShapes(op, t.shape, x.shape), x.shape);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${op}: ${name} of shape ${fmtShape(t.shape)} cannot be broadcast to the input's shape ${fmtShape(x.shape)}`);
  if (t.device !== x.device) throw new Error(`${op}: ${name} is on ${t.device} but input is on ${x.device}`);
  return t;
}
