/**
 * Elementwise comparisons → bool, with broadcasting and promotion as the arithmetic ops (so an int32 tensor
 * compares with 1.5 in float32). NaN compares unequal to everything, itself included.
 */
import type { Tensor } from '../tensor.js';
import { elementwise2 } from './promote.js';
import type { TensorLike } from './util.js';

/** a == b. */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('eq', 'Equal', a, b);
}
/** a != b. */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('ne', 'NotEqual', a, b);
}
/** a < b. */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('lt', 'Less', a, b);
}
/** a <= b. */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('le', 'LessEqual', a, b);
}
/** a > b. */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('gt', 'Greater', a, b);
}
/** a >= b. */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('ge', 'GreaterEqual', a, b);
}
