import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { nonNegative, positiveInt } from './validate.js';

export interface PolynomialLROptions {
  /** Epochs over which the learning rate decays to 0. Default 5. */
  totalIters?: number;
  /** Power of the polynomial. Default 1. */
  power?: number;
  lastEpoch?: number;
}

/**
 * Polynomial decay to zero over `totalIters` epochs: lr_t = lr_0 · (1 − min(t, T)/T)^power, in PyTorch's
 * recursive form lr_t = lr_{t−1} · ((1 − t/T) / (1 − (t−1)/T))^power.
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: OptimizerLike, options: PolynomialLROptions = {}) {
    const { totalIters = 5, power = 1, lastEpoch = -1 } = options ?? {};
    positiveInt('PolynomialLR', 'totalIters', totalIters);
    nonNegative('PolynomialLR', 'power', power);
    super('PolynomialLR', optimizer, lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, totalIters: n, power } = this;
    if (t === 0 || t > n) return this.groups.map((g) => g.lr);
    const decay = ((1 - t / n) / (1 - (t - 1) / n)) ** power;
    return this.groups.map((g) => g.lr * decay);
  }

  protected override getClosedFormLr(): number[] {
    const { lastEpoch: t, totalIters: n, power } = this;
    return this.baseLrs.map((b) => b * (1 - Math.min(n, t) / n) ** power);
  }
}
