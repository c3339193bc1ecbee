import { sizeOf } from '../../../shape.js';
import { rowOffsets } from './strided.js';

/**
 * Broadcast iteration shared by the CPU kernels that read several inputs (binary, compare, where, expand).
 *
 * Elementwise kernels walk their output as `rows` rows of `inner` elements. Dims are first collapsed: size-1
 * output dims are dropped and neighbours merged wherever every input is contiguous (or broadcast) across both,
 * so same-shape inputs become one row with steps 1, a scalar operand one row with step 0, and `[B,N] + [N]`
 * B rows of N. Each input's start offset for every row is precomputed by an odometer (no per-element
 * divisions); along a row each input advances by 0 (broadcast) or 1.
 */
export interface BroadcastRows {
  /** Elements per row: the innermost collapsed dim. */
  inner: number;
  /** Number of rows (output size / inner; 0 for an empty output). */
  rows: number;
  /** Per input: the step along a row, 0 where that input is broadcast along it, else 1. */
  steps: number[];
  /** Per input: where each row starts in that input. Read-only: may be shared between calls. */
  offsets: Int32Array[];
}

/** The one row offset 0, shared by single-row plans. */
const ROW_AT_ZERO = Int32Array.of(0);

export function broadcastRows(outShape: readonly number[], inShapes: readonly (readonly number[])[]): BroadcastRows {
  const size = sizeOf(outShape);
  // The common cases take no collapsing: every input either has the output's size (so, broadcasting to it,
  // the same element order) or is a single element (step 0) — same-shape operands and scalars.
  const sizes = inShapes.map(sizeOf);
  if (size > 0 && sizes.every((n) => n === size || n === 1))
    return { inner: size, rows: 1, steps: sizes.map((n) => (n === size ? 1 : 0)), offsets: sizes.map(() => ROW_AT_ZERO) };
  return collapsedRows(outShape, inShapes);
}

function collapsedRows(outShape: readonly number[], inShapes: readonly (readonly number[])[]): BroadcastRows {
  const rank = outShape.length;
  // Strides of each input aligned to the output's dims: 0 where the input is broadcast.
  const aligned = inShapes.map((s) => {
    const st = new Array<number>(rank).fill(0);
    for (let i = s.length - 1, acc = 1; i >= 0; acc *= s[i]!, i--) st[rank - s.length + i] = s[i] === 1 ? 0 : acc;
    return st;
  });
  // Collapse, innermost dim first.
  const sizes: number[] = [];
  const strides: number[][] = inShapes.map(() => []);
  for (let d = rank - 1; d >= 0; d--) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const g = sizes.length - 1;
    if (g >= 0 && aligned.every((st, j) => st[d] === strides[j]![g]! * sizes[g]!)) sizes[g]! *= n;
    else {
      sizes.push(n);
      aligned.forEach((st, j) => strides[j]!.push(st[d]!));
    }
  }
  const inner = sizes[0] ?? 1;
  const rows = outShape.includes(0) ? 0 : outShape.reduce((a, b) => a * b, 1) / inner;
  // Row starts: an odometer over the outer collapsed dims (rowOffsets takes them outermost first).
  const outer = sizes.slice(1).reverse();
  return {
    inner,
    rows,
    steps: strides.map((st) => st[0] ?? 0),
    offsets: strides.map((st) => rowOffsets(outer, st.slice(1).reverse())),
  };
}
