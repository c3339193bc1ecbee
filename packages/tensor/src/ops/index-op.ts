/**
 * `x.index(...indices)`: PyTorch's `x[...]`, and `indexPut(x, indices, values)`: `torch.index_put`. Built on the
 * Slice, Reshape, Transpose and IndexSelect kernels (plus Where and ScatterAdd for indexPut), so gradients need no
 * rule of their own.
 *
 * Each index is
 * - a number: selects one position and drops the dim (negative counts from the end; out of range throws);
 * - `null`: the whole dim (Python's `:`; NOT numpy's newaxis);
 * - `[start?, end?, step?]`: a slice with Python's rules (negatives from the end, out-of-range clamped, step > 0);
 * - `'...'`: as many whole dims as needed (at most one);
 * - an int32 tensor: integer-array ("advanced") indexing. Several index tensors broadcast together to a shape B;
 *   the indexed dims are replaced by B where they stood when they are adjacent, and by B in front otherwise
 *   (numbers do not count: they select first, as in PyTorch, so `x[:, 0, :, i]` keeps B last);
 * - a bool tensor: a mask over as many dims as it has, which must match x's sizes there; its true positions, in
 *   row-major order, become one advanced index. Its count sets the result's shape, so the mask is read
 *   synchronously: a mask must be on the CPU (x may be anywhere).
 *
 * Index tensors on the CPU are range-checked; on an asynchronous device an out-of-range index reads 0 (the
 * IndexSelect kernel's rule) instead of throwing.
 */
import { engine } from '../engine.js';
import { broadcastShapes, fmtShape, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { gt, lt } from './compare.js';
import { arange, fromValues, zeros } from './creation.js';
import { indexSelect, scatterAdd } from './indexing.js';
import { expand, permute } from './movement.js';
import { castTo } from './promote.js';
import { assertTensor, describe, scalarOn, type TensorLike } from './util.js';
import { where } from './where.js';

/** `[start?, end?, step?]`, Python's `start:end:step` (null or a missing entry: the default). */
export type SliceIndex = readonly [start?: number | null, end?: number | null, step?: number | null];
/** One entry of `x.index(...)`: see the module comment. */
export type Index = number | null | SliceIndex | '...' | Tensor;

/** What indexing does per dim of x, after the ellipsis is expanded and masks are turned into positions. */
type DimIndex =
  | { kind: 'select'; at: number }
  | { kind: 'slice'; begin: number; count: number; step: number }
  /** An int32 index; `dims` > 1 for a mask's flat positions over that many dims (merged into one). */
  | { kind: 'advanced'; index: Tensor; dims: number };

/**
 * x[...indices] with PyTorch's semantics (see the module comment): numbers, null (`:`), [start, end, step]
 * slices, '...', int32 index tensors and bool masks, combined freely. Differentiable with respect to x.
 */
export function index(x: Tensor, ...indices: Index[]): Tensor {
  assertTensor('index', 'x', x);
  return engine.tidy(() => applyIndex('index', x, indices));
}

export interface IndexPutOptions {
  /** Add `values` at the indexed positions instead of replacing them (repeated positions add up). Default false. */
  accumulate?: boolean;
}

/**
 * A copy of x with `x[...indices]` replaced by `values` (or, with `accumulate`, increased by them), as
 * `torch.index_put` (out of place; `indices` as for `index`). `values` (a number or a tensor of x's dtype)
 * broadcasts to the shape of `x[...indices]`. Differentiable with respect to x (zero where replaced) and values.
 * Without `accumulate`, a position indexed more than once gets the sum of its values (PyTorch leaves that case
 * undefined).
 */
export function indexPut(x: Tensor, indices: readonly Index[], values: TensorLike, opts: IndexPutOptions = {}): Tensor {
  assertTensor('indexPut', 'x', x);
  if (!Array.isArray(indices)) throw new Error(`indexPut: indices must be an array of indices, got ${describe(indices)}`);
  if (typeof opts !== 'object' || opts === null) throw new Error(`indexPut: options must be an object, got ${describe(opts)}`);
  const accumulate = opts.accumulate ?? false;
  if (typeof accumulate !== 'boolean') throw new Error(`indexPut: accumulate must be a boolean, got ${describe(accumulate)}`);
  let v: Tensor;
  if (values instanceof Tensor) {
    assertTensor('indexPut', 'values', values);
    if (values.dtype !== x.dtype) throw new Error(`indexPut: values must have x's dtype ${x.dtype}, got ${values.dtype}`);
    v = values;
  } else if (typeof values === 'number' || typeof values === 'boolean') {
    v = scalarOn(x.dtype === 'bool' ? Boolean(values) : values, x.dtype, x.device);
  } else throw new Error(`indexPut: values must be a Tensor, number or boolean, got ${describe(values)}`);
  if (v.device !== x.device) throw new Error(`indexPut: values is on ${v.device} but x is on ${x.device}; move one with .to('${x.device}')`);
  const owned = v !== values;
  try {
    return engine.tidy(() => {
      // Where each indexed element sits in x, flat: the same indexing applied to 0, 1, ..., x.size - 1.
      const positions = applyIndex('indexPut', reshapeK(arange(0, x.size, { dtype: 'int32', device: x.device }), x.shape), indices);
      const out = broadcastShapes('indexPut', positions.shape, v.shape);
      if (!shapesEqual(out, positions.shape))
        throw new Error(
          `indexPut: shape mismatch: values of shape ${fmtShape(v.shape)} cannot be broadcast to the indexing result of shape ${fmtShape(positions.shape)}`,
        );
      const flatPos = reshapeK(positions, [positions.size]);
      // ScatterAdd takes float32 and int32; bool goes through int32 (a sum > 0 is true).
      const work = x.dtype === 'bool' ? 'int32' : x.dtype;
      const src = reshapeK(castTo(expand(v, positions.shape), work), [positions.size]);
      let base = reshapeK(castTo(x, work), [x.size]);
      if (!accumulate) {
        const hits = scatterAdd(zeros([x.size], { dtype: 'int32', device: x.device }), 0, flatPos, onesInt(positions.size, x.device));
        base = where(gt(hits, 0), scalarOn(0, work, x.device), base);
      }
      return castTo(reshapeK(scatterAdd(base, 0, flatPos, src), x.shape), x.dtype);
    });
  } finally {
    if (owned) v.dispose();
  }
}

function onesInt(n: number, device: Tensor['device']): Tensor {
  return fromValues('indexPut', new Int32Array(n).fill(1), [n], 'int32', { device });
}

function reshapeK(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(x.shape, shape) ? x : engine.runKernel('Reshape', [x], { shape: shape.slice() });
}

/** x[...indices]; call inside a tidy (temporaries are left to it). */
function applyIndex(op: string, x: Tensor, indices: readonly Index[]): Tensor {
  const dims = resolve(op, x, indices);
  // 1. Basic indexing: one box cut for every number and slice, a strided pick per stepped slice.
  const begin = x.shape.map(() => 0);
  const size = x.shape.slice();
  dims.forEach((d, i) => {
    if (d.kind === 'select') (begin[i] = d.at), (size[i] = 1);
    else if (d.kind === 'slice') (begin[i] = d.begin), (size[i] = d.count === 0 ? 0 : (d.count - 1) * d.step + 1);
  });
  let y = shapesEqual(size, x.shape) ? x : engine.runKernel('Slice', [x], { begin, size });
  dims.forEach((d, i) => {
    if (d.kind === 'slice' && d.step > 1 && d.count > 1)
      y = indexSelect(y, i, arange(0, size[i]!, d.step, { dtype: 'int32', device: x.device }));
  });
  // 2. Drop the selected dims and merge each mask's dims into one.
  const shape: number[] = [];
  const advanced: { dim: number; index: Tensor }[] = [];
  let at = 0;
  dims.forEach((d, i) => {
    if (d.kind === 'select') return;
    if (d.kind === 'advanced') {
      if (at > i) return; // a later dim of a mask already merged
      advanced.push({ dim: shape.length, index: d.index });
      shape.push(sizeOf(y.shape.slice(i, i + d.dims)));
      at = i + d.dims;
      return;
    }
    shape.push(y.shape[i]!);
    at = i + 1;
  });
  y = reshapeK(y, shape);
  if (advanced.length === 0) return y === x ? engine.runKernel('Reshape', [x], { shape: x.shape.slice() }) : y;
  return advancedIndex(op, y, advanced);
}

/**
 * y indexed by int32 tensors at distinct dims (already range-checked where readable): their broadcast shape B
 * replaces those dims, in place if adjacent, in front otherwise. The indexed dims are flattened into one of size
 * P and one IndexSelect picks positions Σ index_k · stride_k.
 */
function advancedIndex(op: string, y: Tensor, advanced: readonly { dim: number; index: Tensor }[]): Tensor {
  const b = broadcastShapes(op, ...advanced.map((a) => a.index.shape));
  const advDims = advanced.map((a) => a.dim);
  const adjacent = advDims.every((d, k) => k === 0 || d === advDims[k - 1]! + 1);
  // Move the indexed dims together (to the front unless adjacent), then flatten them into one.
  let z = y;
  let first = advDims[0]!;
  if (!adjacent) {
    const rest = y.shape.map((_, d) => d).filter((d) => !advDims.includes(d));
    z = permute(y, [...advDims, ...rest]);
    first = 0;
  }
  const sizes = advDims.map((d) => y.shape[d]!);
  const pre = z.shape.slice(0, first);
  const post = z.shape.slice(first + advDims.length);
  z = reshapeK(z, [...pre, sizeOf(sizes), ...post]);
  // Flat position within the merged dims: Σ index_k · stride_k (negative indices wrapped first).
  let flat: Tensor | undefined;
  let stride = 1;
  for (let k = advanced.length - 1; k >= 0; k--) {
    let i = advanced[k]!.index;
    const n = sizes[k]!;
    if (mayBeNegative(i)) i = where(lt(i, 0), add(i, n), i);
    const term = stride === 1 ? i : mul(i, stride);
    flat = flat === undefined ? term : add(term, flat);
    stride *= n;
  }
  const flatIndex = reshapeK(shapesEqual(flat!.shape, b) ? flat! : expand(flat!, b), [sizeOf(b)]);
  const picked = indexSelect(z, first, flatIndex);
  return reshapeK(picked, [...pre, ...b, ...post]);
}

/** Whether an index tensor may hold negative entries (known on the CPU: resolve has read it). */
function mayBeNegative(i: Tensor): boolean {
  if (i.device !== 'cpu') return true;
  for (const v of i.dataSync()) if (v < 0) return true;
  return false;
}

/** Expands the ellipsis, validates every index against x's shape and normalises numbers and slices. */
function resolve(op: string, x: Tensor, indices: readonly Index[]): DimIndex[] {
  const ellipses = indices.filter((i) => i === '...').length;
  if (ellipses > 1) throw new Error(`${op}: an index can only have a single ellipsis ('...'), got ${ellipses}`);
  const width = (i: Index): number => (i === '...' ? 0 : i instanceof Tensor && i.dtype === 'bool' ? i.rank : 1);
  const used = indices.reduce<number>((n, i) => n + width(i), 0);
  if (used > x.rank)
    throw new Error(`${op}: too many indices for a tensor of dimension ${x.rank} (shape ${fmtShape(x.shape)}): the indices cover ${used} dims`);
  const out: DimIndex[] = [];
  indices.forEach((idx, k) => {
    const d = out.length;
    const n = x.shape[d]!;
    const arg = `index ${k}`;
    if (idx === '...') {
      for (let j = 0; j < x.rank - used; j++) out.push({ kind: 'slice', begin: 0, count: x.shape[out.length]!, step: 1 });
    } else if (idx === null) {
      out.push({ kind: 'slice', begin: 0, count: n, step: 1 });
    } else if (typeof idx === 'number') {
      if (!Number.isInteger(idx)) throw new Error(`${op}: ${arg} must be an integer, got ${idx}`);
      if (idx < -n || idx >= n) throw new Error(`${op}: index ${idx} is out of bounds for dim ${d} with size ${n} (shape ${fmtShape(x.shape)})`);
      out.push({ kind: 'select', at: idx < 0 ? idx + n : idx });
    } else if (Array.isArray(idx)) {
      out.push(slice(op, arg, idx as SliceIndex, n));
    } else if (idx instanceof Tensor) {
      assertTensor(op, arg, idx);
      if (idx.dtype === 'bool') {
        const maskShape = x.shape.slice(d, d + idx.rank);
        if (idx.rank === 0) throw new Error(`${op}: ${arg}: a 0-d bool index is not supported; use where() or a 1-element mask`);
        if (!shapesEqual(idx.shape, maskShape))
          throw new Error(
            `${op}: the shape of the mask ${fmtShape(idx.shape)} at ${arg} does not match the shape ${fmtShape(maskShape)} of dims ${d}..${d + idx.rank - 1} of the indexed tensor ${fmtShape(x.shape)}`,
          );
        const positions = maskPositions(op, arg, idx, x.device);
        for (let j = 0; j < idx.rank; j++) out.push({ kind: 'advanced', index: positions, dims: idx.rank - j });
      } else if (idx.dtype === 'int32') {
        const i = idx.device === x.device ? idx : idx.to(x.device);
        if (i.device === 'cpu') checkRange(op, i, d, n, x.shape);
        out.push({ kind: 'advanced', index: i, dims: 1 });
      } else throw new Error(`${op}: ${arg}: tensors used as indices must be int32 or bool, got ${idx.dtype}`);
    } else {
      throw new Error(`${op}: ${arg} must be a number, null, a [start, end, step] slice, '...', or an int32 or bool tensor, got ${describe(idx)}`);
    }
  });
  while (out.length < x.rank) out.push({ kind: 'slice', begin: 0, count: x.shape[out.length]!, step: 1 });
  return out;
}

/** Python's slice.indices(n) for step > 0: clamped begin and the number of elements. */
function slice(op: string, where: string, s: SliceIndex, n: number): DimIndex {
  if (s.length > 3) throw new Error(`${op}: ${where}: a slice is [start?, end?, step?], got ${s.length} entries`);
  const [start, end, step] = s;
  const part = (v: number | null | undefined, name: string): number | null => {
    if (v === undefined || v === null) return null;
    if (!Number.isInteger(v)) throw new Error(`${op}: ${where}: slice ${name} must be an integer or null, got ${describe(v)}`);
    return v;
  };
  const st = part(step, 'step') ?? 1;
  if (st <= 0) throw new Error(`${op}: ${where}: slice step must be greater than zero, got ${st}`);
  const clampPos = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const b = clampPos(part(start, 'start') ?? 0);
  const e = clampPos(part(end, 'end') ?? n);
  return { kind: 'slice', begin: Math.min(b, n), count: e > b ? Math.ceil((e - b) / st) : 0, step: st };
}

function checkRange(op: string, i: Tensor, dim: number, n: number, shape: readonly number[]): void {
  for (const v of i.dataSync())
    if (v < -n || v >= n) throw new Error(`${op}: index ${v} is out of bounds for dim ${dim} with size ${n} (shape ${fmtShape(shape)})`);
}

/** The row-major flat positions of a mask's true entries, as an int32 tensor on `device`. */
function maskPositions(op: string, where: string, mask: Tensor, device: Tensor['device']): Tensor {
  if (mask.device !== 'cpu')
    throw new Error(
      `${op}: ${where}: a bool mask must be on the CPU (on ${mask.device}): the number of true entries sets the result's shape, ` +
        'so it is read synchronously; use `await mask.toAsync(\'cpu\')`, or where() to keep the shape',
    );
  const m = mask.dataSync();
  const pos: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) pos.push(i);
  return fromValues(op, Int32Array.from(pos), [pos.length], 'int32', { device });
}
