/**
 * Indexing ops with PyTorch's semantics. gather, scatterAdd and indexSelect are kernels; oneHot is built on
 * primitives (Equal and Cast), so autograd needs no rule of its own. Index tensors are int32 (PyTorch uses
 * int64). Index values are range-checked on the CPU; an asynchronous device cannot check without a readback.
 */
import { engine } from '../engine.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { eq } from './compare.js';
import { arange } from './creation.js';
import { assertSameDevice, castTo } from './promote.js';
import { assertDTypeIn, assertTensor, describe } from './util.js';

/**
 * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (likewise for other dims), as torch.gather: `index` is int32
 * with x's rank, the output has index's shape, and index.shape[d] <= x.shape[d] for every d != dim.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('gather', 'x', x);
  assertTensor('gather', 'index', index);
  assertDTypeIn('gather', 'index', index, ['int32']);
  assertSameDevice('gather', ['x', 'index'], [x, index]);
  const d = normalizeDim('gather', dim, x.rank);
  if (index.rank !== x.rank)
    throw new Error(`gather: index must have the same rank as x, got index shape ${fmtShape(index.shape)} and x shape ${fmtShape(x.shape)}`);
  index.shape.forEach((n, i) => {
    if (i !== d && n > x.shape[i]!)
      throw new Error(`gather: index shape ${fmtShape(index.shape)} is larger than x shape ${fmtShape(x.shape)} at dim ${i} (only dim ${d} may be larger)`);
  });
  return engine.runKernel('Gather', [x, index], { dim: d });
}

/**
 * torch.scatter_add, out of place: a copy of x where, for every position p of index, src[p] is added at p with
 * p[dim] replaced by index[p]; repeated indices accumulate. index is int32 with x's rank,
 * index.shape[d] <= src.shape[d] for every d and index.shape[d] <= x.shape[d] for d != dim.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  assertTensor('scatterAdd', 'x', x);
  assertTensor('scatterAdd', 'index', index);
  assertTensor('scatterAdd', 'src', src);
  assertDTypeIn('scatterAdd', 'x', x, ['float32', 'float16', 'int32']);
  assertDTypeIn('scatterAdd', 'index', index, ['int32']);
  if (src.dtype !== x.dtype) throw new Error(`scatterAdd: src must have x's dtype ${x.dtype}, got ${src.dtype}`);
  assertSameDevice('scatterAdd', ['x', 'index', 'src'], [x, index, src]);
  const d = normalizeDim('scatterAdd', dim, x.rank);
  if (index.rank !== x.rank || src.rank !== x.rank)
    throw new Error(
      `scatterAdd: x, index and src must have the same rank, got shapes ${fmtShape(x.shape)}, ${fmtShape(index.shape)} and ${fmtShape(src.shape)}`,
    );
  index.shape.forEach((n, i) => {
    if (n > src.shape[i]!)
      throw new Error(`scatterAdd: index shape ${fmtShape(index.shape)} is larger than src shape ${fmtShape(src.shape)} at dim ${i}`);
    if (i !== d && n > x.shape[i]!)
      throw new Error(`scatterAdd: index shape ${fmtShape(index.shape)} is larger than x shape ${fmtShape(x.shape)} at dim ${i} (only dim ${d} may be larger)`);
  });
  return engine.runKernel('ScatterAdd', [x, index, src], { dim: d });
}

/**
 * The entries of x at positions `index` (1-D or 0-d int32) along `dim`: out.shape[dim] = index.size, as
 * torch.index_select. The IndexSelect kernel copies whole blocks (a row per index along dim 0); on the CPU it
 * range-checks the index first.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  assertTensor('indexSelect', 'x', x);
  assertTensor('indexSelect', 'index', index);
  assertDTypeIn('indexSelect', 'index', index, ['int32']);
  assertSameDevice('indexSelect', ['x', 'index'], [x, index]);
  if (x.rank === 0) throw new Error('indexSelect: x must have at least 1 dim, got a 0-d tensor');
  if (index.rank > 1) throw new Error(`indexSelect: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  return engine.runKernel('IndexSelect', [x, index], { dim: normalizeDim('indexSelect', dim, x.rank) });
}

/**
 * F.one_hot: int32 [...indices.shape, numClasses] with a 1 at each index's class. numClasses = -1 means
 * max(indices) + 1, which needs a synchronous read, so it is only allowed on the CPU. Built as
 * cast(indices[..., None] == arange(numClasses)).
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  assertTensor('oneHot', 'indices', indices);
  assertDTypeIn('oneHot', 'indices', indices, ['int32']);
  if (!Number.isInteger(numClasses) || numClasses < -1)
    throw new Error(`oneHot: numClasses must be a non-negative integer or -1, got ${describe(numClasses)}`);
  let classes = numClasses;
  if (indices.device === 'cpu') {
    const values = indices.dataSync();
    let max = -1;
    for (const v of values) {
      if (v < 0) throw new Error(`oneHot: class values must be non-negative, got ${v}`);
      if (v > max) max = v;
    }
    if (classes === -1) {
      if (values.length === 0) throw new Error('oneHot: cannot infer numClasses from an empty tensor; pass numClasses');
      classes = max + 1;
    } else if (max >= classes) throw new Error(`oneHot: class value ${max} must be smaller than numClasses ${classes}`);
  } else if (classes === -1) {
    throw new Error(
      `oneHot: numClasses must be given on device '${indices.device}': inferring it (-1) needs a synchronous read of the indices`,
    );
  }
  return engine.tidy(() => {
    const classIds = arange(0, classes, { dtype: 'int32', device: indices.device });
    const col = engine.runKernel('Reshape', [indices], { shape: [...indices.shape, 1] });
    return castTo(eq(col, classIds), 'int32');
  });
}
