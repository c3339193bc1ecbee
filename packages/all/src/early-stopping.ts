/**
 * Early stopping (Keras' `EarlyStopping`): stop when the monitored value has not improved by more than
 * `minDelta` for `patience` epochs in a row, optionally putting back the weights of the best epoch.
 */
import { dispose, keep, type Tensor } from '@nn/tensor';
import { checkNonNegative, checkOneOf, checkOptions, checkString, describe } from './args.js';
import type { EpochLogs } from './history.js';

export interface EarlyStoppingOptions {
  /** The log key to watch (default 'valLoss' with validation data, else 'loss'). */
  monitor?: string;
  /**
   * Epochs without improvement after which training stops (default 0, as Keras: like 1, it stops at the first
   * epoch that does not improve).
   */
  patience?: number;
  /** 'min': lower is better; 'max': higher is better; 'auto' (default): 'max' for keys containing "accuracy". */
  mode?: 'min' | 'max' | 'auto';
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** At the end of training, load the weights of the best epoch back into the model (default false). */
  restoreBest?: boolean;
}

/** The JSON part of the state, saved in checkpoints (the best weights go in as tensors). */
export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
  stoppedEpoch: number;
}

/** A model as early stopping sees it: something whose weights can be snapshotted and put back. */
export interface Snapshottable {
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): unknown;
}

export class EarlyStopping {
  readonly monitor: string;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly restoreBest: boolean;
  /** Best value so far (null before the first epoch). */
  best: number | null = null;
  /** 1-based epoch of `best` (0 before the first epoch). */
  bestEpoch = 0;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch at which training stopped, or 0 while it runs. */
  stoppedEpoch = 0;
  /** The model's weights at `bestEpoch` (restoreBest only): kept snapshots sharing storage, no copies. */
  bestWeights: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions, defaultMonitor: string) {
    const op = 'fit: earlyStopping';
    const o = checkOptions(op, options, ['monitor', 'patience', 'mode', 'minDelta', 'restoreBest']);
    this.monitor = checkString(op, 'monitor', o.monitor ?? defaultMonitor);
    const patience = o.patience ?? 0;
    if (!Number.isSafeInteger(patience) || patience < 0) throw new Error(`${op}: patience must be an integer >= 0, got ${describe(patience)}`);
    this.patience = patience;
    const mode = checkOneOf(op, 'mode', o.mode ?? 'auto', ['min', 'max', 'auto'] as const);
    this.mode = mode === 'auto' ? (/accuracy/i.test(this.monitor) ? 'max' : 'min') : mode;
    this.minDelta = checkNonNegative(op, 'minDelta', o.minDelta ?? 0);
    this.restoreBest = checkOneOf(op, 'restoreBest', o.restoreBest ?? false, [true, false]);
  }

  /** Records an epoch's logs; returns true when training should stop after it. */
  update(epoch: number, logs: EpochLogs, model: Snapshottable): boolean {
    const value = logs[this.monitor];
    if (value === undefined)
      throw new Error(`fit: earlyStopping monitors '${this.monitor}', which the logs do not have (keys: ${Object.keys(logs).join(', ')})`);
    if (this.#improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBest) this.setBestWeights(model.stateDict());
      return false;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }

  #improves(value: number): boolean {
    if (Number.isNaN(value)) return false;
    if (this.best === null) return true;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /** Replaces the best-weights snapshot (taking ownership of `weights`). */
  setBestWeights(weights: Record<string, Tensor> | null): void {
    if (this.bestWeights) dispose(this.bestWeights);
    if (weights) for (const t of Object.values(weights)) keep(t);
    this.bestWeights = weights;
  }

  /** Loads the best weights into `model` if they are not the current ones; returns whether it did. */
  restore(model: Snapshottable, lastEpoch: number): boolean {
    if (!this.restoreBest || !this.bestWeights || this.bestEpoch === lastEpoch) return false;
    model.loadStateDict(this.bestWeights);
    return true;
  }

  state(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, stoppedEpoch: this.stoppedEpoch };
  }

  loadState(s: EarlyStoppingState): void {
    const op = 'fit: resume: earlyStopping state';
    const int = (k: keyof EarlyStoppingState) => {
      const v = s?.[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${op}: ${k} must be an integer >= 0, got ${describe(v)}`);
      return v;
    };
    if (s?.best !== null && typeof s?.best !== 'number') throw new Error(`${op}: best must be a number or null, got ${describe(s?.best)}`);
    this.best = s.best;
    this.bestEpoch = int('bestEpoch');
    this.wait = int('wait');
    this.stoppedEpoch = int('stoppedEpoch');
  }

  dispose(): void {
    this.setBestWeights(null);
  }
}
