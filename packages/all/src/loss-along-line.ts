/**
 * `lossAlongLine`: the loss on the straight line between two sets of weights (Goodfellow, Vinyals & Saxe,
 * "Qualitatively characterizing neural network optimization problems", ICLR 2015), a one-dimensional slice of the
 * loss landscape, e.g. from the initial to the trained weights.
 */
import { dispose, fmtShape, tidy, type Tensor } from '@nn/tensor';
import type { StateDict } from '@nn/layers';
import { checkOptions, checkPositiveInt, describe } from './args.js';
import { checkModel, evaluateBatches, type Batch, type LossFn, type ModelLike } from './evaluate.js';

/** A model whose weights can be read and replaced: any @nn/layers Module. */
export interface LineModel extends ModelLike {
  stateDict(): StateDict;
  loadStateDict(stateDict: StateDict): unknown;
}

export interface LossAlongLineOptions {
  /** How many evenly spaced α in [0, 1], both ends included (default 25). */
  points?: number;
}

export interface LossAlongLine {
  /** 0, 1/(points − 1), …, 1. */
  alpha: number[];
  /** The mean loss over the loader's samples at θ(α). */
  loss: number[];
}

/**
 * The mean loss of `model` over `loader` at θ(α) = (1 − α)·θ₀ + α·θ₁ for `points` evenly spaced α in [0, 1],
 * with θ₀ = `fromStateDict` and θ₁ = `toStateDict` (both with exactly the model's state-dict keys and shapes).
 * Each point runs in evaluation mode without gradients (as `evaluate`); the model's own weights and mode are
 * restored afterwards. The loader is iterated once per point, so it must be re-iterable (a DataLoader).
 *
 * Buffers are interpolated too: BatchNorm's running mean and variance move on the same line, which is exact at
 * both ends but, in between, not the statistics a model with weights θ(α) would measure (re-estimating them
 * per point would need a pass over training data in training mode). Integer buffers (`num_batches_tracked`)
 * take the nearer end's value.
 *
 * Plot the result with `plotCurves({ loss: r.loss }, { x: r.alpha, xLabel: 'α' })`.
 */
export async function lossAlongLine(
  model: LineModel,
  fromStateDict: StateDict,
  toStateDict: StateDict,
  lossFn: LossFn,
  loader: Iterable<Batch>,
  options?: LossAlongLineOptions,
): Promise<LossAlongLine> {
  const op = 'lossAlongLine';
  checkModel(op, model);
  if (typeof model.stateDict !== 'function' || typeof model.loadStateDict !== 'function')
    throw new Error(`${op}: model must be a Module (with stateDict and loadStateDict), got ${describe(model)}`);
  if (typeof lossFn !== 'function') throw new Error(`${op}: lossFn must be a function, got ${describe(lossFn)}`);
  if (!loader || typeof (loader as Iterable<Batch>)[Symbol.iterator] !== 'function')
    throw new Error(`${op}: loader must be iterable (a DataLoader), got ${describe(loader)}`);
  const points = checkPositiveInt(op, 'points', checkOptions(op, options, ['points']).points ?? 25);
  if (points < 2) throw new Error(`${op}: points must be at least 2 (both ends of the line), got ${points}`);

  const own = model.stateDict();
  try {
    const pairs = matchStateDicts(op, own, fromStateDict, toStateDict);
    const alpha = Array.from({ length: points }, (_, i) => i / (points - 1));
    const loss: number[] = [];
    for (const a of alpha) {
      const theta = tidy(() => Object.fromEntries(pairs.map(([k, t0, t1]) => [k, interpolate(t0, t1, a)])));
      try {
        model.loadStateDict(theta);
      } finally {
        dispose(theta);
      }
      loss.push((await evaluateBatches(op, model, loader, lossFn, []))['loss']!);
    }
    return { alpha, loss };
  } finally {
    model.loadStateDict(own);
    dispose(own);
  }
}

/** (1 − α)·t0 + α·t1 for floats (exact at both ends); the nearer end for integers. */
function interpolate(t0: Tensor, t1: Tensor, a: number): Tensor {
  if (t0.dtype !== 'float32') return (a < 0.5 ? t0 : t1).clone();
  return t0.mul(1 - a).add(t1.mul(a));
}

/** [key, θ₀, θ₁] for each of the model's keys, after checking both state dicts have exactly those keys and shapes. */
function matchStateDicts(op: string, own: StateDict, from: StateDict, to: StateDict): [string, Tensor, Tensor][] {
  const keys = Object.keys(own);
  for (const [name, sd] of [['fromStateDict', from], ['toStateDict', to]] as const) {
    if (!sd || typeof sd !== 'object') throw new Error(`${op}: ${name} must be a state dict (an object of Tensors), got ${describe(sd)}`);
    const missing = keys.filter((k) => !(k in sd));
    const unexpected = Object.keys(sd).filter((k) => !(k in own));
    if (missing.length || unexpected.length)
      throw new Error(
        `${op}: ${name} does not match the model's keys:` +
          (missing.length ? ` missing ${missing.map((k) => `'${k}'`).join(', ')}` : '') +
          (unexpected.length ? ` unexpected ${unexpected.map((k) => `'${k}'`).join(', ')}` : ''),
      );
    for (const k of keys) {
      const t = sd[k] as Tensor;
      if (!t || typeof t !== 'object' || !Array.isArray(t.shape)) throw new Error(`${op}: ${name}['${k}'] must be a Tensor, got ${describe(t)}`);
      if (fmtShape(t.shape) !== fmtShape(own[k]!.shape))
        throw new Error(`${op}: ${name}['${k}'] has shape ${fmtShape(t.shape)} but the model's is ${fmtShape(own[k]!.shape)}`);
    }
  }
  return keys.map((k) => {
    const [t0, t1] = [from[k]!, to[k]!];
    if (t0.device !== t1.device) throw new Error(`${op}: '${k}' is on ${t0.device} in fromStateDict but on ${t1.device} in toStateDict`);
    return [k, t0, t1];
  });
}
