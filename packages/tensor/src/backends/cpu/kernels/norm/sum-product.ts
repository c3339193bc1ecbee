import { registerKernel } from '../../../../kernel-registry.js';
import type { SumProductAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmDotRows } from '../../wasm/elementwise-wasm.js';
import { perChannel } from './rows.js';

/**
 * SumProduct (see kernels.ts): Σ a·b per C over A and B of the [A, C, B] view, accumulated in float64: per
 * row of B elements (in WebAssembly SIMD for rows of 16 or more), folded per channel.
 */
registerKernel<CpuBackend>('cpu', 'SumProduct', ({ inputs: [x, y], attrs, backend }) => {
  const [a, c, b] = (attrs as SumProductAttrs).view;
  const xs = backend.values(x!) as Float32Array;
  const ys = backend.values(y!) as Float32Array;
  if (b === 1) {
    // Rows of one element (BatchNorm1d on [N, C]): the same float64 sums, in the same order, down the columns.
    const sums = new Float64Array(c);
    for (let i = 0, p = 0; i < a; i++) for (let j = 0; j < c; j++, p++) sums[j]! += xs[p]! * ys[p]!;
    return backend.make(Float32Array.from(sums), [c], 'float32');
  }
  const rowSums = new Float64Array(a * c);
  if (!wasmDotRows(xs, ys, a * c, b, rowSums))
    for (let r = 0, p = 0; r < a * c; r++) {
      let s = 0;
      for (const end = p + b; p < end; p++) s += xs[p]! * ys[p]!;
      rowSums[r] = s;
    }
  return backend.make(Float32Array.from(perChannel(rowSums, c)), [c], 'float32');
});
