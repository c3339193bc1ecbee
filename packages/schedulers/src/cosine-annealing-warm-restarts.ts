import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike } from './types.js';
import { fail, fmt, isInt, nonNegative, positiveInt } from './validate.js';

export interface CosineAnnealingWarmRestartsOptions {
  /** Length of the first period, in epochs. */
  t0: number;
  /** Factor by which each period is longer than the previous one. Default 1. */
  tMult?: number;
  /** Minimum learning rate. Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * SGDR (Loshchilov & Hutter, 2017): cosine annealing that restarts at lr_0 after each period,
 * lr = etaMin + (lr_0 − etaMin)(1 + cos(π·tCur/tI)) / 2, where tCur counts epochs since the last restart and
 * the period tI starts at `t0` and is multiplied by `tMult` at each restart.
 *
 * `step(epoch)` accepts fractional epochs, so it can be called after every batch:
 * `scheduler.step(epoch + i / itersPerEpoch)`.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tI: number;
  tMult: number;
  etaMin: number;
  tCur: number;

  constructor(optimizer: OptimizerLike, options: CosineAnnealingWarmRestartsOptions) {
    const { t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = options ?? ({} as CosineAnnealingWarmRestartsOptions);
    positiveInt('CosineAnnealingWarmRestarts', 't0', t0);
    if (!isInt(tMult) || tMult < 1) {
      fail('CosineAnnealingWarmRestarts', `tMult must be an integer >= 1, got ${fmt(tMult)}`);
    }
    nonNegative('CosineAnnealingWarmRestarts', 'etaMin', etaMin);
    super('CosineAnnealingWarmRestarts', optimizer, lastEpoch);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.initialStep();
  }

  protected override torchNames(): Record<string, string> {
    return { t0: 'T_0', tI: 'T_i', tMult: 'T_mult', tCur: 'T_cur' };
  }

  protected getLr(): number[] {
    const { etaMin, tCur, tI } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
  }

  /**
   * Advances one epoch, or jumps to `epoch` (any non-negative number, fractional allowed), locating it within
   * its period: with tMult > 1, period n starts at t0(tMult^n − 1)/(tMult − 1).
   */
  override step(epoch?: number): void {
    if (epoch !== undefined && (typeof epoch !== 'number' || !Number.isFinite(epoch) || epoch < 0)) {
      fail(this.name, `step: epoch must be a non-negative number, got ${fmt(epoch)}`);
    }
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (epoch >= this.t0) {
      if (this.tMult === 1) {
        this.tCur = epoch % this.t0;
      } else {
        const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}
