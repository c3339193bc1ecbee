/**
 * Elementwise unary ops. Float functions of int32/bool inputs cast to float32 first (PyTorch returns a float
 * tensor); neg, abs, sign, square and relu keep int32, as PyTorch does.
 */
import { autocastOp } from '../autocast.js';
import { isFloating } from '../dtype.js';
import { engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './promote.js';
import { assertTensor, describe } from './util.js';

/** Unary kernels on autocast's float32 list (PyTorch's: exp, log, rsqrt, reciprocal; pow is in binary.ts). */
const AUTOCAST_FLOAT32 = new Set(['Exp', 'Log', 'Rsqrt', 'Reciprocal']);

function floatOp(op: string, kernel: string, x: Tensor, attrs?: Record<string, unknown>): Tensor {
  const t = assertTensor(op, 'x', x);
  const cast = AUTOCAST_FLOAT32.has(kernel) ? autocastOp('float32', [t], (xf) => floatOp(op, kernel, xf, attrs)) : null;
  if (cast) return cast;
  if (isFloating(t.dtype)) return engine.runKernel(kernel, [t], attrs);
  return engine.tidy(() => engine.runKernel(kernel, [castTo(t, 'float32')], attrs));
}

/** Ops defined on int32 as well; on bool, PyTorch rejects some and computes others in an integer type. */
function intOp(op: string, kernel: string, x: Tensor, onBool: 'reject' | 'int32'): Tensor {
  const t = assertTensor(op, 'x', x);
  if (t.dtype !== 'bool') return engine.runKernel(kernel, [t]);
  if (onBool === 'reject') throw new Error(`${op}: x must have dtype float32 or int32, got bool`);
  return engine.tidy(() => engine.runKernel(kernel, [castTo(t, 'int32')]));
}

/** -x. */
export function neg(x: Tensor): Tensor {
  return intOp('neg', 'Neg', x, 'reject');
}
/** |x|. */
export function abs(x: Tensor): Tensor {
  return intOp('abs', 'Abs', x, 'reject');
}
/** -1, 0 or 1 by the sign of x (0 for NaN and ±0). The sign of a bool tensor is itself (a copy). */
export function sign(x: Tensor): Tensor {
  const t = assertTensor('sign', 'x', x);
  return t.dtype === 'bool' ? engine.runKernel('Clone', [t]) : engine.runKernel('Sign', [t]);
}
/** x², int32 for int32 and bool inputs. */
export function square(x: Tensor): Tensor {
  return intOp('square', 'Square', x, 'int32');
}
/** max(x, 0); NaN stays NaN. */
export function relu(x: Tensor): Tensor {
  return intOp('relu', 'Relu', x, 'reject');
}
/** eˣ. */
export function exp(x: Tensor): Tensor {
  return floatOp('exp', 'Exp', x);
}
/** Natural logarithm (-inf at 0, NaN below). */
export function log(x: Tensor): Tensor {
  return floatOp('log', 'Log', x);
}
/** √x. */
export function sqrt(x: Tensor): Tensor {
  return floatOp('sqrt', 'Sqrt', x);
}
/** 1/√x. */
export function rsqrt(x: Tensor): Tensor {
  return floatOp('rsqrt', 'Rsqrt', x);
}
export function sin(x: Tensor): Tensor {
  return floatOp('sin', 'Sin', x);
}
export function cos(x: Tensor): Tensor {
  return floatOp('cos', 'Cos', x);
}
export function tanh(x: Tensor): Tensor {
  return floatOp('tanh', 'Tanh', x);
}
/** 1 / (1 + e⁻ˣ), evaluated without overflow for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return floatOp('sigmoid', 'Sigmoid', x);
}
/** The error function 2/√π ∫₀ˣ e^(-t²) dt. */
export function erf(x: Tensor): Tensor {
  return floatOp('erf', 'Erf', x);
}
/** 1/x. */
export function reciprocal(x: Tensor): Tensor {
  return floatOp('reciprocal', 'Reciprocal', x);
}

/** x for x > 0, else negativeSlope·x (PyTorch's default slope 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope))
    throw new Error(`leakyRelu: negativeSlope must be a finite number, got ${describe(negativeSlope)}`);
  return floatOp('leakyRelu', 'LeakyRelu', x, { negativeSlope });
}

/**
 * Gaussian error linear unit x·Φ(x). `approximate: 'none'` (default) is exact, 0.5·x·(1 + erf(x/√2));
 * `'tanh'` is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as in PyTorch.
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (typeof opts !== 'object' || opts === null) throw new Error(`gelu: opts must be an object, got ${describe(opts)}`);
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new Error(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  return floatOp('gelu', 'Gelu', x, { approximate });
}
