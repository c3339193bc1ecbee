/**
 * The hook through which `warmup` sees every change a function makes to state that existed before it: storage
 * swapped by `assign` (parameter and optimizer updates, in-place ops), the `grad`/`requiresGrad` slots, a
 * dispose, and generator draws. Null except while a warm-up runs, so the hot paths pay one null check.
 */
import type { Tensor } from './tensor.js';
import type { Generator } from './random/generator.js';

export interface StateJournal {
  /** Before `t`'s storage is replaced. */
  write(t: Tensor): void;
  /** Before `t.grad` or `t.requiresGrad` is set. */
  slot(t: Tensor): void;
  /** Whether to skip disposing `t` (a tensor that existed before the warm-up stays alive). */
  keepAlive(t: Tensor): boolean;
  /** Before `g` draws random numbers. */
  draw(g: Generator): void;
}

export let journal: StateJournal | null = null;

export function setJournal(j: StateJournal | null): void {
  journal = j;
}
