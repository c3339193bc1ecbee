/**
 * Movement ops: reshaping, permuting, broadcasting, joining, slicing and padding, with PyTorch's semantics.
 * Ops that only change the shape (reshape, flatten, squeeze, unsqueeze, and permutations that keep the element
 * order) use the storage-sharing Reshape kernel; the others are the Transpose, Expand, Concat, Slice and Pad
 * kernels, so autograd needs one rule per kernel and nothing for the composites (stack, narrow, cat).
 */
import { promoteTypes } from '../dtype.js';
import { engine } from '../engine.js';
import { fmtShape, normalizeDim, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertSameDevice, castTo } from './promote.js';
import { assertTensor, describe } from './util.js';

/** A shape or dim list given as one number or an array (`reshape(x, 6)` or `reshape(x, [2, 3])`). */
export type ShapeArg = number | readonly number[];

function asList(op: string, arg: string, v: unknown): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((d) => Number.isInteger(d)))
    throw new Error(
      `${op}: ${arg} must be an integer or an array of integers, got ${Array.isArray(v) ? JSON.stringify(v) : describe(v)}`,
    );
  return list.slice();
}

function assertInt(op: string, arg: string, v: unknown): number {
  if (!Number.isInteger(v)) throw new Error(`${op}: ${arg} must be an integer, got ${describe(v)}`);
  return v as number;
}

/** Resolves the position of a dim inserted into a rank-`rank` tensor: [-rank-1, rank], negatives from the end. */
function newDim(op: string, dim: number, rank: number): number {
  assertInt(op, 'dim', dim);
  if (dim < -rank - 1 || dim > rank)
    throw new Error(`${op}: dim ${dim} out of range for a new dim of a rank-${rank} tensor (expected ${-rank - 1}..${rank})`);
  return dim < 0 ? dim + rank + 1 : dim;
}

/** Same elements in row-major order, new shape. */
function view(x: Tensor, shape: readonly number[]): Tensor {
  return engine.runKernel('Reshape', [x], { shape: shape.slice() });
}

/**
 * x with a new shape holding the same elements in row-major order (no copy). One entry may be -1: it is
 * inferred so that the sizes match.
 */
export function reshape(x: Tensor, shape: ShapeArg): Tensor {
  assertTensor('reshape', 'x', x);
  const s = asList('reshape', 'shape', shape);
  const bad = (why: string) =>
    new Error(`reshape: shape ${fmtShape(s)} is invalid for input of shape ${fmtShape(x.shape)} (${x.size} elements)${why}`);
  const infer = s.indexOf(-1);
  if (s.some((d) => d < -1)) throw bad(': sizes must be non-negative or -1');
  if (infer !== s.lastIndexOf(-1)) throw bad(': only one dimension can be -1');
  const out = s.slice();
  if (infer >= 0) {
    const known = sizeOf(s.filter((d) => d !== -1));
    if (known === 0) throw bad(': the -1 dimension is ambiguous when another dimension is 0');
    if (x.size % known !== 0) throw bad('');
    out[infer] = x.size / known;
  }
  if (sizeOf(out) !== x.size) throw bad('');
  return view(x, out);
}

/** Merges dims startDim..endDim (inclusive, negative counts from the end) into one. A 0-d tensor becomes [1]. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  assertTensor('flatten', 'x', x);
  if (x.rank === 0) {
    normalizeDim('flatten', startDim, 0, 'startDim');
    normalizeDim('flatten', endDim, 0, 'endDim');
    return view(x, [1]);
  }
  const s = normalizeDim('flatten', startDim, x.rank, 'startDim');
  const e = normalizeDim('flatten', endDim, x.rank, 'endDim');
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} (shape ${fmtShape(x.shape)})`);
  return view(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Reorders dims: output dim i is input dim dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  assertTensor('permute', 'x', x);
  const list = asList('permute', 'dims', dims);
  if (list.length !== x.rank)
    throw new Error(`permute: dims ${fmtShape(list)} has ${list.length} entries but x has rank ${x.rank} (shape ${fmtShape(x.shape)})`);
  const perm = list.map((d) => normalizeDim('permute', d, x.rank));
  if (new Set(perm).size !== perm.length)
    throw new Error(`permute: dims ${fmtShape(list)} repeats a dimension (shape ${fmtShape(x.shape)})`);
  return permuted(x, perm);
}

/** Swaps dims dim0 and dim1. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  assertTensor('transpose', 'x', x);
  const d0 = normalizeDim('transpose', dim0, x.rank, 'dim0');
  const d1 = normalizeDim('transpose', dim1, x.rank, 'dim1');
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[d0] = d1;
  perm[d1] = d0;
  return permuted(x, perm);
}

/** A permutation that keeps the order of the dims larger than 1 keeps the element order: only the shape changes. */
function permuted(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => x.shape[p]!);
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || moved[i - 1]! < p)) return view(x, shape);
  return engine.runKernel('Transpose', [x], { perm: perm.slice() });
}

/**
 * Broadcasts x to `shape`: dims align from the right, a size-1 dim repeats to any size, -1 keeps the existing
 * size, and new leading dims may be added. The result is materialised.
 */
export function expand(x: Tensor, shape: ShapeArg): Tensor {
  assertTensor('expand', 'x', x);
  const s = asList('expand', 'shape', shape);
  const lead = s.length - x.rank;
  if (lead < 0)
    throw new Error(`expand: shape ${fmtShape(s)} has fewer dims than x (shape ${fmtShape(x.shape)}); it needs at least ${x.rank}`);
  const out = s.map((d, i) => {
    if (i < lead) {
      if (d < 0) throw new Error(`expand: size ${d} is not allowed for the new leading dim ${i} (shape ${fmtShape(x.shape)} → ${fmtShape(s)})`);
      return d;
    }
    const own = x.shape[i - lead]!;
    if (d === -1 || d === own) return own;
    if (own !== 1 || d < 0)
      throw new Error(`expand: size ${d} must match the existing size ${own} at dim ${i - lead} unless that size is 1 (shape ${fmtShape(x.shape)} → ${fmtShape(s)})`);
    return d;
  });
  if (shapesEqual(out, x.shape)) return view(x, out);
  return engine.runKernel('Expand', [x], { shape: out });
}

/**
 * Removes size-1 dims: all of them, or those listed in `dim` (a listed dim whose size is not 1 is left alone,
 * as in PyTorch).
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  assertTensor('squeeze', 'x', x);
  let drop: Set<number>;
  if (dim === undefined || dim === null) drop = new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  else drop = new Set(asList('squeeze', 'dim', dim).map((d) => normalizeDim('squeeze', d, x.rank)));
  return view(x, x.shape.filter((d, i) => !(drop.has(i) && d === 1)));
}

/** Inserts a size-1 dim at position `dim` of the result (dim in [-rank-1, rank]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  assertTensor('unsqueeze', 'x', x);
  const d = newDim('unsqueeze', dim, x.rank);
  return view(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/**
 * Joins tensors along an existing dim; all other dims must match. Mixed dtypes are promoted (bool < int32 <
 * float32), as torch.cat does.
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  return join('concat', tensors, dim);
}

/** Alias of `concat` (torch.cat). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return join('cat', tensors, dim);
}

function join(op: string, tensors: readonly Tensor[], dim: number): Tensor {
  const ts = tensorList(op, tensors);
  const first = ts[0]!;
  if (first.rank === 0) throw new Error(`${op}: tensor 0 is 0-d; zero-dimensional tensors cannot be concatenated (use stack)`);
  const d = normalizeDim(op, dim, first.rank);
  ts.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((n, j) => j !== d && n !== first.shape[j]))
      throw new Error(`${op}: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has shape ${fmtShape(first.shape)}; sizes must match except in dim ${d}`);
  });
  const dtype = ts.reduce((acc, t) => promoteTypes(acc, t.dtype), first.dtype);
  if (ts.every((t) => t.dtype === dtype)) return engine.runKernel('Concat', ts, { dim: d });
  return engine.tidy(() => engine.runKernel('Concat', ts.map((t) => castTo(t, dtype)), { dim: d }));
}

/** Validates a non-empty list of live tensors on one device. */
function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors)) throw new Error(`${op}: tensors must be an array of Tensors, got ${describe(tensors)}`);
  if (tensors.length === 0) throw new Error(`${op}: tensors must be a non-empty array`);
  const ts = tensors.map((t, i) => assertTensor(op, `tensors[${i}]`, t));
  assertSameDevice(op, ts.map((_, i) => `tensors[${i}]`), ts);
  return ts;
}

/** Joins equally shaped tensors along a new dim inserted at `dim` (in [-rank-1, rank]). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const ts = tensorList('stack', tensors);
  const first = ts[0]!;
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape))
      throw new Error(`stack: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has shape ${fmtShape(first.shape)}; stack needs equal shapes`);
  });
  const d = newDim('stack', dim, first.rank);
  return engine.tidy(() => join('stack', ts.map((t) => unsqueeze(t, d)), d));
}

/**
 * Elements start..end-1 along `dim`, with Python slice semantics: negative positions count from the end,
 * positions past either end are clamped, and end <= start gives an empty dim.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number): Tensor {
  assertTensor('slice', 'x', x);
  if (x.rank === 0) throw new Error('slice: cannot slice a 0-d tensor');
  const d = normalizeDim('slice', dim, x.rank);
  const n = x.shape[d]!;
  const clampPos = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const b = clampPos(assertInt('slice', 'start', start));
  const e = end === undefined || end === null ? n : clampPos(assertInt('slice', 'end', end));
  return sliceDim(x, d, b, Math.max(e - b, 0));
}

/** `length` elements from `start` along `dim` (a negative start counts from the end); out of range throws. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  assertTensor('narrow', 'x', x);
  if (x.rank === 0) throw new Error('narrow: cannot narrow a 0-d tensor');
  const d = normalizeDim('narrow', dim, x.rank);
  const n = x.shape[d]!;
  assertInt('narrow', 'start', start);
  assertInt('narrow', 'length', length);
  if (start < -n || start > n) throw new Error(`narrow: start ${start} is out of range for dim ${d} of size ${n} (shape ${fmtShape(x.shape)})`);
  const b = start < 0 ? start + n : start;
  if (length < 0) throw new Error(`narrow: length must be non-negative, got ${length}`);
  if (b + length > n) throw new Error(`narrow: start ${start} + length ${length} exceeds dim ${d} of size ${n} (shape ${fmtShape(x.shape)})`);
  return sliceDim(x, d, b, length);
}

function sliceDim(x: Tensor, dim: number, begin: number, size: number): Tensor {
  const b = x.shape.map(() => 0);
  const s = x.shape.slice();
  b[dim] = begin;
  s[dim] = size;
  return engine.runKernel('Slice', [x], { begin: b, size: s });
}

/**
 * Constant padding as torch.nn.functional.pad: `pad` lists (before, after) pairs starting from the LAST dim,
 * so [1, 2] pads the last dim with 1 before and 2 after, [1, 2, 3, 4] also pads the dim before it with 3 and 4.
 * `value` is converted to x's dtype.
 */
export function pad(x: Tensor, pad: readonly number[], value = 0): Tensor {
  assertTensor('pad', 'x', x);
  const p = asList('pad', 'pad', pad);
  if (p.length % 2 !== 0) throw new Error(`pad: pad must have an even number of entries (pairs per dim), got ${fmtShape(p)}`);
  if (p.length / 2 > x.rank)
    throw new Error(`pad: pad ${fmtShape(p)} pads ${p.length / 2} dims but x has rank ${x.rank} (shape ${fmtShape(x.shape)})`);
  if (p.some((v) => v < 0)) throw new Error(`pad: pad values must be non-negative, got ${fmtShape(p)}`);
  if (typeof value !== 'number') throw new Error(`pad: value must be a number, got ${describe(value)}`);
  const pairs = x.shape.map((): [number, number] => [0, 0]);
  for (let i = 0; i < p.length / 2; i++) pairs[x.rank - 1 - i] = [p[2 * i]!, p[2 * i + 1]!];
  const v = x.dtype === 'bool' ? Number(value !== 0) : x.dtype === 'int32' ? Math.trunc(value) : value;
  return engine.runKernel('Pad', [x], { pad: pairs, value: v });
}

/** The transpose of a 2-D tensor (torch.t); a 0-d or 1-D tensor is returned as it is (a new tensor sharing it). */
export function t(x: Tensor): Tensor {
  assertTensor('t', 'x', x);
  if (x.rank > 2) throw new Error(`t: expects a tensor with <= 2 dims, got shape ${fmtShape(x.shape)} (use transpose(dim0, dim1) or permute)`);
  return x.rank < 2 ? view(x, x.shape) : transpose(x, 0, 1);
}
