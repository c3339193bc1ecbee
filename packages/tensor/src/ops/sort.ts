/**
 * Sorting: sort, argsort and topk along a dim, PyTorch's semantics. One kernel, ArgSort (a stable sort of
 * positions), does the ordering; the values are a Gather at those positions, so their gradient flows back to
 * where each value came from (the Gather rule's scatter) and the int32 indices carry none.
 *
 * Order: stable in both directions — equal values keep their original order, the lower position first (torch.sort
 * with stable=True; PyTorch's default unstable sort may order ties differently, its values are the same).
 * NaN counts as larger than every number: last ascending, first descending, and first in topk's largest.
 */
import { engine } from '../engine.js';
import { fmtShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gather } from './indexing.js';
import { slice } from './movement.js';
import { assertTensor, describe } from './util.js';
import { checkOptions } from '../validate.js';

export interface SortOptions {
  /** Largest first. Default false. */
  descending?: boolean;
  /** Accepted for PyTorch compatibility: the sort is always stable. */
  stable?: boolean;
}

export interface TopkOptions {
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch compatibility: the k entries always come sorted (largest first, or smallest first). */
  sorted?: boolean;
}

/** Values and their int32 positions along the sorted dim (what torch.sort and torch.topk return). */
export interface SortResult {
  values: Tensor;
  indices: Tensor;
}

/** x sorted along `dim` (default the last): `{values, indices}` with `values = gather(x, dim, indices)`. */
export function sort(x: Tensor, dim = -1, opts: SortOptions = {}): SortResult {
  assertTensor('sort', 'x', x);
  const { descending } = sortOptions('sort', opts);
  const d = normalizeDim('sort', dim, x.rank);
  return engine.tidy(() => {
    const indices = argSortK(x, d, descending);
    return { values: gather(x, d, indices), indices };
  });
}

/** The int32 positions that sort x along `dim` (default the last): `sort(x, dim, opts).indices`. */
export function argsort(x: Tensor, dim = -1, opts: SortOptions = {}): Tensor {
  assertTensor('argsort', 'x', x);
  const { descending } = sortOptions('argsort', opts);
  return argSortK(x, normalizeDim('argsort', dim, x.rank), descending);
}

/** The k largest (or smallest) entries along `dim` (default the last), sorted, with their int32 positions. */
export function topk(x: Tensor, k: number, dim = -1, opts: TopkOptions = {}): SortResult {
  assertTensor('topk', 'x', x);
  checkOptions('topk', opts, ['largest', 'sorted']);
  const largest = opts.largest ?? true;
  if (typeof largest !== 'boolean') throw new Error(`topk: largest must be a boolean, got ${describe(largest)}`);
  if (opts.sorted !== undefined && typeof opts.sorted !== 'boolean') throw new Error(`topk: sorted must be a boolean, got ${describe(opts.sorted)}`);
  const d = normalizeDim('topk', dim, x.rank);
  const n = x.rank === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new Error(`topk: k must be an integer in [0, ${n}] (the size of dim ${d} of shape ${fmtShape(x.shape)}), got ${describe(k)}`);
  return engine.tidy(() => {
    const order = argSortK(x, d, largest);
    const indices = x.rank === 0 || k === n ? order : slice(order, d, 0, k);
    return { values: gather(x, d, indices), indices };
  });
}

function argSortK(x: Tensor, dim: number, descending: boolean): Tensor {
  return engine.runKernel('ArgSort', [x], { dim, descending });
}

function sortOptions(op: string, opts: SortOptions): { descending: boolean } {
  checkOptions(op, opts, ['descending', 'stable']);
  const descending = opts.descending ?? false;
  if (typeof descending !== 'boolean') throw new Error(`${op}: descending must be a boolean, got ${describe(descending)}`);
  if (opts.stable !== undefined && typeof opts.stable !== 'boolean') throw new Error(`${op}: stable must be a boolean, got ${describe(opts.stable)}`);
  return { descending };
}
