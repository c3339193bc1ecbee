import { bisectRight } from './bisect.js';
import { LRScheduler } from './lr-scheduler.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import type { OptimizerLike, Scheduler, StateDict } from './types.js';
import { isTorchState, renameFromTorch, stateFormat, type StateDictOptions } from './torch-state.js';
import { fail, fmt, groupNumber, increasingInts, lastEpochArg, paramGroups } from './validate.js';

export interface SequentialLROptions {
  /** Schedulers bound to the same optimizer, run one after another. */
  schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over: one fewer than `schedulers`, strictly increasing. */
  milestones: number[];
  lastEpoch?: number;
}

/**
 * Runs schedulers one after another: `schedulers[i]` drives epochs [milestones[i−1], milestones[i]), and is
 * restarted at its milestone with `step(0)` (so it begins from the groups' initialLr). The common recipe is
 * `LinearLR` warmup followed by `CosineAnnealingLR`. At construction the learning rates are reset to initialLr,
 * the steps the schedulers took when they were built are undone, and the first one performs step 0.
 */
export class SequentialLR implements Scheduler {
  readonly optimizer: OptimizerLike;
  lastEpoch: number;
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];
  private lastLr: number[];

  constructor(optimizer: OptimizerLike, options: SequentialLROptions) {
    const cls = 'SequentialLR';
    const { schedulers, milestones, lastEpoch = -1 } = options ?? ({} as SequentialLROptions);
    const groups = paramGroups(cls, optimizer);
    lastEpochArg(cls, lastEpoch);
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      fail(cls, `schedulers must be a non-empty array, got ${fmt(schedulers)}`);
    }
    schedulers.forEach((s: unknown, i) => {
      if (s instanceof ReduceLROnPlateau) {
        fail(cls, `schedulers[${i}] is a ReduceLROnPlateau, whose step needs a metric; it cannot be sequenced`);
      }
      if (!(s instanceof LRScheduler)) {
        fail(cls, `schedulers[${i}] must be an LRScheduler (StepLR, LinearLR, ...), got ${fmt(s)}`);
      }
      if (s.optimizer !== optimizer) {
        fail(cls, `schedulers[${i}] is bound to a different optimizer than the one passed in`);
      }
    });
    const ms = increasingInts(cls, 'milestones', milestones);
    if (ms.length !== schedulers.length - 1) {
      fail(
        cls,
        `expected ${schedulers.length - 1} milestones (one fewer than the ${schedulers.length} schedulers), got ${
          ms.length
        }: ${fmt(ms)}`,
      );
    }
    const initialLrs = groups.map((g, i) => groupNumber(cls, g, i, 'initialLr'));
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = ms;
    this.lastEpoch = lastEpoch + 1;
    groups.forEach((g, i) => (g.lr = initialLrs[i]!));
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * `lastEpoch`, `milestones`, `lastLr` and each scheduler's own state dict, in order; with `{format: 'torch'}`
   * PyTorch's `_milestones`, `last_epoch`, `_last_lr`, `_schedulers`.
   */
  stateDict(options?: StateDictOptions): StateDict {
    const schedulers = this.schedulers.map((s) => s.stateDict(options));
    if (stateFormat('SequentialLR', options) === 'torch')
      return { _milestones: [...this.milestones], last_epoch: this.lastEpoch, _last_lr: [...this.lastLr], _schedulers: schedulers };
    return { lastEpoch: this.lastEpoch, milestones: [...this.milestones], lastLr: [...this.lastLr], schedulers };
  }

  /** Restores a `stateDict()` in our layout or PyTorch's. */
  loadStateDict(state: StateDict): void {
    const cls = 'SequentialLR';
    if (isTorchState(state)) {
      const names = { lastEpoch: 'last_epoch', milestones: '_milestones', lastLr: '_last_lr', schedulers: '_schedulers' };
      state = renameFromTorch(cls, state, Object.keys(names), names);
    }
    const { lastEpoch, milestones, lastLr, schedulers } = state ?? {};
    if (typeof lastEpoch !== 'number') fail(cls, `loadStateDict: lastEpoch must be a number, got ${fmt(lastEpoch)}`);
    const ms = increasingInts(cls, 'loadStateDict: milestones', milestones);
    if (ms.length !== this.milestones.length) {
      fail(cls, `loadStateDict: expected ${this.milestones.length} milestones, got ${ms.length}`);
    }
    if (!Array.isArray(lastLr) || !lastLr.every((x) => typeof x === 'number')) {
      fail(cls, `loadStateDict: lastLr must be an array of numbers, got ${fmt(lastLr)}`);
    }
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length) {
      fail(cls, `loadStateDict: expected ${this.schedulers.length} scheduler states, got ${fmt(schedulers)}`);
    }
    schedulers.forEach((s, i) => this.schedulers[i]!.loadStateDict(s as StateDict));
    this.lastEpoch = lastEpoch;
    this.milestones.splice(0, this.milestones.length, ...ms);
    this.lastLr = [...(lastLr as number[])];
  }
}
