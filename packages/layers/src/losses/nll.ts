import { autocastOp, tidy, type Tensor } from '@nn/tensor';
import { checkOptions, checkTensor, FLOATS } from '../args.js';
import {
  checkClassWeight, checkIgnoreIndex, checkIndexTarget, checkTargetRange, classLayout, pickTargets, reduceWeighted,
} from './class-targets.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface NllLossOptions {
  reduction?: Reduction;
  /** Per-class weights [C]: each element's loss is multiplied by its target's weight, and 'mean' divides by their sum. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the loss or to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of class-index targets (F.nll_loss): ℓᵢ = −w[tᵢ]·input[i, tᵢ] for log-probabilities
 * input [N, C] (or [N, C, d...] with target [N, d...], or [C] with a 0-d target) and int32 target; 'mean' is
 * Σℓᵢ / Σw[tᵢ] over non-ignored elements. Targets outside [0, C) are an error on the CPU (see checkTargetRange).
 */
export function nllLoss(input: Tensor, target: Tensor, opts?: NllLossOptions): Tensor {
  const cast = autocastOp('float32', [input, target], (x, y) => nllLoss(x, y, opts)); // PyTorch's float32 list
  if (cast) return cast;
  const op = 'nllLoss';
  const logp = checkTensor(op, 'input', input, FLOATS);
  const t = checkTensor(op, 'target', target);
  if (t.dtype !== 'int32') throw new Error(`${op}: target must be int32 class indices, got ${t.dtype} (cast it with target.cast('int32'))`);
  const o = checkOptions(op, opts, ['reduction', 'weight', 'ignoreIndex']);
  const reduction = checkReduction(op, o.reduction);
  const ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex ?? -100);
  const { classDim, numClasses } = classLayout(op, logp);
  checkIndexTarget(op, logp, t);
  const weight = checkClassWeight(op, o.weight, numClasses, logp);
  checkTargetRange(op, t, numClasses, ignoreIndex);
  return tidy(() => {
    const { losses, weights } = pickTargets(logp, t, classDim, weight, ignoreIndex);
    return reduceWeighted(losses, weights, reduction);
  });
}
