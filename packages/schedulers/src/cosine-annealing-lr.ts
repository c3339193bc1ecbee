import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { nonNegative, positive } from './validate.js';

export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in epochs. */
  tMax: number;
  /** Minimum learning rate. Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * Cosine annealing (SGDR without restarts), in PyTorch's recursive form:
 *
 *   lr_t = etaMin + (1 + cos(πt/tMax)) / (1 + cos(π(t−1)/tMax)) · (lr_{t−1} − etaMin),
 *   lr_t = lr_{t−1} + (lr_0 − etaMin)(1 − cos(π/tMax)) / 2   when (t − 1 − tMax) is a multiple of 2·tMax.
 *
 * Alone it follows lr_t = etaMin + (lr_0 − etaMin)(1 + cos(πt/tMax))/2 up to rounding (the recursion drifts by
 * a few ulps, and we match the recursion), rising again after tMax; it composes with other schedulers.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: OptimizerLike, options: CosineAnnealingLROptions) {
    const { tMax, etaMin = 0, lastEpoch = -1 } = options ?? ({} as CosineAnnealingLROptions);
    positive('CosineAnnealingLR', 'tMax', tMax);
    nonNegative('CosineAnnealingLR', 'etaMin', etaMin);
    super('CosineAnnealingLR', optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const groups = this.groups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      // Resuming (constructed with lastEpoch >= 0): start from the closed form.
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      // Just past a minimum, where the ratio below would divide by zero.
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override torchNames(): Record<string, string> {
    return { tMax: 'T_max' };
  }

  protected override getClosedFormLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2);
  }
}
