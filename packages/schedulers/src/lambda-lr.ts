import { LrLambdaScheduler, type LrLambda } from './lr-lambdas.js';
import type { OptimizerLike } from './types.js';

export interface LambdaLROptions {
  /** Factor for the epoch: one function for all groups, or one per group. */
  lrLambda: LrLambda | LrLambda[];
  lastEpoch?: number;
}

/**
 * Sets each group's learning rate to its initial value times a function of the epoch:
 * lr_t = lr_0 · lrLambda(t). Any `(step) => value` from `schedules.ts` can serve as the factor.
 * The functions are not part of the state dict (as in PyTorch): pass the same ones when resuming.
 */
export class LambdaLR extends LrLambdaScheduler {
  constructor(optimizer: OptimizerLike, options: LambdaLROptions) {
    super('LambdaLR', optimizer, options?.lrLambda, options?.lastEpoch);
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.factor(i));
  }
}
