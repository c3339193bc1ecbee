import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { inRange, positiveInt } from './validate.js';

export interface ConstantLROptions {
  /** Factor applied until `totalIters`. Default 1/3. */
  factor?: number;
  /** Epoch at which the factor is removed. Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * Scales each group's learning rate by `factor` for the first `totalIters` epochs, then restores it:
 * lr_t = lr_0 · factor for t < totalIters, lr_0 afterwards (a constant warmup).
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: OptimizerLike, options: ConstantLROptions = {}) {
    const { factor = 1 / 3, totalIters = 5, lastEpoch = -1 } = options ?? {};
    inRange('ConstantLR', 'factor', factor, '(0, 1]');
    positiveInt('ConstantLR', 'totalIters', totalIters);
    super('ConstantLR', optimizer, lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, factor, totalIters } = this;
    if (t === 0) return this.groups.map((g) => g.lr * factor);
    if (t !== totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / factor));
  }

  protected override getClosedFormLr(): number[] {
    const { lastEpoch: t, factor, totalIters } = this;
    return this.baseLrs.map((b) => b * (factor + (t >= totalIters ? 1 : 0) * (1 - factor)));
  }
}
