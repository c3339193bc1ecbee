import { LRScheduler } from './lr-scheduler.js';
import { momentumKey, setMomentum, type MomentumKey } from './momentum.js';
import type { OptimizerLike, StateDict } from './types.js';
import type { StateDictOptions } from './torch-state.js';
import {
  boolean,
  fail,
  fmt,
  func,
  lastEpochArg,
  nonNegative,
  oneOf,
  paramGroups,
  perGroup,
  positive,
} from './validate.js';

export type CyclicLRMode = 'triangular' | 'triangular2' | 'exp_range';
export type CyclicLRScaleMode = 'cycle' | 'iterations';

export interface CyclicLROptions {
  /** Lower learning-rate bound, for all groups or one per group; becomes each group's lr at construction. */
  baseLr: number | number[];
  /** Upper learning-rate bound, for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the increasing half of a cycle. Default 2000. */
  stepSizeUp?: number;
  /** Steps in the decreasing half of a cycle. Default `stepSizeUp`. */
  stepSizeDown?: number;
  /** Amplitude policy, ignored when `scaleFn` is given. Default 'triangular'. */
  mode?: CyclicLRMode;
  /** Base of 'exp_range': the amplitude is scaled by gamma^iteration. Default 1. */
  gamma?: number;
  /** Custom amplitude scale, with 0 <= scaleFn(x) <= 1; replaces `mode`. Not saved in the state dict. */
  scaleFn?: (x: number) => number;
  /** Whether `scaleFn` receives the cycle number or the iteration. Default 'cycle'. */
  scaleMode?: CyclicLRScaleMode;
  /** Cycle momentum (or Adam's β1) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the learning-rate peak. Default 0.8. */
  baseMomentum?: number | number[];
  /** Momentum at the learning-rate trough. Default 0.9. */
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * Cyclical learning rates (Smith, 2017): the learning rate goes linearly from baseLr up to maxLr in
 * `stepSizeUp` steps and back down in `stepSizeDown`, with the amplitude (maxLr − baseLr) scaled per cycle
 * ('triangular': 1, 'triangular2': 1/2^(cycle−1)) or per iteration ('exp_range': gamma^t). Momentum (or β1)
 * moves the opposite way between maxMomentum and baseMomentum. Step it after every batch.
 *
 * With an Adam-like optimizer (param groups with `betas`) β1 is cycled, as PyTorch 2 does (1.13 refused them).
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: CyclicLRMode;
  gamma: number;
  scaleMode: CyclicLRScaleMode;
  /** The custom scale function, or null for the one `mode` names. */
  scaleFn: ((x: number) => number) | null;
  cycleMomentum: boolean;
  /** Whether the cycled momentum is Adam's β1 (`betas[0]`) rather than `momentum`. */
  useBeta1: boolean;
  baseMomentums: number[];
  maxMomentums: number[];

  constructor(optimizer: OptimizerLike, options: CyclicLROptions) {
    const cls = 'CyclicLR';
    const o = options ?? ({} as CyclicLROptions);
    const groups = paramGroups(cls, optimizer);
    const lastEpoch = lastEpochArg(cls, o.lastEpoch ?? -1);
    const baseLrs = perGroup(cls, 'baseLr', o.baseLr, groups.length, nonNegative);
    const maxLrs = perGroup(cls, 'maxLr', o.maxLr, groups.length, nonNegative);
    const stepSizeUp = positive(cls, 'stepSizeUp', o.stepSizeUp ?? 2000);
    const stepSizeDown = positive(cls, 'stepSizeDown', o.stepSizeDown ?? stepSizeUp);
    const mode = oneOf(cls, 'mode', o.mode ?? 'triangular', ['triangular', 'triangular2', 'exp_range'] as const);
    const gamma = positive(cls, 'gamma', o.gamma ?? 1);
    const scaleFn = o.scaleFn === undefined ? null : func<(x: number) => number>(cls, 'scaleFn', o.scaleFn);
    const scaleMode = oneOf(cls, 'scaleMode', o.scaleMode ?? 'cycle', ['cycle', 'iterations'] as const);
    const cycleMomentum = boolean(cls, 'cycleMomentum', o.cycleMomentum ?? true);
    const key = cycleMomentum ? momentumKey(cls, optimizer, groups) : null;
    const baseMomentums = perGroup(cls, 'baseMomentum', o.baseMomentum ?? 0.8, groups.length, nonNegative);
    const maxMomentums = perGroup(cls, 'maxMomentum', o.maxMomentum ?? 0.9, groups.length, nonNegative);
    if (lastEpoch === -1) groups.forEach((g, i) => (g.lr = baseLrs[i]!));
    super(cls, optimizer, lastEpoch);
    this.maxLrs = maxLrs;
    this.totalSize = stepSizeUp + stepSizeDown;
    this.stepRatio = stepSizeUp / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleFn = scaleFn;
    // The built-in policies fix what they scale by; a custom function follows scaleMode.
    this.scaleMode = scaleFn ? scaleMode : mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = key === 'betas';
    this.baseMomentums = cycleMomentum ? baseMomentums : [];
    this.maxMomentums = cycleMomentum ? maxMomentums : [];
    // PyTorch performs the initial step with the groups' initialLr as base and only then takes baseLr.
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  /** The amplitude scale at cycle number or iteration `x`. */
  private scale(x: number): number {
    if (this.scaleFn) {
      const v = this.scaleFn(x);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        fail(this.name, `scaleFn returned ${fmt(v)} for ${x}; expected a finite number`);
      }
      return v;
    }
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1 + t / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scale(this.scaleMode === 'cycle' ? cycle : t);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i]! - b) * scaleFactor * scale);
    if (this.cycleMomentum) {
      const key: MomentumKey = this.useBeta1 ? 'betas' : 'momentum';
      this.groups.forEach((g, i) => {
        const max = this.maxMomentums[i]!;
        setMomentum(g, key, max - (max - this.baseMomentums[i]!) * scaleFactor * scale);
      });
    }
    return lrs;
  }

  protected override transientKeys(): readonly string[] {
    return ['scaleFn'];
  }

  /**
   * PyTorch 1.13 writes `_scale_fn_custom: None` for the function (not saved), has no `use_beta1`, and no momentum
   * lists when momentum does not cycle.
   */
  protected override torchNames(): Record<string, string | null> {
    return { useBeta1: null, ...(this.cycleMomentum ? {} : { baseMomentums: null, maxMomentums: null }) };
  }

  protected override torchIgnored(): readonly string[] {
    return ['_scale_fn_custom', '_scale_fn_ref', 'use_beta1'];
  }

  override stateDict(options?: StateDictOptions): StateDict {
    const state = super.stateDict(options);
    return options?.format === 'torch' ? { _scale_fn_custom: null, ...state } : state;
  }
}
