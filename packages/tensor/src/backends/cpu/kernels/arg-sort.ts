import { registerKernel } from '../../../kernel-registry.js';
import type { ArgSortAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';

/**
 * ArgSort: a stable sort of positions per row along `dim` (x viewed as [outer, n, inner]). Keys are compared
 * as numbers with NaN above everything; ties keep position order in both directions (a descending sort compares
 * keys reversed, not the result reversed). -0 and 0 are equal. The merge sort of Array.prototype.sort is stable,
 * and the position tie-break makes the order explicit.
 */
registerKernel<CpuBackend>('cpu', 'ArgSort', ({ inputs: [x], attrs, backend }) => {
  const { dim, descending } = attrs as ArgSortAttrs;
  const shape = x!.shape.length === 0 ? [1] : x!.shape;
  const xs = backend.values(x!);
  const n = shape[dim]!;
  const inner = sizeOf(shape.slice(dim + 1));
  const outer = sizeOf(shape.slice(0, dim));
  const out = backend.alloc('int32', xs.length) as Int32Array;
  const keys = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  const sign = descending ? -1 : 1;
  const cmp = (a: number, b: number): number => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    const c = ka !== ka ? (kb !== kb ? 0 : 1) : kb !== kb ? -1 : ka < kb ? -1 : ka > kb ? 1 : 0;
    return c * sign || a - b;
  };
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const base = o * n * inner + c;
      for (let i = 0; i < n; i++) {
        keys[i] = xs[base + i * inner]!;
        order[i] = i;
      }
      order.sort(cmp);
      for (let i = 0; i < n; i++) out[base + i * inner] = order[i]!;
    }
  }
  return backend.make(out, x!.shape, 'int32');
});
