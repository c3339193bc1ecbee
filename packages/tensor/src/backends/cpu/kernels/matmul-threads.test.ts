import { afterEach, describe, expect, it, vi } from 'vitest';
import { engine, tensor } from '../../../index.js';
import { loadWasmGemmOperands, runWasmGemmTasks, wasmGemm, wasmGemmOutput } from '../wasm/gemm-wasm.js';
import { newGemmScratch, runGemmTasks, type GemmJob } from './matmul-blocked.js';
import { matmulStats, whenThreadsReady } from './matmul-threads.js';
import { seededValues } from '@nn/testing';

/** The same product on this thread alone, through the GEMM the workers run (WebAssembly where available). */
function oneThread(av: Float32Array, bv: Float32Array, batch: number, m: number, k: number, n: number, tA: boolean, tB: boolean, bBatch: boolean) {
  const tasks: number[] = [];
  for (let t = 0; t < batch; t++) tasks.push(m, n, t * m * k, bBatch ? t * k * n : 0, t * m * n);
  const job: GemmJob = {
    k, ldc: n, tasks,
    aRowStride: tA ? 1 : k, aColStride: tA ? m : 1,
    bRowStride: tB ? 1 : n, bColStride: tB ? k : 1,
  };
  const w = wasmGemm();
  if (w) {
    expect(loadWasmGemmOperands(w, av, bv, batch * m * n)).toBe(true);
    runWasmGemmTasks(w, job);
    return wasmGemmOutput(w, batch * m * n);
  }
  const out = new Float32Array(batch * m * n);
  runGemmTasks(job, av, bv, out, newGemmScratch());
  return out;
}

describe('MatMul across worker threads', () => {
  const cases: [string, number, number, number, number, boolean, boolean, boolean][] = [
    // name, batch, m, k, n, transposeA, transposeB, b batched
    ['tall: split by rows', 1, 203, 190, 201, false, false, false],
    ['tall, 512 rows in blocks of 72 and a last block of 8 + 72', 1, 512, 64, 256, false, false, false],
    ['wide: split by columns', 1, 9, 700, 1500, false, false, false],
    ['many matrices: split by batch', 12, 100, 90, 110, false, false, true],
    ['transposed operands, broadcast B', 3, 130, 150, 170, true, true, false],
    ['row vector: matrix-vector path split by columns', 1, 1, 2000, 3000, false, false, false],
    ['column vector, transposed A: split by rows', 1, 3000, 2000, 1, true, false, false],
  ];
  for (const [name, batch, m, k, n, tA, tB, bBatch] of cases) {
    it(`gives bit-identical results: ${name}`, async (ctx) => {
      if ((await whenThreadsReady()) === 0) return ctx.skip();
      const av = seededValues(batch * m * k, 7);
      const bv = seededValues((bBatch ? batch : 1) * k * n, 8);
      const aShape = [batch, tA ? k : m, tA ? m : k];
      const bShape = bBatch ? [batch, tB ? n : k, tB ? k : n] : [tB ? n : k, tB ? k : n];
      const before = { ...matmulStats };
      const c = engine.runKernel('MatMul', [tensor(av, { shape: aShape }), tensor(bv, { shape: bShape })], { transposeA: tA, transposeB: tB });
      expect(matmulStats.parallelCalls).toBe(before.parallelCalls + 1);
      expect(matmulStats.wasmCalls).toBe(before.wasmCalls + (wasmGemm() ? 1 : 0));
      expect(c.shape).toEqual([batch, m, n]);
      expect(c.dataSync()).toEqual(oneThread(av, bv, batch, m, k, n, tA, tB, bBatch));
    });
  }
});

describe('MatMul across worker threads with NN_WASM=0 (TypeScript GEMM in every thread)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('gives bit-identical results to the TypeScript GEMM on one thread', async (ctx) => {
    vi.stubEnv('NN_WASM', '0');
    vi.resetModules();
    // A fresh module graph: its own engine, and a worker pool started without the WebAssembly GEMM.
    const nn = await import('../../../index.js');
    const threads = await import('./matmul-threads.js');
    if ((await threads.whenThreadsReady()) === 0) return ctx.skip();
    for (const [m, k, n, tA, tB] of [[512, 64, 256, false, false], [200, 150, 170, true, true]] as const) {
      const av = seededValues(m * k, 3);
      const bv = seededValues(k * n, 4);
      const before = { ...threads.matmulStats };
      const c = nn.engine.runKernel('MatMul', [nn.tensor(av, { shape: tA ? [k, m] : [m, k] }), nn.tensor(bv, { shape: tB ? [n, k] : [k, n] })], { transposeA: tA, transposeB: tB });
      expect(threads.matmulStats.parallelCalls).toBe(before.parallelCalls + 1);
      expect(threads.matmulStats.wasmCalls).toBe(before.wasmCalls);
      const job: GemmJob = {
        k, ldc: n, tasks: [m, n, 0, 0, 0],
        aRowStride: tA ? 1 : k, aColStride: tA ? m : 1,
        bRowStride: tB ? 1 : n, bColStride: tB ? k : 1,
      };
      const ref = new Float32Array(m * n);
      runGemmTasks(job, av, bv, ref, newGemmScratch());
      expect(c.dataSync()).toEqual(ref);
    }
  });
});
