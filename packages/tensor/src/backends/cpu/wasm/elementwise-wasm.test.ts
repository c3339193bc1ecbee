import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasmBinary, wasmElementwiseAvailable, wasmSumRows, type WasmBinaryOp } from './elementwise-wasm.js';

/** Deterministic values in [-1, 1) (a small LCG): multiples of 2⁻³¹, so float64 sums of < 2²² of them are exact. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The TypeScript loops the kernels run otherwise (float64 arithmetic, rounded to float32 on store). */
const REFERENCE: Record<WasmBinaryOp, (x: number, y: number) => number> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  Div: (x, y) => x / y,
};

/** Sizes around the 8-float SIMD step and the 16384-float block. */
const SIZES = [0, 1, 7, 8, 9, 1000, 16383, 16384, 16385, 3 * 16384 + 5];

describe('WebAssembly SIMD elementwise kernels', () => {
  it('are available in Node', () => {
    expect(wasmElementwiseAvailable()).toBe(true);
  });

  for (const op of ['Add', 'Sub', 'Mul', 'Div'] as const)
    it(`${op} equals the TypeScript loop bit for bit, across SIMD steps and blocks`, () => {
      for (const n of SIZES) {
        const a = values(n, 1);
        const b = values(n, 2);
        const out = new Float32Array(n + 3).fill(7);
        expect(wasmBinary(op, a, b, out, n)).toBe(true);
        const ref = Float32Array.from(a, (x, i) => REFERENCE[op](x, b[i]!));
        expect(out.subarray(0, n)).toEqual(ref);
        expect(Array.from(out.subarray(n))).toEqual([7, 7, 7]); // nothing written past n
      }
    });

  it('propagates NaN, infinities, signed zeros, subnormals and overflow as the TypeScript loop does', () => {
    const special = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3e38, -3e38, 1, -1, 0.5];
    const a = new Float32Array(special.flatMap((x) => special.map(() => x)));
    const b = new Float32Array(special.flatMap(() => special));
    for (const op of ['Add', 'Sub', 'Mul', 'Div'] as const) {
      const out = new Float32Array(a.length);
      expect(wasmBinary(op, a, b, out, a.length)).toBe(true);
      const ref = Float32Array.from(a, (x, i) => REFERENCE[op](x, b[i]!));
      for (let i = 0; i < a.length; i++) expect(Object.is(out[i], ref[i]), `${op}(${a[i]}, ${b[i]}): ${out[i]} vs ${ref[i]}`).toBe(true);
    }
  });

  it('sums contiguous rows in float64 (exact here), short rows batched per block and long rows in pieces', () => {
    const shapes: [number, number][] = [[1, 1], [3, 7], [5, 8], [2, 9], [1000, 17], [1, 16384], [3, 16385], [2, 40000], [16384, 2], [7, 0]];
    for (const [rows, len] of shapes) {
      const x = values(rows * len, rows + len);
      const out = new Float32Array(rows).fill(7);
      expect(wasmSumRows(x, rows, len, out)).toBe(true);
      const ref = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let i = 0; i < len; i++) s += x[r * len + i]!;
        ref[r] = s;
      }
      expect(out, `[${rows}, ${len}]`).toEqual(ref);
    }
  });

  it('sums NaN and infinities as IEEE arithmetic does', () => {
    const x = new Float32Array([1, Number.NaN, 2, 3, Infinity, 4, Infinity, -Infinity, 5, -0, -0, -0]);
    const out = new Float32Array(4);
    expect(wasmSumRows(x, 4, 3, out)).toBe(true);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBe(Infinity);
    expect(Number.isNaN(out[2])).toBe(true);
    expect(Object.is(out[3], 0)).toBe(true); // +0 + (-0) + ... = +0, as the TypeScript loop starting from 0
  });
});

describe('WebAssembly elementwise kernels with NN_WASM=0', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('report unavailable and write nothing, so callers run their TypeScript loops', async () => {
    vi.stubEnv('NN_WASM', '0');
    vi.resetModules();
    const fresh = await import('./elementwise-wasm.js');
    expect(fresh.wasmElementwiseAvailable()).toBe(false);
    const out = new Float32Array(4).fill(7);
    expect(fresh.wasmBinary('Add', values(4, 1), values(4, 2), out, 4)).toBe(false);
    expect(fresh.wasmSumRows(values(4, 1), 2, 2, out)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
  });
});
