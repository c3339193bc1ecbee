/**
 * The base of every epoch- or batch-driven scheduler: PyTorch's `LRScheduler` (`_LRScheduler` in 1.13).
 *
 * A subclass implements `getLr()`, the learning rates for the epoch in `lastEpoch`, usually in PyTorch's
 * chainable (recursive) form computed from the current `group.lr`, so that several schedulers can act on the
 * same optimizer. Optionally it implements `getClosedFormLr()`, used when `step(epoch)` jumps to an epoch.
 * A subclass constructor sets its fields and then calls `initialStep()`: construction performs step 0
 * (`lastEpoch` goes from -1 to 0), exactly as PyTorch does.
 */
import { captureState, restoreState } from './state.js';
import { isTorchState, renameFromTorch, renameToTorch, stateFormat, TORCH_CONSTANTS, type StateDictOptions } from './torch-state.js';
import type { OptimizerLike, ParamGroup, Scheduler, StateDict } from './types.js';
import { fail, fmt, groupNumber, isInt, lastEpochArg, paramGroups } from './validate.js';

/** Fields that are not state: the optimizer (saved by the optimizer itself) and the class name. */
const NOT_STATE: ReadonlySet<string> = new Set(['optimizer', 'name']);

/** The base fields PyTorch names otherwise than by snake_case. */
const TORCH_NAMES = { stepCount: '_step_count', lastLr: '_last_lr' } as const;

export abstract class LRScheduler implements Scheduler {
  readonly optimizer: OptimizerLike;
  /** The class name, used in error messages. */
  protected readonly name: string;
  /** Index of the last step taken: -1 before construction, 0 after it. */
  lastEpoch: number;
  /** Each group's `initialLr`: the learning rate the schedule starts from (PyTorch's `base_lrs`). */
  baseLrs: number[];
  /** Steps taken since `initialStep()` (PyTorch's `_step_count`; CosineAnnealingLR reads it). */
  protected stepCount = 0;
  protected lastLr: number[] = [];

  /**
   * Records `initialLr` in each param group when starting fresh (`lastEpoch = -1`, keeping one already there,
   * like PyTorch's `setdefault`), or requires it when resuming (`lastEpoch >= 0`).
   */
  constructor(name: string, optimizer: OptimizerLike, lastEpoch: number = -1) {
    this.name = name;
    const groups = paramGroups(name, optimizer);
    lastEpochArg(name, lastEpoch);
    if (lastEpoch === -1) {
      for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (typeof g.initialLr !== 'number') {
          fail(
            name,
            `paramGroups[${i}].initialLr is not set, which resuming an optimizer (lastEpoch = ${lastEpoch}) requires`,
          );
        }
      });
    }
    this.optimizer = optimizer;
    this.baseLrs = groups.map((g, i) => groupNumber(name, g, i, 'initialLr'));
    this.lastEpoch = lastEpoch;
  }

  /** The optimizer's param groups, typed for reading and writing hyperparameters. */
  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups as ParamGroup[];
  }

  /** The learning rates for epoch `lastEpoch` (PyTorch's chainable `get_lr`). */
  protected abstract getLr(): number[];

  /** The learning rates for epoch `lastEpoch` from the closed form, or null where there is none. */
  protected getClosedFormLr(): number[] | null {
    return null;
  }

  /** Resets the step counter and performs step 0 (PyTorch's `_initial_step`); SequentialLR calls it too. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances one epoch and writes the new learning rates into the param groups. `step(epoch)` instead jumps to
   * `epoch`, using the closed form where the scheduler has one (PyTorch's deprecated explicit-epoch form;
   * SequentialLR uses `step(0)` to restart a scheduler at its milestone). A step that throws changes nothing.
   */
  step(epoch?: number): void {
    if (epoch !== undefined && (!isInt(epoch) || epoch < 0)) {
      fail(this.name, `step: epoch must be a non-negative integer, got ${fmt(epoch)}`);
    }
    const saved = [this.lastEpoch, this.stepCount] as const;
    this.stepCount += 1;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.getClosedFormLr() ?? this.getLr();
      }
    } catch (e) {
      [this.lastEpoch, this.stepCount] = saved;
      throw e;
    }
    this.setLrs(values);
  }

  /** Writes one learning rate per group and remembers them for `getLastLr()`. */
  protected setLrs(values: number[]): void {
    const groups = this.groups;
    groups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = groups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Keys of own fields that hold functions or other values that are not saved (LambdaLR's lambdas). */
  protected transientKeys(): readonly string[] {
    return [];
  }

  private excluded(): ReadonlySet<string> {
    return new Set([...NOT_STATE, ...this.transientKeys()]);
  }

  /**
   * Fields PyTorch names otherwise than by snake_case (CosineAnnealingLR's `tMax` is `T_max`), or, mapped to
   * null, does not have.
   */
  protected torchNames(): Readonly<Record<string, string | null>> {
    return {};
  }

  /** PyTorch keys a PyTorch-layout state may hold that carry nothing we restore (functions, weakrefs). */
  protected torchIgnored(): readonly string[] {
    return [];
  }

  /**
   * Every field but the optimizer, as JSON-serialisable data (PyTorch's `state_dict`). With
   * `{format: 'torch'}`, PyTorch 1.13's layout instead: its attribute names (`last_epoch`, `base_lrs`,
   * `_step_count`, `_last_lr`, `verbose`, `step_size`, `T_max`, ...), for `savePt` and `scheduler.load_state_dict`.
   */
  stateDict(options?: StateDictOptions): StateDict {
    const state = captureState(this, this.excluded());
    if (stateFormat(this.name, options) === 'nn') return state;
    const { lastEpoch, baseLrs, stepCount, lastLr, ...own } = state;
    return {
      ...renameToTorch(own, this.torchNames()),
      base_lrs: baseLrs,
      last_epoch: lastEpoch,
      ...TORCH_CONSTANTS,
      _step_count: stepCount,
      _last_lr: lastLr,
    };
  }

  /**
   * Restores a `stateDict()` of the same scheduler class, in our layout or PyTorch's (detected by its
   * snake_case keys); the optimizer's own state is loaded separately.
   */
  loadStateDict(state: StateDict): void {
    restoreState(this.name, this, isTorchState(state) ? this.fromTorch(state) : state, this.excluded());
  }

  /** A PyTorch-layout state in ours: keys renamed back, every field required, unknown keys rejected. */
  protected fromTorch(state: StateDict): StateDict {
    const current = captureState(this, this.excluded());
    const names = { ...TORCH_NAMES, ...this.torchNames() };
    // Fields PyTorch does not have (OneCycleLR's annealStrategy, CyclicLR's momentum lists when momentum does not
    // cycle) keep the values given to the constructor.
    const kept = Object.fromEntries(Object.entries(current).filter(([k]) => names[k as keyof typeof names] === null));
    const ignored = [...Object.keys(TORCH_CONSTANTS), ...this.torchIgnored()];
    return renameFromTorch(this.name, state, Object.keys(current), names, ignored, kept);
  }
}
