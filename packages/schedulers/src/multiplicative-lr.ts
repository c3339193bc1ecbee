import { LrLambdaScheduler, type LrLambda } from './lr-lambdas.js';
import type { OptimizerLike } from './types.js';

export interface MultiplicativeLROptions {
  /** Factor for the epoch: one function for all groups, or one per group. */
  lrLambda: LrLambda | LrLambda[];
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by a function of the epoch, every epoch after the first:
 * lr_t = lr_{t−1} · lrLambda(t). The functions are not part of the state dict (as in PyTorch).
 */
export class MultiplicativeLR extends LrLambdaScheduler {
  constructor(optimizer: OptimizerLike, options: MultiplicativeLROptions) {
    super('MultiplicativeLR', optimizer, options?.lrLambda, options?.lastEpoch);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g, i) => g.lr * this.factor(i));
  }
}
