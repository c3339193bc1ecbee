import { registerKernel } from '../../../kernel-registry.js';
import type { MatMulAttrs } from '../../../kernels.js';
import { broadcastShapes, sizeOf, stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { runGemmJob, type GemmJob } from './matmul-threads.js';

/**
 * MatMul: out[..., i, j] = Σ_p A[..., i, p] · B[..., p, j], where A is a (or its last two dims swapped when
 * `transposeA`) and B likewise. Inputs have rank ≥ 2 and their batch dims (all but the last two) broadcast.
 * Each output matrix is one task of a GEMM job: the WebAssembly SIMD GEMM (../wasm/gemm-wasm.ts, from
 * assembly/gemm.ts) where available, else the TypeScript reference (matmul-blocked.ts, also the fallback under
 * `NN_WASM=0`); transposes become strides, which only their packing reads. Large products are split across
 * threads (matmul-threads.ts, which picks the GEMM).
 */
registerKernel<CpuBackend>('cpu', 'MatMul', ({ inputs: [a, b], attrs, backend }) => {
  const { transposeA, transposeB } = attrs as MatMulAttrs;
  const ra = a!.shape.length;
  const rb = b!.shape.length;
  // Stored matrix dims (rows × cols as laid out in memory).
  const aRows = a!.shape[ra - 2]!, aCols = a!.shape[ra - 1]!;
  const bRows = b!.shape[rb - 2]!, bCols = b!.shape[rb - 1]!;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const aBatch = a!.shape.slice(0, -2);
  const bBatch = b!.shape.slice(0, -2);
  const batch = broadcastShapes('MatMul', aBatch, bBatch);
  const av = backend.values(a!) as Float32Array;
  const bv = backend.values(b!) as Float32Array;
  // One GEMM task per output matrix: [m, n, where A starts, where B starts, where C starts].
  const aOffsets = batchOffsets(batch, aBatch, aRows * aCols);
  const bOffsets = batchOffsets(batch, bBatch, bRows * bCols);
  const tasks: number[] = [];
  for (let t = 0; t < aOffsets.length; t++) tasks.push(m, n, aOffsets[t]!, bOffsets[t]!, t * m * n);
  const job: GemmJob = {
    k,
    ldc: n,
    aRowStride: transposeA ? 1 : aCols,
    aColStride: transposeA ? aCols : 1,
    bRowStride: transposeB ? 1 : bCols,
    bColStride: transposeB ? bCols : 1,
    tasks,
  };
  const out = runGemmJob(job, m, n, av, bv, sizeOf(batch) * m * n);
  return backend.make(out, [...batch, m, n], 'float32');
});

/**
 * Where each output batch's matrix starts in an operand with batch shape `own` (right-aligned to `batch`,
 * size-1 dims broadcast), for matrices of `matSize` elements.
 */
function batchOffsets(batch: readonly number[], own: readonly number[], matSize: number): number[] {
  const strides = stridesOf(own);
  const lead = batch.length - own.length;
  const count = sizeOf(batch);
  const offsets = new Array<number>(count);
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let off = 0;
    for (let d = 0; d < own.length; d++) if (own[d] !== 1) off += idx[lead + d]! * strides[d]!;
    offsets[t] = off * matSize;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return offsets;
}
