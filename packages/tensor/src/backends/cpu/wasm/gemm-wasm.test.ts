import { afterEach, describe, expect, it, vi } from 'vitest';
import { newGemmScratch, runGemmTasks, type GemmJob } from '../kernels/matmul-blocked.js';
import { GEMM_WASM_BASE64, GEMM_WASM_SHARED_BASE64 } from './gemm-wasm.generated.js';
import { gemmScratch, gemmWasmModule, instantiateGemmWasm, loadWasmGemmOperands, runWasmGemmTasks, wasmGemm, wasmGemmOutput, type WasmGemm } from './gemm-wasm.js';
import { decodeBase64 } from './load.js';
import { seededValues } from '@nn/testing';

/** A job of one m×n product whose operands are stored transposed or not, with `pad` unused elements after each stored row. */
function job(m: number, k: number, n: number, tA: boolean, tB: boolean, pad = 0): { job: GemmJob; aLen: number; bLen: number } {
  const aLd = (tA ? m : k) + pad;
  const bLd = (tB ? k : n) + pad;
  return {
    job: {
      k, ldc: n, tasks: [m, n, 0, 0, 0],
      aRowStride: tA ? 1 : aLd, aColStride: tA ? aLd : 1,
      bRowStride: tB ? 1 : bLd, bColStride: tB ? bLd : 1,
    },
    aLen: (tA ? k : m) * aLd,
    bLen: (tB ? n : k) * bLd,
  };
}

function runWasm(w: WasmGemm, j: GemmJob, a: Float32Array, b: Float32Array, outSize: number): Float32Array {
  expect(loadWasmGemmOperands(w, a, b, outSize)).toBe(true);
  runWasmGemmTasks(w, j);
  return wasmGemmOutput(w, outSize);
}

function runTs(j: GemmJob, a: Float32Array, b: Float32Array, outSize: number): Float32Array {
  const c = new Float32Array(outSize);
  runGemmTasks(j, a, b, c, newGemmScratch());
  return c;
}

/**
 * Checks c against a float64 product within the float32 dot-product error bound (k + 2)·2⁻²⁴·Σ|a·b| per
 * element (summation order differs from the TypeScript kernel, so bits may too).
 */
function expectProduct(c: Float32Array, j: GemmJob, a: Float32Array, b: Float32Array) {
  const [m, n, aOff, bOff, cOff] = j.tasks as [number, number, number, number, number];
  for (let i = 0; i < m; i++)
    for (let q = 0; q < n; q++) {
      let exact = 0;
      let magnitude = 0;
      for (let p = 0; p < j.k; p++) {
        const prod = a[aOff + i * j.aRowStride + p * j.aColStride]! * b[bOff + p * j.bRowStride + q * j.bColStride]!;
        exact += prod;
        magnitude += Math.abs(prod);
      }
      const got = c[cOff + i * j.ldc + q]!;
      const bound = (j.k + 2) * 2 ** -24 * magnitude + 1e-30;
      if (!(Math.abs(got - exact) <= bound)) expect.fail(`C[${i},${q}] = ${got}, expected ${exact} ± ${bound} (m=${m} k=${j.k} n=${n})`);
    }
}

describe('WebAssembly SIMD GEMM', () => {
  const w = wasmGemm();

  it('is available in Node (SIMD128, shared memory) and both builds validate', () => {
    expect(WebAssembly.validate(decodeBase64(GEMM_WASM_BASE64))).toBe(true);
    expect(WebAssembly.validate(decodeBase64(GEMM_WASM_SHARED_BASE64))).toBe(true);
    expect(w).not.toBeNull();
    expect(w!.shared).toBe(true);
    expect(gemmWasmModule()!.memory).toBe(w!.memory);
  });

  // Both builds: the shared-memory one (Node, worker threads) and the one owning its memory (browsers).
  const builds: [string, () => WasmGemm][] = [
    ['shared-memory build', () => wasmGemm()!],
    ['own-memory build', () => instantiateGemmWasm(new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64)), null, -1)],
  ];
  for (const [label, make] of builds)
    describe(label, () => {
      const w = make();
      // Odd sizes around the 4×8 micro-tile, the KC = 256 depth block, the MC = 96 row block and the
      // NC = 1024 column block, and the matrix-vector shapes (m = 1, n = 1).
      const sizes: [number, number, number][] = [
        [2, 1, 2], [3, 5, 7], [5, 3, 9], [4, 8, 8], [13, 17, 11], [37, 53, 29], [97, 300, 33], [7, 513, 45], [9, 20, 2055],
        [1, 9, 6], [1, 300, 70], [5, 9, 1], [70, 300, 1], [1, 1, 1],
      ];
      const flags = [[false, false], [true, false], [false, true], [true, true]] as const;
      for (const [m, k, n] of sizes)
        for (const [tA, tB] of flags)
          it(`matches the float64 product: m=${m} k=${k} n=${n} transposeA=${tA} transposeB=${tB}`, () => {
            const { job: j, aLen, bLen } = job(m, k, n, tA, tB);
            const a = seededValues(aLen, m * 31 + k);
            const b = seededValues(bLen, n * 17 + k);
            const c = runWasm(w, j, a, b, m * n);
            expectProduct(c, j, a, b);
            // Same answer as the TypeScript reference within float32 rounding.
            const ref = runTs(j, a, b, m * n);
            for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - ref[i]!)).toBeLessThan(1e-5 * Math.sqrt(k));
          });

      it('reads padded rows (strides that are not the matrix width): packed, dot and scalar matrix-vector paths', () => {
        for (const [m, k, n, tA, tB] of [[11, 19, 13, false, false], [11, 19, 13, true, true], [1, 19, 13, false, true], [1, 19, 13, true, false], [11, 19, 1, true, true]] as const) {
          const { job: j, aLen, bLen } = job(m, k, n, tA, tB, 3);
          const a = seededValues(aLen, 3);
          const b = seededValues(bLen, 4);
          expectProduct(runWasm(w, j, a, b, m * n), j, a, b);
        }
      });

      it('runs batched tasks with operand offsets into an output block with ldc > n, leaving the rest untouched', () => {
        const m = 6, k = 10, n = 9, ldc = 20;
        const a = seededValues(3 * m * k, 5);
        const b = seededValues(2 * k * n, 6);
        // Three products written side by side into rows of width ldc: columns [0, 9) and [10, 19) of rows 0..5 and 6..11.
        const j: GemmJob = {
          k, ldc, aRowStride: k, aColStride: 1, bRowStride: n, bColStride: 1,
          tasks: [m, n, 0, 0, 0, m, n, m * k, k * n, 10, m, n, 2 * m * k, 0, m * ldc],
        };
        const c = runWasm(w, j, a, b, 2 * m * ldc);
        for (let t = 0; t < 3; t++) expectProduct(c, { ...j, tasks: j.tasks.slice(5 * t, 5 * t + 5) }, a, b);
        for (let i = 0; i < 2 * m; i++) expect(c[i * ldc + 19]).toBe(0);
        for (let i = m; i < 2 * m; i++) for (let q = 10; q < 19; q++) expect(c[i * ldc + q]).toBe(0);
      });

      it('k = 0 and empty tasks give zeros', () => {
        const { job: j } = job(3, 0, 5, false, false);
        expect(Array.from(runWasm(w, j, new Float32Array(0), new Float32Array(0), 15))).toEqual(new Array(15).fill(0));
        const empty: GemmJob = { ...j, k: 4, tasks: [0, 5, 0, 0, 0] };
        expect(runWasm(w, empty, new Float32Array(0), seededValues(20, 1), 0).length).toBe(0);
      });

      it('propagates NaN and infinities exactly as the TypeScript kernel does (edge tiles included)', () => {
        for (const [m, k, n, tA, tB] of [[7, 12, 11, false, false], [7, 12, 11, true, true], [1, 12, 11, false, false], [7, 12, 1, true, false]] as const) {
          const { job: j, aLen, bLen } = job(m, k, n, tA, tB);
          const a = seededValues(aLen, 9);
          const b = seededValues(bLen, 10);
          const A = (i: number, p: number) => i * j.aRowStride + p * j.aColStride;
          const B = (p: number, q: number) => p * j.bRowStride + q * j.bColStride;
          a[A(m - 1, 2)] = Number.NaN; // last row of C: NaN
          b[B(5, n - 1)] = Number.POSITIVE_INFINITY; // last column: ±inf (sign of A[i, 5])...
          a[A(0, 5)] = 0; // ...except C[0, n-1] = 0·inf = NaN
          b[B(7, 0)] = Number.NEGATIVE_INFINITY;
          b[B(8, 0)] = Number.POSITIVE_INFINITY; // column 0: -inf·A[i,7] + inf·A[i,8] — inf or NaN by the signs
          const c = runWasm(w, j, a, b, m * n);
          const ref = runTs(j, a, b, m * n);
          let nonFinite = 0;
          for (let i = 0; i < c.length; i++) {
            if (Number.isFinite(ref[i]!)) expect(Math.abs(c[i]! - ref[i]!)).toBeLessThan(1e-5);
            else {
              expect(c[i]).toBe(ref[i]); // toBe uses Object.is: NaN matches NaN, +inf and -inf differ
              nonFinite++;
            }
          }
          expect(nonFinite).toBeGreaterThanOrEqual(n);
          if (m > 1) expect(Number.isNaN(c[0 * n + n - 1]!)).toBe(true);
        }
      });

      it('grows its memory for larger operands and keeps working at smaller ones', () => {
        const before = w.memory.buffer.byteLength;
        for (const s of [300, 40, 310]) {
          const { job: j, aLen, bLen } = job(s, 70, s, false, false);
          const a = seededValues(aLen, s);
          const b = seededValues(bLen, s + 1);
          expectProduct(runWasm(w, j, a, b, s * s), j, a, b);
        }
        expect(w.memory.buffer.byteLength).toBeGreaterThanOrEqual(Math.max(before, 4 * (310 * 70 * 2 + 310 * 310)));
      });
    });

  it('threads on one shared memory: an instance with its own scratch block computes the same bits', () => {
    const m = gemmWasmModule()!;
    const other = instantiateGemmWasm(m.module, m.memory, gemmScratch(m.module));
    expect(other.scratch).not.toBe(w!.scratch);
    const { job: j, aLen, bLen } = job(45, 300, 70, true, false);
    const a = seededValues(aLen, 11);
    const b = seededValues(bLen, 12);
    expect(loadWasmGemmOperands(w!, a, b, 45 * 70)).toBe(true);
    Object.assign(other, { a: w!.a, b: w!.b, c: w!.c });
    runWasmGemmTasks(other, j);
    const viaSlot1 = wasmGemmOutput(w!, 45 * 70);
    expect(viaSlot1).toEqual(runWasm(w!, j, a, b, 45 * 70));
    expectProduct(viaSlot1, j, a, b);
  });

  it('declines operands beyond 2 GiB instead of growing', () => {
    const huge = { length: 2 ** 29, byteLength: 2 ** 31 } as Float32Array;
    expect(loadWasmGemmOperands(w!, huge, new Float32Array(4), 4)).toBe(false);
  });
});

describe('MatMul kernel: WebAssembly path and the NN_WASM=0 fallback', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function product(env: string | undefined) {
    if (env !== undefined) vi.stubEnv('NN_WASM', env);
    vi.resetModules();
    // A fresh module graph reads NN_WASM anew.
    const nn = await import('../../../index.js');
    const { matmulStats } = await import('../kernels/matmul-threads.js');
    const a = seededValues(40 * 30, 1);
    const b = seededValues(30 * 20, 2);
    const c = nn.matmul(nn.tensor(a, { shape: [40, 30] }), nn.tensor(b, { shape: [30, 20] }));
    return { c: c.dataSync() as Float32Array, wasmCalls: matmulStats.wasmCalls, j: job(40, 30, 20, false, false).job, a, b };
  }

  it('uses the WebAssembly GEMM by default', async () => {
    const { c, wasmCalls, j, a, b } = await product(undefined);
    expect(wasmCalls).toBe(1);
    expectProduct(c, j, a, b);
    expect(c).toEqual(runWasm(wasmGemm()!, j, a, b, 800));
  });

  it('computes with the TypeScript GEMM, bit for bit, when NN_WASM=0', async () => {
    const { c, wasmCalls, j, a, b } = await product('0');
    expect(wasmCalls).toBe(0);
    expect(c).toEqual(runTs(j, a, b, 800));
  });
});
