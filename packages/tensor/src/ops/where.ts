/** Selection: where(cond, a, b) and clamp, which is built from it so its gradient is PyTorch's. */
import { isFloating, promoteTypes, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { lt, gt, eq, ne } from './compare.js';
import { assertSameDevice, castTo } from './promote.js';
import { assertTensor, binaryOperands, describe, scalarOn, type TensorLike } from './util.js';

/**
 * `cond ? a : b` elementwise. `cond` must be bool; cond, a and b broadcast together; a and b are promoted to one
 * dtype (numbers as PyTorch's scalars: an integer with an int32 tensor stays int32).
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = assertTensor('where', 'cond', cond);
  if (c.dtype !== 'bool') throw new Error(`where: cond must have dtype bool, got ${c.dtype}`);
  const run = (): Tensor => {
    const [ta, tb] = operands(c, a, b);
    assertSameDevice('where', ['cond', 'a', 'b'], [c, ta, tb]);
    broadcastShapes('where', c.shape, ta.shape, tb.shape);
    const dtype = promoteTypes(ta.dtype, tb.dtype);
    return engine.runKernel('Where', [c, castTo(ta, dtype), castTo(tb, dtype)]);
  };
  return a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype ? run() : engine.tidy(run);
}

function operands(cond: Tensor, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor || b instanceof Tensor) return binaryOperands('where', a, b);
  const kind = (v: unknown, arg: string): DType => {
    if (typeof v === 'boolean') return 'bool';
    if (typeof v === 'number') return Number.isInteger(v) ? 'int32' : 'float32';
    throw new Error(`where: ${arg} must be a Tensor, number or boolean, got ${describe(v)}`);
  };
  return [scalarOn(a, kind(a, 'a'), cond.device), scalarOn(b, kind(b, 'b'), cond.device)];
}

/**
 * Limits x to [min, max] (either may be null/omitted, not both; numbers or broadcastable tensors). Built as
 * `where(x < min, min, x)` then `where(y > max, max, y)`, so the gradient reaches x where min <= x <= max
 * (inclusive, PyTorch's clamp backward) and a tensor bound where it is active. If min > max the result is max.
 * NaN in x stays NaN; a NaN bound gives NaN, as in PyTorch.
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const t = assertTensor('clamp', 'x', x);
  const lo = bound('min', min);
  const hi = bound('max', max);
  if (lo === null && hi === null) throw new Error('clamp: at least one of min and max must be given');
  const shapeOf = (b: TensorLike | null) => (b instanceof Tensor ? b.shape : []);
  broadcastShapes('clamp', t.shape, shapeOf(lo), shapeOf(hi));
  return engine.tidy(() => {
    let y = t;
    if (lo !== null) y = limit(y, lo, lt);
    if (hi !== null) y = limit(y, hi, gt);
    // NaN in x stays NaN but passes no gradient, as PyTorch's clamp backward (min <= x <= max is false for NaN).
    if (isFloating(t.dtype) && t.requiresGrad) y = where(ne(t, t), t.detach(), y);
    return y;
  });
}

/** y with `bound` where `beyond(y, bound)`, and NaN wherever the bound is NaN. */
function limit(y: Tensor, bound: TensorLike, beyond: (a: TensorLike, b: TensorLike) => Tensor): Tensor {
  if (typeof bound === 'number' && Number.isNaN(bound)) return where(eq(y, y), bound, y);
  const out = where(beyond(y, bound), bound, y);
  return bound instanceof Tensor && isFloating(bound.dtype) ? where(ne(bound, bound), bound, out) : out;
}

function bound(arg: string, v: unknown): TensorLike | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Tensor) return assertTensor('clamp', arg, v);
  throw new Error(`clamp: ${arg} must be a number, a Tensor or null, got ${describe(v)}`);
}
