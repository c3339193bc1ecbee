/**
 * What LambdaLR and MultiplicativeLR share: a user function of the epoch per param group, checked when given
 * and when called, and left out of the state dict (functions are not data; PyTorch does the same).
 */
import { LRScheduler } from './lr-scheduler.js';
import type { OptimizerLike, StateDict } from './types.js';
import { fail, fmt, paramGroups } from './validate.js';
import { stateFormat, type StateDictOptions } from './torch-state.js';

/** A function of the epoch index giving a learning-rate factor. */
export type LrLambda = (epoch: number) => number;

export abstract class LrLambdaScheduler extends LRScheduler {
  lrLambdas: LrLambda[];

  /** `lrLambda` is one function for all param groups, or an array with one per group. */
  constructor(name: string, optimizer: OptimizerLike, lrLambda: unknown, lastEpoch: number = -1) {
    const n = paramGroups(name, optimizer).length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) {
        fail(name, `expected ${n} lrLambda functions (one per param group), got ${lrLambda.length}`);
      }
      lrLambda.forEach((f, i) => {
        if (typeof f !== 'function') fail(name, `lrLambda[${i}] must be a function, got ${fmt(f)}`);
      });
    } else if (typeof lrLambda !== 'function') {
      fail(name, `lrLambda must be a function or an array of functions, got ${fmt(lrLambda)}`);
    }
    super(name, optimizer, lastEpoch);
    this.lrLambdas = Array.isArray(lrLambda)
      ? [...(lrLambda as LrLambda[])]
      : new Array<LrLambda>(n).fill(lrLambda as LrLambda);
  }

  /** The factor of param group `i` at the current epoch, checked to be a finite number. */
  protected factor(i: number): number {
    const v = this.lrLambdas[i]!(this.lastEpoch);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(
        this.name,
        `lrLambda for paramGroups[${i}] returned ${fmt(v)} at epoch ${this.lastEpoch}; expected a finite number`,
      );
    }
    return v;
  }

  protected override transientKeys(): readonly string[] {
    return ['lrLambdas'];
  }

  /** The state, with `lrLambdas: null` per group standing for the functions, which are not saved. */
  override stateDict(options?: StateDictOptions): StateDict {
    const key = stateFormat(this.name, options) === 'torch' ? 'lr_lambdas' : 'lrLambdas';
    return { ...super.stateDict(options), [key]: this.lrLambdas.map(() => null) };
  }

  /** Restores the state; the functions stay those given to the constructor. */
  override loadStateDict(state: StateDict): void {
    const { lrLambdas: _functions, lr_lambdas: _torchFunctions, ...rest } = state ?? {};
    super.loadStateDict(rest);
  }
}
