/**
 * Reductions `(x, dim?, keepdim = false)`: dim is a number, a list, or null/omitted for all dims; negative dims
 * count from the end. max/min are PyTorch's amax/amin (values only, NaN propagates).
 */
import { engine } from '../engine.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Dims } from '../tensor-methods.js';
import { div } from './binary.js';
import { autocastOp } from '../autocast.js';
import { inFloat32 } from './promote.js';
import { assertNonEmpty, keepdimArg, reducedCount, reductionDims } from './reduce-args.js';
import { assertTensor, describe } from './util.js';

function reduce(op: string, kernel: string, x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const t = assertTensor(op, 'x', x);
  const dims = reductionDims(op, t, dim);
  const kd = keepdimArg(op, keepdim);
  if (kernel !== 'Sum') assertNonEmpty(op, t, dims);
  return engine.runKernel(kernel, [t], { dims, keepdim: kd });
}

/** Sum over dims (0 for an empty reduction); int32 and bool sum to int32. On autocast's float32 list. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return autocastOp('float32', [assertTensor('sum', 'x', x)], (t) => sum(t, dim, keepdim)) ?? reduce('sum', 'Sum', x, dim, keepdim);
}

/**
 * Arithmetic mean over dims, in float32 (int32/bool inputs are cast first; float16 gives float16, rounded once);
 * NaN for an empty reduction.
 */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const t = assertTensor('mean', 'x', x);
  const dims = reductionDims('mean', t, dim);
  const kd = keepdimArg('mean', keepdim);
  return engine.tidy(() => inFloat32(t, (xf) => div(engine.runKernel('Sum', [xf], { dims, keepdim: kd }), reducedCount(t, dims))));
}

/** Largest value over dims (torch.amax); an error for a dimension of size 0. */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce('max', 'Max', x, dim, keepdim);
}

/** Smallest value over dims (torch.amin); an error for a dimension of size 0. */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce('min', 'Min', x, dim, keepdim);
}

function argReduce(op: string, kernel: string, x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  const t = assertTensor(op, 'x', x);
  const kd = keepdimArg(op, keepdim);
  if (dim !== undefined && dim !== null && typeof dim !== 'number')
    throw new Error(`${op}: dim must be a single integer or null, got ${describe(dim)}`);
  if (dim === undefined || dim === null || t.rank === 0) {
    if (t.size === 0) throw new Error(`${op}: cannot take the ${op} of an empty tensor (shape [${t.shape.join(',')}]) without a dim`);
    if (dim != null) normalizeDim(op, dim, t.rank);
    return engine.runKernel(kernel, [t], { dim: null, keepdim: kd });
  }
  const d = normalizeDim(op, dim, t.rank);
  assertNonEmpty(op, t, [d]);
  return engine.runKernel(kernel, [t], { dim: d, keepdim: kd });
}

/** Index (int32) of the largest value along dim, or in the flattened tensor when dim is null; first on ties, NaN counts as largest. */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce('argmax', 'ArgMax', x, dim, keepdim);
}

/** Index (int32) of the smallest value along dim, or in the flattened tensor when dim is null; first on ties, NaN counts as smallest. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce('argmin', 'ArgMin', x, dim, keepdim);
}
