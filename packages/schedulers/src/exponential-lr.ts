import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { positive } from './validate.js';

export interface ExponentialLROptions {
  /** Multiplicative factor applied every epoch. */
  gamma: number;
  lastEpoch?: number;
}

/** Multiplies each group's learning rate by `gamma` every epoch: lr_t = lr_0 · gamma^t. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: OptimizerLike, options: ExponentialLROptions) {
    const { gamma, lastEpoch = -1 } = options ?? ({} as ExponentialLROptions);
    positive('ExponentialLR', 'gamma', gamma);
    super('ExponentialLR', optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
