import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { positive, positiveInt } from './validate.js';

export interface StepLROptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs:
 * lr_t = lr_0 · gamma^⌊t / stepSize⌋ (applied recursively, so other schedulers may act on lr too).
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: OptimizerLike, options: StepLROptions) {
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = options ?? ({} as StepLROptions);
    positiveInt('StepLR', 'stepSize', stepSize);
    positive('StepLR', 'gamma', gamma);
    super('StepLR', optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
