import { registerKernel } from '../../../../kernel-registry.js';
import type { MomentsAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmSumRows, wasmSumSquaredDeviations } from '../../wasm/elementwise-wasm.js';
import { perChannel } from './rows.js';

/**
 * Moments (see kernels.ts): per C of x viewed as [A, C, B], the mean and the biased variance, as PyTorch's
 * batch_norm_cpu_collect_stats: the sum in float64, then Σ(x − mean)² around the float64 mean; each rounded
 * once to float32. Each pass sums the A·C rows of B contiguous elements (in WebAssembly SIMD for rows of 16 or
 * more; the float64 sums then differ from the loops here only in their order) and folds them per channel.
 */
registerKernel<CpuBackend>('cpu', 'Moments', ({ inputs: [x], attrs, backend }) => {
  const [a, c, b] = (attrs as MomentsAttrs).view;
  const xs = backend.values(x!) as Float32Array;
  if (b === 1) return backend.make(momentsOfColumns(xs, a, c, backend.alloc('float32', 2 * c) as Float32Array), [2, c], 'float32');
  const rows = a * c;
  const n = a * b;
  const rowSums = new Float64Array(rows);
  if (!(b >= 16 && wasmSumRows(xs, rows, b, rowSums)))
    for (let r = 0, p = 0; r < rows; r++) {
      let s = 0;
      for (const end = p + b; p < end; p++) s += xs[p]!;
      rowSums[r] = s;
    }
  const means = perChannel(rowSums, c).map((s) => s / n);
  const rowSq = new Float64Array(rows);
  if (!wasmSumSquaredDeviations(xs, means, c, rows, b, rowSq))
    for (let r = 0, p = 0; r < rows; r++) {
      const m = means[r % c]!;
      let s = 0;
      for (const end = p + b; p < end; p++) s += (xs[p]! - m) ** 2;
      rowSq[r] = s;
    }
  const out = backend.alloc('float32', 2 * c) as Float32Array;
  out.set(means);
  out.set(perChannel(rowSq, c).map((s) => s / n), c);
  return backend.make(out, [2, c], 'float32');
});

/**
 * Moments of an [A, C, 1] view (BatchNorm1d on [N, C]): rows are single elements, so the passes run down the
 * columns directly — the same float64 sums in the same order as the row loops and perChannel, without a row's
 * overhead per element.
 */
function momentsOfColumns(xs: Float32Array, a: number, c: number, out: Float32Array): Float32Array {
  const sums = new Float64Array(c);
  for (let i = 0, p = 0; i < a; i++) for (let j = 0; j < c; j++, p++) sums[j]! += xs[p]!;
  const means = sums.map((s) => s / a);
  const sq = new Float64Array(c);
  for (let i = 0, p = 0; i < a; i++) for (let j = 0; j < c; j++, p++) sq[j]! += (xs[p]! - means[j]!) ** 2;
  out.set(means);
  out.set(sq.map((s) => s / a), c);
  return out;
}
