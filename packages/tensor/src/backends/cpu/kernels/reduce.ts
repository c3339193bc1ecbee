import { makeArray, type DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { reducedShape } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
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

/** Sum, accumulated in float64 and rounded once on store; int32 and bool inputs give int32 (wrapping). */
registerKernel<CpuBackend>('cpu', 'Sum', ({ inputs: [x], attrs, backend }) => {
  const { dims, keepdim } = attrs as ReduceAttrs;
  const xs = backend.values(x!);
  const { bases, roffs, innerReduced, inner, span } = plan(x!.shape, dims);
  const dtype: DType = x!.dtype === 'float32' ? 'float32' : 'int32';
  const out = makeArray(dtype, bases.length * inner);
  if (innerReduced) {
    for (let r = 0; r < bases.length; r++) {
      let s = 0;
      for (let q = 0; q < roffs.length; q++) {
        const p = bases[r]! + roffs[q]!;
        for (let k = 0; k < span; k++) s += xs[p + k]!;
      }
      out[r] = s;
    }
  } else {
    const acc = new Float64Array(inner);
    for (let r = 0; r < bases.length; r++) {
      acc.fill(0);
      for (let q = 0; q < roffs.length; q++) {
        const p = bases[r]! + roffs[q]!;
        for (let j = 0; j < inner; j++) acc[j] += xs[p + j]!;
      }
      out.set(acc, r * inner);
    }
  }
  return backend.make(out, reducedShape(x!.shape, dims, keepdim), dtype);
});

/** Max or Min (PyTorch's amax/amin): values only, any NaN in the reduced elements gives NaN. */
function extremum(name: 'Max' | 'Min', isMax: boolean): void {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], attrs, backend }) => {
    const { dims, keepdim } = attrs as ReduceAttrs;
    const xs = backend.values(x!);
    const { bases, roffs, innerReduced, inner, span, count } = plan(x!.shape, dims);
    const out = makeArray(x!.dtype, bases.length * inner);
    if (count === 0 && out.length > 0) throw new Error(`${name}: cannot reduce over an empty dimension (shape [${x!.shape.join(',')}], dims [${dims.join(',')}])`);
    if (innerReduced) {
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
    } else {
      const acc = new Float64Array(inner);
      for (let r = 0; r < bases.length; r++) {
        const b = bases[r]!;
        for (let j = 0; j < inner; j++) acc[j] = xs[b + j]!;
        for (let q = 1; q < roffs.length; q++) {
          const p = b + roffs[q]!;
          for (let j = 0; j < inner; j++) {
            const v = xs[p + j]!;
            const m = acc[j]!;
            if (isMax ? v > m : v < m) acc[j] = v;
            else if (v !== v) acc[j] = v;
          }
        }
        out.set(acc, r * inner);
      }
    }
    return backend.make(out, reducedShape(x!.shape, dims, keepdim), x!.dtype);
  });
}
extremum('Max', true);
extremum('Min', false);
