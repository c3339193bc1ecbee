import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../kernels/erf.js';
import { wasmElementwiseAvailable, wasmSpecial, type WasmSpecialOp } from './elementwise-wasm.js';
import { allocArray, releaseArray } from './heap.js';

/** The TypeScript kernels' definitions (float64, rounded to float32 on store). */
const REFERENCE: Record<WasmSpecialOp, (x: number) => number> = {
  Exp: Math.exp,
  Erf: erf,
  Gelu: (x) => 0.5 * x * erfc(-x * Math.SQRT1_2),
};
/** Bounds in float32 ulps from the correctly rounded value (scripts/fit-special-f32.py measures 1, 2 and 6). */
const MAX_ULPS: Record<WasmSpecialOp, number> = { Exp: 1, Erf: 2, Gelu: 6 };

/** Distance in float32 steps between two float32 values (same-signed zeros are 0 apart; ±0 are 0 apart too). */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const order = (i: number) => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(order(bits[0]!) - order(bits[1]!));
}

/** Dense grids over each function's whole range, plus normal samples. */
function inputs(op: WasmSpecialOp): Float32Array {
  const [lo, hi] = op === 'Exp' ? [-110, 90] : [-16, 16];
  const xs: number[] = [];
  for (let i = 0; i <= 200_000; i++) xs.push(lo + ((hi - lo) * i) / 200_000);
  for (let v = 1e-30; v < 1; v *= 1.7) xs.push(v, -v); // tiny arguments: erf(x) ≈ 2x/√π, relative accuracy
  return new Float32Array(xs);
}

describe.runIf(wasmElementwiseAvailable())('WebAssembly SIMD exp, erf and GELU (float32 approximations)', () => {
  for (const op of ['Exp', 'Erf', 'Gelu'] as const) {
    it(`${op}: within ${MAX_ULPS[op]} ulps of the correctly rounded value (in place on the heap, and streamed)`, () => {
      const xs = inputs(op);
      const ref = new Float32Array(xs.map(REFERENCE[op]));
      const heapX = allocArray('float32', xs.length) as Float32Array;
      heapX.set(xs);
      const heapOut = allocArray('float32', xs.length) as Float32Array;
      const plainOut = new Float32Array(xs.length);
      expect(wasmSpecial(op, heapX, heapOut, xs.length)).toBe(true);
      expect(wasmSpecial(op, xs, plainOut, xs.length)).toBe(true);
      expect(plainOut).toEqual(heapOut);
      let worst = 0;
      for (let i = 0; i < xs.length; i++) {
        // GELU's far negative tail, below 2^-120 (where erfc's float32 value goes subnormal): absolute error,
        // in ulps of 2^-120 (2^-143).
        const d = Math.abs(ref[i]!) < 2 ** -120 ? Math.abs(heapOut[i]! - ref[i]!) / 2 ** -143 : ulps(heapOut[i]!, ref[i]!);
        if (d > worst) worst = d;
        if (!(d <= MAX_ULPS[op])) expect.fail(`${op}(${xs[i]}) = ${heapOut[i]}, expected ${ref[i]} (${d} ulps)`);
      }
      expect(worst).toBeGreaterThan(0); // an approximation, not the reference in disguise
      releaseArray(heapX);
      releaseArray(heapOut);
    });

    it(`${op}: special values as the TypeScript kernel (NaN, ±inf, ±0, the 1–3 element tail)`, () => {
      const xs = new Float32Array([Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3e38, -3e38, 88.7, -87.5, -103]);
      for (let n = 1; n <= xs.length; n++) {
        const out = new Float32Array(n);
        wasmSpecial(op, xs.subarray(0, n), out, n);
        for (let i = 0; i < n; i++) {
          const ref = Math.fround(REFERENCE[op](xs[i]!));
          if (Number.isNaN(ref)) expect(out[i]).toBeNaN();
          else if (!Number.isFinite(ref) || ref === 0) expect(Object.is(out[i], ref) || (ref === 0 && out[i] === 0)).toBe(true);
          else expect(ulps(out[i]!, ref)).toBeLessThanOrEqual(MAX_ULPS[op]);
        }
      }
    });
  }
});
