import { LRScheduler } from './lr-scheduler.js';
import { momentumKey, setMomentum, type MomentumKey } from './momentum.js';
import {
  annealFunction,
  locatePhase,
  oneCyclePhases,
  type AnnealStrategy,
  type OneCyclePhase,
} from './one-cycle-phases.js';
import type { OptimizerLike, StateDict } from './types.js';
import { asRecord, toSnake, type StateDictOptions } from './torch-state.js';
import {
  boolean,
  fail,
  groupNumber,
  inRange,
  lastEpochArg,
  nonNegative,
  oneOf,
  paramGroups,
  perGroup,
  positive,
  positiveInt,
} from './validate.js';

export interface OneCycleLROptions {
  /** Peak learning rate, for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the learning rate. Default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: AnnealStrategy;
  /** Cycle momentum (or Adam's β1) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the learning-rate peak. Default 0.85. */
  baseMomentum?: number | number[];
  /** Momentum where the learning rate is lowest. Default 0.95. */
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Anneal back to initialLr before the final decay, as in the paper, instead of fastai's two phases. Default false. */
  threePhase?: boolean;
  lastEpoch?: number;
}

/**
 * The 1cycle policy (Smith & Topin, "Super-Convergence", 2017): the learning rate rises from maxLr/divFactor to
 * maxLr over the first pctStart of the cycle, then anneals to maxLr/(divFactor·finalDivFactor), while momentum
 * moves the opposite way between maxMomentum and baseMomentum. Step it after every batch; it allows
 * `totalSteps` steps after construction and throws beyond. Not chainable: it sets lr from the values it stores
 * in each group (`initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum`).
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: OneCyclePhase[];
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** Whether the cycled momentum is Adam's β1 (`betas[0]`) rather than `momentum`. */
  useBeta1: boolean;

  constructor(optimizer: OptimizerLike, options: OneCycleLROptions) {
    const cls = 'OneCycleLR';
    const o = options ?? ({} as OneCycleLROptions);
    const groups = paramGroups(cls, optimizer);
    const lastEpoch = lastEpochArg(cls, o.lastEpoch ?? -1);
    if (o.totalSteps === undefined && o.epochs === undefined && o.stepsPerEpoch === undefined) {
      fail(cls, 'you must define either totalSteps OR (epochs AND stepsPerEpoch)');
    }
    const totalSteps =
      o.totalSteps !== undefined
        ? positiveInt(cls, 'totalSteps', o.totalSteps)
        : positiveInt(cls, 'epochs', o.epochs) * positiveInt(cls, 'stepsPerEpoch', o.stepsPerEpoch);
    const pctStart = inRange(cls, 'pctStart', o.pctStart ?? 0.3, '[0, 1]');
    const annealStrategy = oneOf(cls, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
    const cycleMomentum = boolean(cls, 'cycleMomentum', o.cycleMomentum ?? true);
    const divFactor = positive(cls, 'divFactor', o.divFactor ?? 25);
    const finalDivFactor = positive(cls, 'finalDivFactor', o.finalDivFactor ?? 1e4);
    const threePhase = boolean(cls, 'threePhase', o.threePhase ?? false);
    const maxLrs = perGroup(cls, 'maxLr', o.maxLr, groups.length, positive);
    const phases = oneCyclePhases(totalSteps, pctStart, threePhase);
    locatePhase(cls, phases, lastEpoch + 1); // the initial step must be computable before any group is touched
    const key = cycleMomentum ? momentumKey(cls, optimizer, groups) : null;
    const maxMomenta = perGroup(cls, 'maxMomentum', o.maxMomentum ?? 0.95, groups.length, nonNegative);
    const baseMomenta = perGroup(cls, 'baseMomentum', o.baseMomentum ?? 0.85, groups.length, nonNegative);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        const initialLr = maxLrs[i]! / divFactor;
        g.initialLr = initialLr;
        g.maxLr = maxLrs[i]!;
        g.minLr = initialLr / finalDivFactor;
        if (key) {
          setMomentum(g, key, maxMomenta[i]!);
          g.maxMomentum = maxMomenta[i]!;
          g.baseMomentum = baseMomenta[i]!;
        }
      });
    }
    super(cls, optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.phases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = key === 'betas';
    this.initialStep();
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      fail(
        this.name,
        `Tried to step ${step + 1} times. The specified number of total steps is ${
          this.totalSteps
        }; give a larger totalSteps (or epochs · stepsPerEpoch)`,
      );
    }
    const anneal = annealFunction(this.annealStrategy);
    const { phase, pct } = locatePhase(this.name, this.phases, step);
    const groups = this.groups;
    const value = (i: number, key: string) => groupNumber(this.name, groups[i]!, i, key);
    const lrs = groups.map((_, i) => anneal(value(i, phase.startLr), value(i, phase.endLr), pct));
    if (this.cycleMomentum) {
      const key: MomentumKey = this.useBeta1 ? 'betas' : 'momentum';
      const momenta = groups.map((_, i) => anneal(value(i, phase.startMomentum), value(i, phase.endMomentum), pct));
      groups.forEach((g, i) => setMomentum(g, key, momenta[i]!));
    }
    return lrs;
  }

  /** `phases` is PyTorch's `_schedule_phases` (snake_case keys and values); `anneal_func`, a method, is not saved. */
  protected override torchNames(): Record<string, string | null> {
    return { phases: '_schedule_phases', annealStrategy: null };
  }

  protected override torchIgnored(): readonly string[] {
    return ['anneal_func', '_anneal_func_type'];
  }

  override stateDict(options?: StateDictOptions): StateDict {
    const state = super.stateDict(options);
    if (options?.format === 'torch')
      state._schedule_phases = this.phases.map((p) =>
        Object.fromEntries(Object.entries(p).map(([k, v]) => [toSnake(k), typeof v === 'string' ? toSnake(v) : v])),
      );
    return state;
  }

  protected override fromTorch(state: StateDict): StateDict {
    const out = super.fromTorch(state);
    const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (Array.isArray(out.phases))
      out.phases = out.phases.map((p) =>
        Object.fromEntries(Object.entries(asRecord(p) ?? {}).map(([k, v]) => [camel(k), typeof v === 'string' ? camel(v) : v])),
      );
    return out;
  }
}
