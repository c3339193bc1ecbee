/**
 * Elementwise arithmetic with NumPy/PyTorch broadcasting; either operand may be a plain number. Operands are
 * promoted (bool < int32 < float32, scalars as PyTorch) and cast to the result dtype before the kernel.
 */
import { autocastOp } from '../autocast.js';
import { isFloating, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { elementwise2 } from './promote.js';
import { rsqrt, sqrt } from './unary.js';
import type { TensorLike } from './util.js';

/** a + b (logical or on two bools, as PyTorch). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('add', 'Add', a, b);
}

/** a - b. A bool tensor operand is rejected, as in PyTorch (use ne for xor, or cast it first). */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  for (const [arg, v] of [['a', a], ['b', b]] as const)
    if (v instanceof Tensor && v.dtype === 'bool')
      throw new Error(`sub: ${arg} is a bool tensor (shape [${v.shape.join(', ')}]); subtraction with a bool tensor is not supported: use ne (logical xor), or cast to int32 or float32 first`);
  return elementwise2('sub', 'Sub', a, b, (p) => {
    if (p === 'bool') throw new Error('sub: subtracting two bool operands is not supported; use ne (logical xor) instead');
    return p;
  });
}

/** a · b (logical and on two bools). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('mul', 'Mul', a, b);
}

/** True division a / b: floating, float32 for integers (x/0 gives ±inf or NaN). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return elementwise2('div', 'Div', a, b, (p: DType) => (isFloating(p) ? p : 'float32'));
}

/**
 * aᵇ with C/PyTorch semantics (1ᵇ = 1 even for NaN b; a negative base to a fractional power is NaN; a number
 * exponent 0.5 or −0.5 is √a or 1/√a, as PyTorch computes them). Integer powers of int32 stay int32; one that
 * leaves int32 is an error; a negative integer exponent gives 0 unless the base is ±1.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  // PyTorch computes x^0.5 as √x and x^-0.5 as 1/√x for a number exponent, so (−inf)^0.5 is NaN and (−0)^0.5
  // is −0 where C's pow gives +inf and +0.
  const cast = a instanceof Tensor ? autocastOp('float32', [a, b instanceof Tensor ? b : null], (x, y) => pow(x!, y ?? b)) : null;
  if (cast) return cast;
  if (a instanceof Tensor && isFloating(a.dtype) && (b === 0.5 || b === -0.5)) return b === 0.5 ? sqrt(a) : rsqrt(a);
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
