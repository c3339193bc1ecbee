/**
 * Gradient mode: whether ops on tensors that require gradients are recorded. Global, like PyTorch's
 * `torch.is_grad_enabled()`; `noGrad`/`enableGrad` switch it for the duration of a function.
 */
import { describeValue as describe, withRestore } from '@nn/tensor';

let enabled = true;

/** Whether ops are being recorded for backward now. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Turns recording on or off until changed again (prefer the scoped `noGrad`/`enableGrad`). */
export function setGradEnabled(on: boolean): void {
  if (typeof on !== 'boolean') throw new Error(`setGradEnabled: on must be a boolean, got ${describe(on)}`);
  enabled = on;
}

/**
 * Runs `fn` with recording off (evaluation, parameter updates) and returns its result. An async `fn` keeps
 * recording off until its promise settles; the mode is global, so code that interleaves with it meanwhile
 * sees it off too.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with recording on, even inside `noGrad` (PyTorch's `enable_grad`). Async as for `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

function withGradMode<T>(op: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`${op}: fn must be a function, got ${describe(fn)}`);
  const prev = enabled;
  enabled = on;
  return withRestore(fn, () => void (enabled = prev));
}
