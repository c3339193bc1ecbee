/**
 * The CPU Sum/Max/Min kernels take a path per call: a scan (or slabs of rows) when the innermost dims are reduced, row
 * accumulation when they are kept; float32 loops, WebAssembly SIMD for large float32 sums, and a generic loop
 * for int32/bool. Each is checked here against the element-by-element definition.
 */
import { describe, expect, it } from 'vitest';
import { max, min, sum, tensor } from '../../../index.js';
import { MIN_WASM_ELEMENTS } from '../wasm/elementwise-wasm.js';

const SHAPE = [6, 50, 40];
const DIMS = [[2], [0], [1], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

/** Deterministic multiples of 1/8 in [-4, 4): every float64 sum below is exact, whatever the order. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round((s / 2 ** 31 - 1) * 32) / 8;
  }
  return out;
}

/** Folds `f` over dims of a [6,50,40] array in row-major order (the first element seen seeds each output). */
function reduceRef(xv: ArrayLike<number>, dims: number[], f: (acc: number, v: number) => number): number[] {
  const keep = SHAPE.map((d, i) => (dims.includes(i) ? 1 : d));
  const out: (number | undefined)[] = new Array(keep[0]! * keep[1]! * keep[2]!).fill(undefined);
  for (let t = 0; t < xv.length; t++) {
    const pos = [Math.floor(t / 2000), Math.floor(t / 40) % 50, t % 40].map((p, d) => (dims.includes(d) ? 0 : p));
    const o = (pos[0]! * keep[1]! + pos[1]!) * keep[2]! + pos[2]!;
    out[o] = out[o] === undefined ? xv[t]! : f(out[o]!, xv[t]!);
  }
  return out as number[];
}

const amax = (m: number, v: number) => (v > m || v !== v ? v : m);
const amin = (m: number, v: number) => (v < m || v !== v ? v : m);

describe('CPU reduction kernels', () => {
  it('sum float32 over last, leading, middle and all dims (SIMD rows, SIMD columns, SIMD slabs, scans)', () => {
    expect(SHAPE.reduce((a, b) => a * b) / SHAPE[0]!).toBeGreaterThanOrEqual(MIN_WASM_ELEMENTS);
    const xv = values(12000, 1);
    const x = tensor(xv, { shape: SHAPE });
    for (const dims of DIMS) expect(Array.from(sum(x, dims).dataSync()), `dims [${dims}]`).toEqual(reduceRef(xv, dims, (a, v) => a + v));
  });

  it('sum int32 and bool give int32', () => {
    const iv = Int32Array.from(values(12000, 2), (v) => v * 8);
    const xi = tensor(iv, { shape: SHAPE, dtype: 'int32' });
    const xb = xi.gt(0);
    for (const dims of DIMS) {
      expect(Array.from(sum(xi, dims).dataSync()), `int32 dims [${dims}]`).toEqual(reduceRef(iv, dims, (a, v) => a + v));
      expect(Array.from(sum(xb, dims).dataSync()), `bool dims [${dims}]`).toEqual(reduceRef(Array.from(iv, (v) => +(v > 0)), dims, (a, v) => a + v));
    }
  });

  it('max and min, float32 and int32: NaN wins, and the first of ±0 stays', () => {
    const xv = values(12000, 3);
    for (let i = 0; i < xv.length; i += 97) xv[i] = i % 2 ? 0 : -0;
    for (let i = 5; i < xv.length; i += 1501) xv[i] = Number.NaN;
    const x = tensor(xv, { shape: SHAPE });
    const xi = tensor(Int32Array.from(xv, (v) => (Number.isNaN(v) ? 99 : v * 8)), { shape: SHAPE, dtype: 'int32' });
    const iv = xi.dataSync();
    for (const dims of DIMS) {
      for (const [name, op, f] of [['max', max, amax], ['min', min, amin]] as const) {
        const got = op(x, dims).dataSync();
        const want = reduceRef(xv, dims, f);
        for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect(got[i], `${name} dims [${dims}] at ${i}`).toBe(want[i]);
        expect(Array.from(op(xi, dims).dataSync()), `${name} int32 dims [${dims}]`).toEqual(reduceRef(iv, dims, f));
      }
    }
    // Ties between -0 and +0 keep the first seen, in scans and in row accumulation alike.
    const z = tensor([[-0, 0, -1], [0, -0, -1]]);
    const isNeg0 = (t: ArrayLike<number>) => Array.from(t, (v) => Object.is(v, -0));
    expect(isNeg0(max(z, 1).dataSync())).toEqual([true, false]);
    expect(isNeg0(max(z, 0).dataSync())).toEqual([true, false, false]);
    expect(isNeg0(min(z.neg(), 0).dataSync())).toEqual([false, true, false]);
  });
});
