import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededValues } from '@nn/testing';
import {
  wasmBinary, wasmCompare, wasmElementwiseAvailable, wasmSumRows, wasmUnary, wasmWhere,
  type WasmBinaryOp, type WasmCompareOp, type WasmUnaryOp,
} from './elementwise-wasm.js';

/** The TypeScript kernels' arithmetic (float64, rounded to float32 on store). */
const BINARY: Record<WasmBinaryOp, (x: number, y: number) => number> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  Div: (x, y) => x / y,
  Maximum: Math.max,
  Minimum: Math.min,
};
const COMPARE: Record<WasmCompareOp, (x: number, y: number) => boolean> = {
  Equal: (x, y) => x === y,
  NotEqual: (x, y) => x !== y,
  Less: (x, y) => x < y,
  LessEqual: (x, y) => x <= y,
  Greater: (x, y) => x > y,
  GreaterEqual: (x, y) => x >= y,
};
const UNARY: Record<WasmUnaryOp, (x: number) => number> = {
  Neg: (x) => -x,
  Abs: Math.abs,
  Sqrt: Math.sqrt,
  Relu: (x) => (x <= 0 ? 0 : x),
  Square: (x) => x * x,
  Reciprocal: (x) => 1 / x,
};

/** Sizes around the 8- and 16-element SIMD steps and the 16384-element block. */
const SIZES = [0, 1, 7, 8, 9, 15, 16, 17, 1000, 16383, 16384, 16385, 3 * 16384 + 5];

/** Every pair of these special values: NaN, infinities, signed zeros, subnormals, overflow, ties. */
const SPECIAL = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3e38, -3e38, 1, -1, 0.5];
const SPECIAL_A = new Float32Array(SPECIAL.flatMap((x) => SPECIAL.map(() => x)));
const SPECIAL_B = new Float32Array(SPECIAL.flatMap(() => SPECIAL));

/** Element-by-element identity, where NaN equals NaN and -0 differs from +0. */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect(got[i], `${what} at ${i}`).toBe(want[i]);
}

describe('WebAssembly SIMD elementwise kernels', () => {
  it('are available in Node', () => {
    expect(wasmElementwiseAvailable()).toBe(true);
  });

  for (const op of Object.keys(BINARY) as WasmBinaryOp[]) {
    it(`${op} equals the TypeScript loop bit for bit: vector, scalar right and scalar left, at offsets, across SIMD steps and blocks`, () => {
      const f = BINARY[op];
      for (const n of SIZES) {
        const a = seededValues(n + 2, 1);
        const b = seededValues(n + 3, 2);
        const s = b[0]!;
        const cases: [Float32Array | number, number, Float32Array | number, number, (i: number) => number][] = [
          [a, 2, b, 3, (i) => f(a[2 + i]!, b[3 + i]!)],
          [a, 1, s, 0, (i) => f(a[1 + i]!, s)],
          [s, 0, b, 2, (i) => f(s, b[2 + i]!)],
        ];
        for (const [x, ix, y, iy, ref] of cases) {
          const out = new Float32Array(n + 4).fill(7);
          expect(wasmBinary(op, x, ix, y, iy, out, 1, n)).toBe(true);
          expectSameBits(out.subarray(1, n + 1), Float32Array.from({ length: n }, (_, i) => ref(i)), `${op} n=${n}`);
          expect([out[0], ...out.subarray(n + 1)]).toEqual([7, 7, 7, 7]); // nothing written outside [1, n + 1)
        }
      }
    });
  }

  it('binary ops treat NaN, infinities, signed zeros, subnormals and overflow as the TypeScript loop does', () => {
    for (const op of Object.keys(BINARY) as WasmBinaryOp[]) {
      const out = new Float32Array(SPECIAL_A.length);
      expect(wasmBinary(op, SPECIAL_A, 0, SPECIAL_B, 0, out, 0, out.length)).toBe(true);
      expectSameBits(out, Float32Array.from(SPECIAL_A, (x, i) => BINARY[op](x, SPECIAL_B[i]!)), op);
      for (const s of SPECIAL.map(Math.fround)) {
        expect(wasmBinary(op, s, 0, SPECIAL_B, 0, out, 0, SPECIAL.length)).toBe(true);
        expectSameBits(out.subarray(0, SPECIAL.length), Float32Array.from(SPECIAL, (y) => BINARY[op](s, Math.fround(y))), `${op}(${s}, ·)`);
      }
    }
  });

  it('comparisons give 0/1 bytes as the TypeScript loop does (NaN false except NotEqual; -0 == +0), with scalars on either side', () => {
    for (const op of Object.keys(COMPARE) as WasmCompareOp[]) {
      const f = COMPARE[op];
      const out = new Uint8Array(SPECIAL_A.length + 1).fill(7);
      expect(wasmCompare(op, SPECIAL_A, 0, SPECIAL_B, 0, out, 0, SPECIAL_A.length)).toBe(true);
      expect(Array.from(out)).toEqual([...Array.from(SPECIAL_A, (x, i) => +f(x, SPECIAL_B[i]!)), 7]);
      for (const n of SIZES) {
        const a = seededValues(n, 3).map((v) => Math.round(v * 4) / 4); // with ties
        const res = new Uint8Array(n);
        expect(wasmCompare(op, a, 0, 0.25, 0, res, 0, n)).toBe(true);
        expect(Array.from(res)).toEqual(Array.from(a, (x) => +f(x, 0.25)));
        expect(wasmCompare(op, 0.25, 0, a, 0, res, 0, n)).toBe(true);
        expect(Array.from(res)).toEqual(Array.from(a, (x) => +f(0.25, x)));
      }
    }
  });

  for (const op of Object.keys(UNARY) as WasmUnaryOp[]) {
    it(`${op} equals the TypeScript loop bit for bit, special values included`, () => {
      for (const n of SIZES) {
        const x = seededValues(n, 4);
        const out = new Float32Array(n);
        expect(wasmUnary(op, x, out, n)).toBe(true);
        expectSameBits(out, Float32Array.from(x, UNARY[op]), `${op} n=${n}`);
      }
      const out = new Float32Array(SPECIAL.length);
      expect(wasmUnary(op, new Float32Array(SPECIAL), out, SPECIAL.length)).toBe(true);
      expectSameBits(out, Float32Array.from(SPECIAL, (v) => UNARY[op](Math.fround(v))), op);
    });
  }

  it('where selects per condition byte (any nonzero is true), with a scalar on either side, at offsets', () => {
    for (const n of SIZES) {
      const c = Uint8Array.from({ length: n + 1 }, (_, i) => [0, 1, 2, 255][(i * 7) % 4]!);
      const a = seededValues(n + 2, 5);
      const b = seededValues(n + 3, 6);
      const cases: [Float32Array | number, Float32Array | number, (i: number) => number][] = [
        [a, b, (i) => (c[1 + i] ? a[2 + i]! : b[3 + i]!)],
        [a, -0, (i) => (c[1 + i] ? a[2 + i]! : -0)],
        [Number.NaN, b, (i) => (c[1 + i] ? Number.NaN : b[3 + i]!)],
      ];
      for (const [x, y, ref] of cases) {
        const out = new Float32Array(n + 2).fill(7);
        expect(wasmWhere(c, 1, x, 2, y, 3, out, 1, n)).toBe(true);
        expectSameBits(out.subarray(1, n + 1), Float32Array.from({ length: n }, (_, i) => ref(i)), `where n=${n}`);
        expect([out[0], out[n + 1]]).toEqual([7, 7]);
      }
    }
  });

  it('sums contiguous rows in float64 (exact here), short rows batched per block and long rows in pieces', () => {
    const shapes: [number, number][] = [[1, 1], [3, 7], [5, 8], [2, 9], [1000, 17], [1, 16384], [3, 16385], [2, 40000], [16384, 2], [7, 0]];
    for (const [rows, len] of shapes) {
      const x = seededValues(rows * len, rows + len);
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
    const bytes = new Uint8Array(4).fill(7);
    expect(fresh.wasmBinary('Add', seededValues(4, 1), 0, seededValues(4, 2), 0, out, 0, 4)).toBe(false);
    expect(fresh.wasmCompare('Less', seededValues(4, 1), 0, 0, 0, bytes, 0, 4)).toBe(false);
    expect(fresh.wasmUnary('Sqrt', seededValues(4, 1), out, 4)).toBe(false);
    expect(fresh.wasmWhere(bytes, 0, seededValues(4, 1), 0, 0, 0, out, 0, 4)).toBe(false);
    expect(fresh.wasmSumRows(seededValues(4, 1), 2, 2, out)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    expect(Array.from(bytes)).toEqual([7, 7, 7, 7]);
  });
});
