/** Argument checks shared by the reductions (reduce.ts) and the composite statistics (stats.ts). */
import { fmtShape, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { describe } from './util.js';

/**
 * The dims to reduce, sorted and non-negative: `dim` undefined/null means all; negative dims count from the
 * end; an empty list reduces nothing. A 0-d tensor accepts dim 0 or -1 and has nothing to reduce.
 */
export function reductionDims(op: string, x: Tensor, dim: unknown): number[] {
  if (dim !== undefined && dim !== null && typeof dim !== 'number' && !Array.isArray(dim))
    throw new Error(`${op}: dim must be an integer, an array of integers or null, got ${describe(dim)}`);
  // An empty list reduces every dim, as torch.sum(x, dim=[]) does (not none).
  const all = Array.isArray(dim) && dim.length === 0;
  const dims = normalizeDims(op, all ? null : (dim as number | number[] | null | undefined), x.rank);
  return x.rank === 0 ? [] : dims;
}

export function keepdimArg(op: string, keepdim: unknown): boolean {
  if (keepdim === undefined) return false;
  if (typeof keepdim !== 'boolean') throw new Error(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
  return keepdim;
}

/** Number of elements each output of a reduction over `dims` combines. */
export function reducedCount(x: Tensor, dims: readonly number[]): number {
  return dims.reduce((n, d) => n * x.shape[d]!, 1);
}

/** Throws when max/min/argmax-like ops would reduce over a dimension of size 0 (PyTorch errors too). */
export function assertNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  const d = dims.find((i) => x.shape[i] === 0);
  if (d !== undefined) throw new Error(`${op}: cannot reduce over dim ${d} of size 0 (shape ${fmtShape(x.shape)})`);
}
