/**
 * Composite statistics built only from primitive-kernel ops, so autograd differentiates them through the
 * kernels' own rules: var, std, logsumexp, softmax, logSoftmax. The max subtracted for stability is detached:
 * it shifts values without changing the result, so no gradient needs to flow through it.
 */
import { engine } from '../engine.js';
import { normalizeDim, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Dims, VarOptions } from '../tensor-methods.js';
import { add, div, sub } from './binary.js';
import { eq } from './compare.js';
import { full } from './creation.js';
import { autocastOp } from '../autocast.js';
import { inFloat32 } from './promote.js';
import { keepdimArg, reducedCount, reductionDims } from './reduce-args.js';
import { max, mean, sum } from './reduce.js';
import { abs, exp, log, sqrt, square } from './unary.js';
import { assertTensor, describe } from './util.js';
import { where } from './where.js';

function varArgs(op: string, keepdim: unknown, opts: unknown): { keepdim: boolean; correction: number } {
  let kd = keepdim;
  let o = opts;
  if (typeof keepdim === 'object' && keepdim !== null) {
    if (opts !== undefined) throw new Error(`${op}: options given twice (as keepdim and as opts)`);
    o = keepdim;
    kd = undefined;
  }
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw new Error(`${op}: opts must be an object, got ${describe(o)}`);
  const { correction = 1, keepdim: okd } = (o ?? {}) as VarOptions;
  if (okd !== undefined) {
    if (kd !== undefined) throw new Error(`${op}: keepdim given twice (as an argument and in opts)`);
    kd = okd;
  }
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0)
    throw new Error(`${op}: correction must be a non-negative finite number, got ${describe(correction)}`);
  return { keepdim: keepdimArg(op, kd), correction };
}

/**
 * Variance over dims: Σ(x - mean)² / max(0, N - correction), correction = 1 by default (Bessel, PyTorch's
 * default; 0 gives the population variance). Two passes (mean first) for accuracy. NaN when N <= correction.
 * Accepts `var(x, dim, keepdim, {correction})` or `var(x, dim, {correction, keepdim})`.
 */
function variance(op: string, x: Tensor, dim: Dims | undefined, keepdim: boolean | VarOptions | undefined, opts: VarOptions | undefined): Tensor {
  const t = assertTensor(op, 'x', x);
  const dims = reductionDims(op, t, dim);
  const { keepdim: kd, correction } = varArgs(op, keepdim, opts);
  const n = reducedCount(t, dims);
  return inFloat32(t, (xf) => div(sum(square(sub(xf, mean(xf, dims, true))), dims, kd), Math.max(0, n - correction)));
}

/** Variance (see `variance`); exported as `var`, a reserved word for a function name. */
function varFn(x: Tensor, dim?: Dims, keepdim?: boolean | VarOptions, opts?: VarOptions): Tensor {
  return engine.tidy(() => variance('var', x, dim, keepdim, opts));
}

export { varFn as var };

/**
 * Standard deviation: √var with the same arguments (correction = 1 by default). Where the deviation is 0 its
 * gradient is 0, as PyTorch's std backward masks it (√'s own gradient there is ∞·0 = NaN).
 */
export function std(x: Tensor, dim?: Dims, keepdim?: boolean | VarOptions, opts?: VarOptions): Tensor {
  return engine.tidy(() => {
    const v = variance('std', x, dim, keepdim, opts);
    const zero = eq(v, 0);
    // √ of 1 where v is 0, so the masked branch's gradient is finite (0·finite), then 0 selected there.
    return where(zero, 0, sqrt(where(zero, 1, v)));
  });
}

/**
 * log Σ exp(x) over dims, computed as m + log Σ exp(x - m) with m the (detached) max, so it neither overflows
 * nor underflows. Rows whose max is ±inf use m = 0, as PyTorch: all -inf gives -inf, any +inf gives +inf.
 * An empty reduction gives -inf.
 */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const cast = autocastOp('float32', [assertTensor('logsumexp', 'x', x)], (t) => logsumexp(t, dim, keepdim));
  if (cast) return cast;
  const t = assertTensor('logsumexp', 'x', x);
  const dims = reductionDims('logsumexp', t, dim);
  const kd = keepdimArg('logsumexp', keepdim);
  const outShape = reducedShape(t.shape, dims, kd);
  // Empty: −inf, still connected to x (the sum of nothing is 0, so its gradient is x's empty zeros), as PyTorch.
  if (reducedCount(t, dims) === 0) return engine.tidy(() => inFloat32(t, (xf) => sub(sum(xf, dims, kd), Infinity)));
  return engine.tidy(() =>
    inFloat32(t, (xf) => {
      const m0 = max(xf, dims, true).detach();
      const m = where(eq(abs(m0), Infinity), 0, m0);
      const s = sum(exp(sub(xf, m)), dims, kd);
      return add(log(s), kd ? m : engine.runKernel('Reshape', [m], { shape: outShape }));
    }),
  );
}

/** Shared head of softmax/logSoftmax: xf (float32) minus its detached max along `dim`. */
function shifted(op: string, xf: Tensor, dim: number): { z: Tensor; d: number } {
  if (typeof dim !== 'number') throw new Error(`${op}: dim must be an integer, got ${describe(dim)}`);
  const d = xf.rank === 0 ? (normalizeDim(op, dim, 0), 0) : normalizeDim(op, dim, xf.rank);
  if (xf.size === 0) return { z: xf, d };
  return { z: sub(xf, max(xf, d, true).detach()), d };
}

/**
 * exp(x) / Σ exp(x) along dim, with the max subtracted first; each slice sums to 1. Computed in float32 (a
 * float16 x gives float16, rounded once); on autocast's float32 list.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const cast = autocastOp('float32', [assertTensor('softmax', 'x', x)], (t) => softmax(t, dim));
  if (cast) return cast;
  return engine.tidy(() =>
    inFloat32(x, (xf) => {
      const { z, d } = shifted('softmax', xf, dim);
      const e = exp(z);
      return div(e, sum(e, d, true));
    }),
  );
}

/**
 * x - logsumexp(x) along dim, computed as z - log Σ exp(z) with z = x - max: finite for logits of ±1e4. In
 * float32 like softmax; on autocast's float32 list.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const cast = autocastOp('float32', [assertTensor('logSoftmax', 'x', x)], (t) => logSoftmax(t, dim));
  if (cast) return cast;
  return engine.tidy(() =>
    inFloat32(x, (xf) => {
      const { z, d } = shifted('logSoftmax', xf, dim);
      return sub(z, log(sum(exp(z), d, true)));
    }),
  );
}

