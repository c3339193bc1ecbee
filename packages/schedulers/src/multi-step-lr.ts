import { bisectRight } from './bisect.js';
import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike, StateDict } from './types.js';
import { asRecord, type StateDictOptions } from './torch-state.js';
import { fail, fmt, increasingInts, positive } from './validate.js';

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

  /** In PyTorch's layout `milestones` is a `collections.Counter` (milestone → count): here a Map. */
  override stateDict(options?: StateDictOptions): StateDict {
    const state = super.stateDict(options);
    if (options?.format === 'torch') state.milestones = new Map(this.milestones.map((m) => [m, 1]));
    return state;
  }

  protected override fromTorch(state: StateDict): StateDict {
    const out = super.fromTorch(state);
    const counter = out.milestones;
    const record = Array.isArray(counter) ? undefined : asRecord(counter);
    if (record !== undefined) {
      const entries = Object.entries(record);
      if (!entries.every(([m, c]) => /^\d+$/.test(m) && c === 1))
        fail('MultiStepLR', `loadStateDict: milestones must map each milestone to 1 (a Counter of distinct epochs), got ${fmt(record)}`);
      out.milestones = entries.map(([m]) => Number(m)).sort((a, b) => a - b);
    }
    increasingInts('MultiStepLR', 'loadStateDict: milestones', out.milestones);
    return out;
  }
}
