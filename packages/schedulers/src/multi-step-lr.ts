import { bisectRight } from './bisect.js';
import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { increasingInts, positive } from './validate.js';

export interface MultiStepLROptions {
  /** Epochs at which the learning rate is multiplied by `gamma`, strictly increasing. */
  milestones: number[];
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` at each milestone epoch:
 * lr_t = lr_0 · gamma^(number of milestones ≤ t).
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: OptimizerLike, options: MultiStepLROptions) {
    const { milestones, gamma = 0.1, lastEpoch = -1 } = options ?? ({} as MultiStepLROptions);
    const ms = increasingInts('MultiStepLR', 'milestones', milestones);
    positive('MultiStepLR', 'gamma', gamma);
    super('MultiStepLR', optimizer, lastEpoch);
    this.milestones = ms;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (!this.milestones.includes(this.lastEpoch)) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}
