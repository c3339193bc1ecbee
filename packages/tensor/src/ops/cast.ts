/** Dtype conversion and copying. */
import { assertDType, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { assertTensor } from './util.js';

/**
 * x converted to `dtype`, always as a new tensor: float → int32 truncates toward zero (as PyTorch), anything →
 * bool is x != 0 (NaN is true), bool → numbers gives 0/1.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = assertTensor('cast', 'x', x);
  return engine.runKernel('Cast', [t], { dtype: assertDType('cast', 'dtype', dtype) });
}

/** A copy of x in new storage (gradients flow through it, unlike detach). */
export function clone(x: Tensor): Tensor {
  return engine.runKernel('Clone', [assertTensor('clone', 'x', x)]);
}
