import { captureState, decodeNumber, encodeNumber, restoreState } from './state.js';
import type { OptimizerLike, ParamGroup, StateDict } from './types.js';
import { asRecord, isTorchState, renameFromTorch, renameToTorch, stateFormat, type StateDictOptions } from './torch-state.js';
import { fail, fmt, inRange, nonNegative, nonNegativeInt, oneOf, paramGroups, perGroup } from './validate.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': improvement beyond best·(1 ∓ threshold); 'abs': beyond best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the learning rate, for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
}

const NOT_STATE: ReadonlySet<string> = new Set(['optimizer', 'best']);
/** PyTorch 1.13 writes `_last_lr` from the first `step` on. */
const TORCH_NAMES = { lastLr: '_last_lr' } as const;

/**
 * Reduces the learning rate by `factor` once a metric has not improved for more than `patience` epochs, then
 * waits `cooldown` epochs before watching again. `step(metric)` takes the metric (a number, or anything with
 * `item()` such as a scalar tensor); lr = max(lr · factor, minLr), skipped when the change is below `eps`.
 */
export class ReduceLROnPlateau {
  readonly optimizer: OptimizerLike;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric seen (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  /** Number of `step(metric)` calls. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions = {}) {
    const cls = 'ReduceLROnPlateau';
    const o = options ?? {};
    const groups = paramGroups(cls, optimizer);
    this.factor = inRange(cls, 'factor', o.factor ?? 0.1, '[0, 1)');
    this.mode = oneOf(cls, 'mode', o.mode ?? 'min', ['min', 'max'] as const);
    this.thresholdMode = oneOf(cls, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.threshold = nonNegative(cls, 'threshold', o.threshold ?? 1e-4);
    this.patience = nonNegativeInt(cls, 'patience', o.patience ?? 10);
    this.cooldown = nonNegativeInt(cls, 'cooldown', o.cooldown ?? 0);
    this.minLrs = perGroup(cls, 'minLr', o.minLr ?? 0, groups.length, nonNegative);
    this.eps = nonNegative(cls, 'eps', o.eps ?? 1e-8);
    this.optimizer = optimizer;
    this.best = this.modeWorse;
    this.lastLr = groups.map((g) => g.lr);
  }

  private get groups(): ParamGroup[] {
    return this.optimizer.paramGroups as ParamGroup[];
  }

  /** The worst possible metric for the mode: where `best` starts. */
  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records one epoch's metric and reduces the learning rates if it has plateaued. NaN counts as no improvement. */
  step(metric: number | { item(): number | boolean }): void {
    const current =
      typeof metric === 'object' && metric !== null && typeof metric.item === 'function' ? metric.item() : metric;
    if (typeof current !== 'number')
      fail('ReduceLROnPlateau', `step: metric must be a number (or have an item() giving one), got ${fmt(current)}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.groups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The learning rates after the last step (the optimizer's, before the first). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** JSON-serialisable state; `best` is saved as a string when infinite ('Infinity', '-Infinity'). */
  /**
   * Our layout (JSON: an infinite `best` as a string), or with `{format: 'torch'}` PyTorch 1.13's: `min_lrs`,
   * `num_bad_epochs`, `best` and `mode_worse` as numbers (Infinity included), `verbose`, `_last_lr`.
   */
  stateDict(options?: StateDictOptions): StateDict {
    const own = captureState(this, NOT_STATE);
    if (stateFormat('ReduceLROnPlateau', options) === 'nn') return { ...own, best: encodeNumber(this.best) };
    return { ...renameToTorch(own, TORCH_NAMES), verbose: false, best: this.best, mode_worse: this.modeWorse };
  }

  /** Restores a `stateDict()` in our layout or PyTorch's. */
  loadStateDict(state: StateDict): void {
    if (isTorchState(state)) {
      // Before its first step PyTorch's scheduler has no `_last_lr`: the groups' learning rates are the last ones.
      const withLast = { _last_lr: this.groups.map((g) => g.lr), ...asRecord(state) };
      const fields = Object.keys(captureState(this, NOT_STATE));
      state = renameFromTorch('ReduceLROnPlateau', withLast, [...fields, 'best'], TORCH_NAMES, ['verbose', 'mode_worse']);
    }
    const { best, ...rest } = state ?? {};
    const value = decodeNumber('ReduceLROnPlateau', 'best', best);
    oneOf('ReduceLROnPlateau', 'loadStateDict: mode', rest.mode, ['min', 'max'] as const);
    oneOf('ReduceLROnPlateau', 'loadStateDict: thresholdMode', rest.thresholdMode, ['rel', 'abs'] as const);
    restoreState('ReduceLROnPlateau', this, rest, NOT_STATE);
    this.best = value;
  }
}
