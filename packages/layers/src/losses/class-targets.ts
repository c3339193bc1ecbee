/**
 * Shared by nllLoss and crossEntropy: checking class-index targets and picking the log-probability of each
 * target class, with class weights and an ignored index, as PyTorch's nll_loss.
 */
import {
  cast, div, fmtShape, gather, mul, ne, neg, reshape, shapesEqual, squeeze, sum, unsqueeze, where, type Tensor,
} from '@nn/tensor';
import { checkInt, checkTensor, FLOATS } from '../args.js';
import type { Reduction } from './reduction.js';

export interface ClassLayout {
  /** 1 for input [N, C, d...], 0 for an unbatched input [C]. */
  classDim: number;
  numClasses: number;
}

/** The class dim of `input` (rank ≥ 1): dim 1, or dim 0 for an unbatched [C]. */
export function classLayout(op: string, input: Tensor): ClassLayout {
  if (input.rank === 0) throw new Error(`${op}: input must have at least 1 dim ([C], [N, C] or [N, C, d...]), got a 0-d tensor`);
  const classDim = input.rank === 1 ? 0 : 1;
  return { classDim, numClasses: input.shape[classDim]! };
}

/** Checks an int32 target of shape [N, d...] (input [N, C, d...]) or [] (input [C]). */
export function checkIndexTarget(op: string, input: Tensor, target: Tensor): void {
  const expected = input.rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected))
    throw new Error(
      `${op}: expected int32 target (class indices) of shape ${fmtShape(expected)} for input of shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
    );
  if (target.device !== input.device) throw new Error(`${op}: input is on ${input.device} but target is on ${target.device}`);
}

/**
 * Throws for a target outside [0, C) that is not `ignoreIndex`. Needs a synchronous read, so it runs on the CPU
 * only; on WebGPU an out-of-range target is not detected (the gather reads an unspecified value).
 */
export function checkTargetRange(op: string, target: Tensor, numClasses: number, ignoreIndex: number): void {
  if (target.device !== 'cpu') return;
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= numClasses))
      throw new Error(
        `${op}: target ${v} (at flat index ${i}) is out of bounds: expected a class in [0, ${numClasses}) or ignoreIndex ${ignoreIndex}`,
      );
  }
}

/** A float32 weight of shape [C] on the input's device, or null. */
export function checkClassWeight(op: string, weight: unknown, numClasses: number, input: Tensor): Tensor | null {
  if (weight === undefined || weight === null) return null;
  const w = checkTensor(op, 'weight', weight, FLOATS);
  if (!shapesEqual(w.shape, [numClasses]))
    throw new Error(`${op}: weight must have shape [${numClasses}] (one per class of input shape ${fmtShape(input.shape)}), got ${fmtShape(w.shape)}`);
  if (w.device !== input.device) throw new Error(`${op}: weight is on ${w.device} but input is on ${input.device}`);
  return w;
}

export function checkIgnoreIndex(op: string, v: unknown): number {
  return checkInt(op, 'ignoreIndex', v, -(2 ** 31));
}

export interface PickedTerms {
  /** −w[t]·logp[t] per target element, 0 where ignored. */
  losses: Tensor;
  /** w[t] per target element (1 without class weights), 0 where ignored: the denominator of 'mean'. */
  weights: Tensor;
  /** Where the target is not ignoreIndex. */
  kept: Tensor;
}

/** Gathers each target's log-probability (PyTorch's nll_loss without the reduction). */
export function pickTargets(logp: Tensor, target: Tensor, classDim: number, weight: Tensor | null, ignoreIndex: number): PickedTerms {
  const kept = ne(target, ignoreIndex);
  const safe = where(kept, target, 0);
  const picked = squeeze(gather(logp, classDim, unsqueeze(safe, classDim)), classDim);
  let weights = cast(kept, 'float32');
  if (weight) weights = mul(reshape(gather(weight, 0, reshape(safe, [-1])), target.shape), weights);
  return { losses: neg(mul(picked, weights)), weights, kept };
}

/**
 * 'mean' is the weighted mean Σ losses / Σ weights. When the weights sum to 0 (every target ignored) the loss
 * is NaN and its gradient 0, as in PyTorch: the NaN is selected by `where`, so no 0/0 reaches the gradient.
 */
export function reduceWeighted(losses: Tensor, weights: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  const total = sum(weights);
  const nonZero = ne(total, 0);
  return where(nonZero, div(sum(losses), where(nonZero, total, 1)), Number.NaN);
}

/** [1, ..., C, ..., 1]: a per-class tensor shaped to broadcast against an input of `rank` along `classDim`. */
export function perClassShape(rank: number, classDim: number, numClasses: number): number[] {
  const s = new Array<number>(rank).fill(1);
  s[classDim] = numClasses;
  return s;
}
