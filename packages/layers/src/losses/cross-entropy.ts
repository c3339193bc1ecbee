import { autocastOp, add, fmtShape, logSoftmax, mul, neg, reshape, shapesEqual, sum, div, tidy, where, type Tensor } from '@nn/tensor';
import { checkNumber, checkOptions, checkTensor, FLOATS } from '../args.js';
import {
  checkClassWeight, checkIgnoreIndex, checkIndexTarget, checkTargetRange, classLayout, perClassShape, pickTargets,
  reduceWeighted,
} from './class-targets.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (default 0, must be in [0, 1]). */
  labelSmoothing?: number;
  /** Per-class weights [C] (see nllLoss for how 'mean' uses them). */
  weight?: Tensor | null;
  /** Class-index targets equal to this are ignored (default -100); not used with probability targets. */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits input [N, C] (or [N, C, d...], or unbatched [C]) against either
 * - int32 class indices [N] (or [N, d...], or 0-d): nllLoss(logSoftmax(input, 1), target), with label smoothing
 *   (1 − ε)·nll + (ε/C)·smooth, smooth = −Σ_c w_c·logp_c per element (0 where ignored), both reduced with the
 *   same weighted mean (PyTorch's formula exactly);
 * - float32 class probabilities of the input's shape: −Σ_c w_c·target_c·logp_c per element, target smoothed
 *   to (1 − ε)·target + ε/C, and 'mean' dividing by the number of elements N·d (not by the weights).
 * Fused through logSoftmax (x − max − log Σ exp(x − max)), so logits of ±1e4 give finite losses and gradients.
 * Class indices outside [0, C) are an error on the CPU (a synchronous read; not checked on WebGPU).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts?: CrossEntropyOptions): Tensor {
  const cast = autocastOp('float32', [input, target], (x, y) => crossEntropy(x, y, opts)); // PyTorch's float32 list
  if (cast) return cast;
  const op = 'crossEntropy';
  const x = checkTensor(op, 'input', input, FLOATS);
  const t = checkTensor(op, 'target', target);
  const o = checkOptions(op, opts, ['reduction', 'labelSmoothing', 'weight', 'ignoreIndex']);
  const reduction = checkReduction(op, o.reduction);
  const eps = checkNumber(op, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  const ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex ?? -100);
  const { classDim, numClasses } = classLayout(op, x);
  const weight = checkClassWeight(op, o.weight, numClasses, x);
  const wShape = perClassShape(x.rank, classDim, numClasses);

  if (t.dtype === 'int32') {
    checkIndexTarget(op, x, t);
    checkTargetRange(op, t, numClasses, ignoreIndex);
    return tidy(() => {
      const logp = logSoftmax(x, classDim);
      const { losses, weights, kept } = pickTargets(logp, t, classDim, weight, ignoreIndex);
      const nll = reduceWeighted(losses, weights, reduction);
      if (eps === 0) return nll;
      const weighted = weight ? mul(logp, reshape(weight, wShape)) : logp;
      const smooth = where(kept, neg(sum(weighted, classDim)), 0);
      return add(mul(nll, 1 - eps), mul(reduceWeighted(smooth, weights, reduction), eps / numClasses));
    });
  }
  if (t.dtype !== 'float32')
    throw new Error(`${op}: target must be int32 class indices or float32 class probabilities, got ${t.dtype}`);
  if (!shapesEqual(t.shape, x.shape)) {
    const indexShape = x.rank === 1 ? [] : [x.shape[0]!, ...x.shape.slice(2)];
    const hint = shapesEqual(t.shape, indexShape) ? "; for class indices pass an int32 target (target.cast('int32'))" : '';
    throw new Error(`${op}: a float32 target (class probabilities) must have the input's shape ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}${hint}`);
  }
  if (t.device !== x.device) throw new Error(`${op}: input is on ${x.device} but target is on ${t.device}`);
  return tidy(() => {
    const logp = logSoftmax(x, classDim);
    const probs = eps > 0 ? add(mul(t, 1 - eps), eps / numClasses) : t;
    let prod = mul(logp, probs);
    if (weight) prod = mul(prod, reshape(weight, wShape));
    if (reduction === 'none') return neg(sum(prod, classDim));
    const total = neg(sum(prod));
    return reduction === 'sum' ? total : div(total, x.size / numClasses);
  });
}
