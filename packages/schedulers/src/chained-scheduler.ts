import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import type { OptimizerLike, ParamGroup, Scheduler, StateDict } from './types.js';
import { fail, fmt } from './validate.js';
import { isTorchState, renameFromTorch, stateFormat, type StateDictOptions } from './torch-state.js';

/**
 * Steps several chainable schedulers together, so their effects multiply: e.g. `ConstantLR` warmup with
 * `ExponentialLR` decay. `lastEpoch` counts the chain's own steps (0 after construction).
 */
export class ChainedScheduler implements Scheduler {
  readonly optimizer: OptimizerLike;
  lastEpoch = 0;
  private readonly schedulers: Scheduler[];
  private lastLr: number[];

  constructor(schedulers: Scheduler[]) {
    const cls = 'ChainedScheduler';
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      fail(cls, `schedulers must be a non-empty array, got ${fmt(schedulers)}`);
    }
    schedulers.forEach((s: unknown, i) => {
      if (s instanceof ReduceLROnPlateau) {
        fail(cls, `schedulers[${i}] is a ReduceLROnPlateau, whose step needs a metric; it cannot be chained`);
      }
      const ok =
        typeof s === 'object' &&
        s !== null &&
        typeof (s as Scheduler).step === 'function' &&
        typeof (s as Scheduler).stateDict === 'function';
      if (!ok) fail(cls, `schedulers[${i}] must be a scheduler, got ${fmt(s)}`);
      if (i > 0 && (s as Scheduler).optimizer !== schedulers[0]!.optimizer) {
        fail(cls, `schedulers[${i}] is bound to a different optimizer than schedulers[0]`);
      }
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0]!.optimizer;
    this.lastLr = this.currentLrs();
  }

  private currentLrs(): number[] {
    return (this.optimizer.paramGroups as ParamGroup[]).map((g) => g.lr);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastEpoch += 1;
    this.lastLr = this.currentLrs();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** `lastEpoch`, `lastLr` and each scheduler's own state dict, in order. */
  /** Our layout, or (`{format: 'torch'}`) PyTorch 1.13's `_last_lr` and `_schedulers`, which count no epochs. */
  stateDict(options?: StateDictOptions): StateDict {
    const schedulers = this.schedulers.map((s) => s.stateDict(options));
    if (stateFormat('ChainedScheduler', options) === 'torch') return { _last_lr: [...this.lastLr], _schedulers: schedulers };
    return { lastEpoch: this.lastEpoch, lastLr: [...this.lastLr], schedulers };
  }

  /** Restores a `stateDict()` in our layout or PyTorch's (whose epoch count is the first scheduler's). */
  loadStateDict(state: StateDict): void {
    const cls = 'ChainedScheduler';
    if (isTorchState(state)) {
      state = renameFromTorch(cls, state, ['lastLr', 'schedulers'], { lastLr: '_last_lr', schedulers: '_schedulers' });
      const first = Array.isArray(state.schedulers) ? (state.schedulers[0] as StateDict | undefined) : undefined;
      state.lastEpoch = first?.last_epoch ?? first?.lastEpoch ?? this.lastEpoch;
    }
    const { lastEpoch, lastLr, schedulers } = state ?? {};
    if (typeof lastEpoch !== 'number') fail(cls, `loadStateDict: lastEpoch must be a number, got ${fmt(lastEpoch)}`);
    if (!Array.isArray(lastLr) || !lastLr.every((x) => typeof x === 'number')) {
      fail(cls, `loadStateDict: lastLr must be an array of numbers, got ${fmt(lastLr)}`);
    }
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length) {
      fail(cls, `loadStateDict: expected ${this.schedulers.length} scheduler states, got ${fmt(schedulers)}`);
    }
    schedulers.forEach((s, i) => this.schedulers[i]!.loadStateDict(s as StateDict));
    this.lastEpoch = lastEpoch;
    this.lastLr = [...(lastLr as number[])];
  }
}
