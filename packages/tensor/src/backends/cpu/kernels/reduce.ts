import type { TypedArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { reducedShape } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { MIN_WASM_ELEMENTS, wasmSumColumns, wasmSumRows } from '../wasm/elementwise-wasm.js';
import { rowOffsets } from './strided.js';

/**
 * How to walk a reduction of a contiguous input over `dims`. Dims are collapsed (size-1 dims dropped,
 * neighbours of the same kind merged) into groups of kept and reduced dims. Output element (row r, column j)
 * reduces the input at `bases[r] + roffs[q] + j (+ k for k < span)`:
 * - innermost group reduced: each output reduces `roffs.length × span` elements, the last `span` of them
 *   contiguous, so a reduction over the last dim is a plain scan (inner = 1);
 * - innermost group kept: each output row holds `inner` contiguous outputs, accumulated a whole input row at
 *   a time, so a reduction over leading dims streams memory in order.
 */
interface ReducePlan {
  bases: Int32Array;
  roffs: Int32Array;
  innerReduced: boolean;
  inner: number;
  span: number;
  /** Elements reduced into each output. */
  count: number;
}

function plan(shape: readonly number[], dims: readonly number[]): ReducePlan {
  const groups: { size: number; stride: number; reduced: boolean }[] = [];
  for (let d = shape.length - 1, stride = 1; d >= 0; stride *= shape[d]!, d--) {
    if (shape[d] === 1) continue;
    const reduced = dims.includes(d);
    const g = groups.at(-1);
    if (g && g.reduced === reduced) g.size *= shape[d]!;
    else groups.push({ size: shape[d]!, stride, reduced });
  }
  const count = dims.reduce((n, d) => n * shape[d]!, 1);
  const innerReduced = groups[0]?.reduced ?? true;
  // Groups after the innermost, by kind (outermost first): kept ones enumerate output rows, reduced ones the
  // offsets within.
  const rest = groups.slice(1).reverse();
  const offsets = (reduced: boolean) => {
    const gs = rest.filter((g) => g.reduced === reduced);
    return rowOffsets(gs.map((g) => g.size), gs.map((g) => g.stride));
  };
  return {
    bases: offsets(false),
    roffs: offsets(true),
    innerReduced,
    inner: innerReduced ? 1 : groups[0]!.size,
    span: innerReduced ? (groups[0]?.size ?? 1) : 0,
    count,
  };
}

interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

/**
 * Sum, accumulated in float64 and rounded once on store; int32 and bool inputs give int32, and a sum outside
 * int32 is an error (PyTorch promotes to int64, which @nn lacks; never a silent wrap-around). Float32
 * runs its own loops (one array type each, so V8 keeps them monomorphic), and sums of contiguous rows of at
 * least MIN_WASM_ELEMENTS elements in all go to the WebAssembly SIMD kernel (float64 too, in another order).
 */
registerKernel<CpuBackend>('cpu', 'Sum', ({ inputs: [x], attrs, backend }) => {
  const { dims, keepdim } = attrs as ReduceAttrs;
  const xs = backend.values(x!);
  const p = plan(x!.shape, dims);
  const shape = reducedShape(x!.shape, dims, keepdim);
  if (x!.dtype === 'float32') {
    const out = backend.alloc('float32', p.bases.length * p.inner) as Float32Array;
    // Only the innermost group reduced: output r sums the contiguous row r.
    const rowSums = p.innerReduced && p.roffs.length === 1 && p.bases.length * p.span >= MIN_WASM_ELEMENTS;
    if (!(rowSums && wasmSumRows(xs as Float32Array, p.bases.length, p.span, out))) {
      if (!p.innerReduced) sumRowsF32(xs as Float32Array, p, out);
      else if (!sumSlabsWasm(xs as Float32Array, p, out)) sumScansF32(xs as Float32Array, p, out);
    }
    return backend.make(out, shape, 'float32');
  }
  const out = backend.alloc('int32', p.bases.length * p.inner) as Int32Array;
  if (p.innerReduced) sumScans(xs, p, out);
  else sumRows(xs, p, out);
  return backend.make(out, shape, 'int32');
});

/**
 * Innermost group reduced with further reduced dims outside kept ones ([N, C, L] over N and L, BatchNorm's
 * statistics): when the kept dims form one block right outside the innermost group, each reduced index q
 * holds a slab of contiguous rows (one per output), summed by the WebAssembly row sums into float64 and added
 * up over q. Returns false where that layout does not hold, the rows are short or WebAssembly is unavailable.
 */
function sumSlabsWasm(xs: Float32Array, { bases, roffs, span }: ReducePlan, out: Float32Array): boolean {
  const rows = bases.length;
  if (roffs.length < 2 || span < 16 || rows * span < MIN_WASM_ELEMENTS) return false;
  for (let r = 1; r < rows; r++) if (bases[r] !== bases[0]! + r * span) return false;
  const acc = new Float64Array(rows);
  const slab = new Float64Array(rows);
  for (let q = 0; q < roffs.length; q++) {
    const start = bases[0]! + roffs[q]!;
    if (!wasmSumRows(xs.subarray(start, start + rows * span), rows, span, slab)) return false;
    for (let r = 0; r < rows; r++) acc[r] += slab[r]!;
  }
  out.set(acc);
  return true;
}

/** Innermost group reduced: each output is a scan of `roffs.length` runs of `span` contiguous elements. */
function sumScansF32(xs: Float32Array, { bases, roffs, span }: ReducePlan, out: Float32Array): void {
  for (let r = 0; r < bases.length; r++) {
    let s = 0;
    for (let q = 0; q < roffs.length; q++) {
      const p = bases[r]! + roffs[q]!;
      for (let k = 0; k < span; k++) s += xs[p + k]!;
    }
    out[r] = s;
  }
}

/**
 * Innermost group kept: whole input rows are added into `inner` float64 accumulators per output row, in
 * WebAssembly SIMD when there are at least MIN_WASM_ELEMENTS of them (the same additions in the same order).
 */
function sumRowsF32(xs: Float32Array, { bases, roffs, inner }: ReducePlan, out: Float32Array): void {
  const acc = new Float64Array(inner);
  const simd = roffs.length * inner >= MIN_WASM_ELEMENTS;
  for (let r = 0; r < bases.length; r++) {
    acc.fill(0);
    if (!(simd && wasmSumColumns(xs, bases[r]!, roffs, inner, acc)))
      for (let q = 0; q < roffs.length; q++) {
        const p = bases[r]! + roffs[q]!;
        for (let j = 0; j < inner; j++) acc[j] += xs[p + j]!;
      }
    out.set(acc, r * inner);
  }
}

/**
 * sumScansF32 and sumRowsF32 again for int32 and bool input (one copy for both types: not a hot path). Kept
 * apart so that the float32 loops only ever see Float32Array: a loop that has met several array types runs
 * 2–5× slower for all of them.
 */
function sumScans(xs: TypedArray, { bases, roffs, span }: ReducePlan, out: Int32Array): void {
  for (let r = 0; r < bases.length; r++) {
    let s = 0;
    for (let q = 0; q < roffs.length; q++) {
      const p = bases[r]! + roffs[q]!;
      for (let k = 0; k < span; k++) s += xs[p + k]!;
    }
    out[r] = int32Sum(s);
  }
}

function sumRows(xs: TypedArray, { bases, roffs, inner }: ReducePlan, out: Int32Array): void {
  const acc = new Float64Array(inner);
  for (let r = 0; r < bases.length; r++) {
    acc.fill(0);
    for (let q = 0; q < roffs.length; q++) {
      const p = bases[r]! + roffs[q]!;
      for (let j = 0; j < inner; j++) acc[j] += xs[p + j]!;
    }
    for (let j = 0; j < inner; j++) out[r * inner + j] = int32Sum(acc[j]!);
  }
}

/** An int32 sum (exact in float64 below 2^53 terms' worth), or an error where it leaves int32. */
function int32Sum(s: number): number {
  if (s > 2147483647 || s < -2147483648) throw new Error(`sum: int32 overflow: the sum is ${s}, outside [-2^31, 2^31); cast to float32 first`);
  return s;
}

/**
 * Max or Min (PyTorch's amax/amin): values only, any NaN in the reduced elements gives NaN; among equal values
 * (±0) the first one seen stays. Float32 runs its own loops per op (see sumScans for why).
 */
function extremum(name: 'Max' | 'Min', isMax: boolean, f32: { scan: ExtremumLoop; rows: ExtremumLoop }): void {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], attrs, backend }) => {
    const { dims, keepdim } = attrs as ReduceAttrs;
    const xs = backend.values(x!);
    const p = plan(x!.shape, dims);
    if (p.count === 0 && p.bases.length * p.inner > 0) throw new Error(`${name}: cannot reduce over an empty dimension (shape [${x!.shape.join(',')}], dims [${dims.join(',')}])`);
    const out = backend.alloc(x!.dtype, p.bases.length * p.inner);
    if (x!.dtype === 'float32') (p.innerReduced ? f32.scan : f32.rows)(xs as Float32Array, p, out as Float32Array);
    else if (p.innerReduced) extremumScan(isMax, xs, p, out);
    else extremumRows(isMax, xs, p, out);
    return backend.make(out, reducedShape(x!.shape, dims, keepdim), x!.dtype);
  });
}

type ExtremumLoop = (xs: Float32Array, p: ReducePlan, out: Float32Array) => void;

/** Innermost group reduced: output r scans its runs; m takes v when v beats it or is NaN (then stays NaN). */
function extremumScan(isMax: boolean, xs: TypedArray, { bases, roffs, span }: ReducePlan, out: TypedArray): void {
  for (let r = 0; r < bases.length; r++) {
    let m = xs[bases[r]!]!;
    for (let q = 0; q < roffs.length; q++) {
      const p = bases[r]! + roffs[q]!;
      for (let k = 0; k < span; k++) {
        const v = xs[p + k]!;
        if (isMax ? v > m : v < m) m = v;
        else if (v !== v) m = v;
      }
    }
    out[r] = m;
  }
}

/** Innermost group kept: the first reduced row seeds `inner` accumulators, the others update them in place. */
function extremumRows(isMax: boolean, xs: TypedArray, { bases, roffs, inner }: ReducePlan, out: TypedArray): void {
  for (let r = 0; r < bases.length; r++) {
    const b = bases[r]!;
    const o = r * inner;
    for (let j = 0; j < inner; j++) out[o + j] = xs[b + j]!;
    for (let q = 1; q < roffs.length; q++) {
      const p = b + roffs[q]!;
      for (let j = 0; j < inner; j++) {
        const v = xs[p + j]!;
        const m = out[o + j]!;
        if (isMax ? v > m : v < m) out[o + j] = v;
        else if (v !== v) out[o + j] = v;
      }
    }
  }
}

extremum('Max', true, {
  scan: (xs, { bases, roffs, span }, out) => {
    for (let r = 0; r < bases.length; r++) {
      let m = xs[bases[r]!]!;
      for (let q = 0; q < roffs.length; q++)
        for (let p = bases[r]! + roffs[q]!, end = p + span; p < end; p++) {
          const v = xs[p]!;
          if (v > m || v !== v) m = v;
        }
      out[r] = m;
    }
  },
  rows: (xs, { bases, roffs, inner }, out) => {
    for (let r = 0; r < bases.length; r++) {
      const o = r * inner;
      out.set(xs.subarray(bases[r]!, bases[r]! + inner), o);
      for (let q = 1; q < roffs.length; q++)
        for (let j = 0, p = bases[r]! + roffs[q]!; j < inner; j++) {
          const v = xs[p + j]!;
          if (v > out[o + j]! || v !== v) out[o + j] = v;
        }
    }
  },
});
extremum('Min', false, {
  scan: (xs, { bases, roffs, span }, out) => {
    for (let r = 0; r < bases.length; r++) {
      let m = xs[bases[r]!]!;
      for (let q = 0; q < roffs.length; q++)
        for (let p = bases[r]! + roffs[q]!, end = p + span; p < end; p++) {
          const v = xs[p]!;
          if (v < m || v !== v) m = v;
        }
      out[r] = m;
    }
  },
  rows: (xs, { bases, roffs, inner }, out) => {
    for (let r = 0; r < bases.length; r++) {
      const o = r * inner;
      out.set(xs.subarray(bases[r]!, bases[r]! + inner), o);
      for (let q = 1; q < roffs.length; q++)
        for (let j = 0, p = bases[r]! + roffs[q]!; j < inner; j++) {
          const v = xs[p + j]!;
          if (v < out[o + j]! || v !== v) out[o + j] = v;
        }
    }
  },
});
