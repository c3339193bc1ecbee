import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { inRange, positiveInt } from './validate.js';

export interface LinearLROptions {
  /** Factor applied at epoch 0. Default 1/3. */
  startFactor?: number;
  /** Factor reached at `totalIters` and kept afterwards. Default 1. */
  endFactor?: number;
  /** Epochs over which the factor moves linearly. Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * Scales each group's learning rate by a factor moving linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs: lr_t = lr_0 · (s + (e − s) · min(t, T) / T), in PyTorch's recursive form
 * lr_t = lr_{t−1} · (1 + (e − s) / (T·s + (t − 1)(e − s))). The usual linear warmup.
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: OptimizerLike, options: LinearLROptions = {}) {
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 } = options ?? {};
    inRange('LinearLR', 'startFactor', startFactor, '(0, 1]');
    inRange('LinearLR', 'endFactor', endFactor, '[0, 1]');
    positiveInt('LinearLR', 'totalIters', totalIters);
    super('LinearLR', optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override getClosedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
