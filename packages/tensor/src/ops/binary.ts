/**
 * Elementwise arithmetic with NumPy/PyTorch broadcasting; either operand may be a plain number. Operands are
 * promoted (bool < int32 < float32, scalars as PyTorch) and cast to the result dtype before the kernel.
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { elementwise2 } from './promote.js';
import type { TensorLike } from './util.js';

/** a + b (logical or on two bools, as PyTorch). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('add', 'Add', a, b);
}

/** a - b. Two bool tensors are rejected, as in PyTorch (use ne for xor). */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('sub', 'Sub', a, b, (p) => {
    if (p === 'bool') throw new Error('sub: subtracting two bool operands is not supported; use ne (logical xor) instead');
    return p;
  });
}

/** a · b (logical and on two bools). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('mul', 'Mul', a, b);
}

/** True division a / b: always float32, also for integers (x/0 gives ±inf or NaN). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('div', 'Div', a, b, () => 'float32');
}

/**
 * aᵇ with C/PyTorch semantics (1ᵇ = 1 even for NaN b; a negative base to a fractional power is NaN). Integer
 * powers of int32 stay int32 and wrap; a negative integer exponent gives 0 unless the base is ±1.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('pow', 'Pow', a, b, (p: DType) => {
    if (p === 'bool') throw new Error('pow: both operands are bool; cast one to int32 or float32 first');
    return p;
  });
}

/** Elementwise maximum; NaN if either is NaN. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('maximum', 'Maximum', a, b);
}

/** Elementwise minimum; NaN if either is NaN. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('minimum', 'Minimum', a, b);
}
