/**
 * The CPU elementwise kernels pick a path per call: same-shape, scalar on either side, bias rows, column
 * broadcasts, other broadcasts; TypeScript loops for short runs and WebAssembly SIMD from MIN_WASM_ELEMENTS on.
 * Every path must give exactly the bits of the element-by-element definition (float64 arithmetic rounded to
 * float32), so each case here is checked against a naive broadcasting reference with Object.is.
 */
import { describe, expect, it } from 'vitest';
import { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub, tensor, where, type Tensor } from '../../../index.js';
import { MIN_WASM_ELEMENTS } from '../wasm/elementwise-wasm.js';
import { powC } from './binary.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Deterministic float32 values in [-2, 2) with some exact ties (multiples of 1/8), a NaN, ±0 and ±inf. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 5 === 0 ? Math.round((s / 2 ** 31 - 1) * 8) / 8 : (s / 2 ** 31 - 1) * 2;
  }
  const specials = [Number.NaN, -0, 0, Infinity, -Infinity];
  for (let k = 0; k < specials.length && k * 7 + 3 < n; k++) out[k * 7 + 3] = specials[k]!;
  return out;
}

/** out[p] = f(a[p'], b[p'']) over the broadcast shape, by index arithmetic (the definition). */
function reference(f: (x: number, y: number) => number, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[]): { shape: number[]; data: number[] } {
  const rank = Math.max(aShape.length, bShape.length);
  const pad = (s: number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aShape), pad(bShape)];
  const shape = pa.map((d, i) => Math.max(d, pb[i]!));
  const flat = (s: number[], pos: number[]) => pos.reduce((o, p, d) => o * s[d]! + (s[d] === 1 ? 0 : p), 0);
  const data: number[] = [];
  for (let t = 0; t < prod(shape); t++) {
    const pos: number[] = [];
    for (let d = rank - 1, rest = t; d >= 0; d--) {
      pos[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    data.push(f(a[flat(pa, pos)]!, b[flat(pb, pos)]!));
  }
  return { shape, data };
}

function expectBits(got: Tensor, want: { shape: number[]; data: number[] }, round: (x: number) => number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = got.dataSync();
  for (let i = 0; i < want.data.length; i++) {
    const w = round(want.data[i]!);
    if (!Object.is(g[i], w)) expect(g[i], `${what}: element ${i}`).toBe(w);
  }
}

const W = MIN_WASM_ELEMENTS;
/** Shape pairs that reach each path, small (TypeScript) and large (WebAssembly). */
const PAIRS: [number[], number[], string][] = [
  [[5], [5], 'same shape, short'],
  [[3, W], [3, W], 'same shape, SIMD'],
  [[7], [], 'tensor ⊕ scalar, short'],
  [[2, W], [1], 'tensor ⊕ one-element tensor, SIMD'],
  [[], [2, W + 3], 'scalar ⊕ tensor, SIMD'],
  [[1, 1], [9], 'scalar ⊕ tensor, short'],
  [[4, 6], [6], 'bias rows, short'],
  [[64, 40], [40], 'bias rows, SIMD (many rows per call)'],
  [[40], [64, 40], 'one row ⊕ full rows, SIMD'],
  [[64, 40], [64, 1], 'column broadcast (one scalar per row), SIMD'],
  [[64, 1], [64, 40], 'one scalar per row ⊕ full rows, SIMD'],
  [[64, 1], [1, 40], 'column ⊕ row (outer), SIMD'],
  [[3, 1, 20], [5, 20], 'rows repeating in groups (per-row path)'],
  [[2, W + 5], [W + 5], 'long bias rows (one SIMD call per row)'],
  [[2, 1, W], [3, W], 'long rows repeating in groups'],
];

const ARITH: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['maximum', maximum, Math.max],
  ['minimum', minimum, Math.min],
  ['pow', pow, powC],
];
const COMPARE: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => boolean][] = [
  ['eq', eq, (x, y) => x === y],
  ['ne', ne, (x, y) => x !== y],
  ['lt', lt, (x, y) => x < y],
  ['le', le, (x, y) => x <= y],
  ['gt', gt, (x, y) => x > y],
  ['ge', ge, (x, y) => x >= y],
];

describe('CPU elementwise kernels: every path gives the bits of the definition', () => {
  for (const [name, op, f] of ARITH)
    it(`${name} (float32)`, () => {
      for (const [as, bs, what] of PAIRS) {
        const [av, bv] = [values(prod(as), 1), values(prod(bs), 2)];
        expectBits(op(tensor(av, { shape: as }), tensor(bv, { shape: bs })), reference(f, av, as, bv, bs), Math.fround, `${name} ${what}`);
      }
    });

  for (const [name, op, f] of COMPARE)
    it(`${name} (float32 → bool)`, () => {
      for (const [as, bs, what] of PAIRS) {
        const [av, bv] = [values(prod(as), 3), values(prod(bs), 3)]; // same seed: many equal pairs
        expectBits(op(tensor(av, { shape: as }), tensor(bv, { shape: bs })), reference((x, y) => +f(x, y), av, as, bv, bs), (x) => x, `${name} ${what}`);
      }
    });

  it('unary float32 kernels, short (TypeScript) and long (SIMD for − |·| √ relu x² 1/x; exp within 1 ulp)', () => {
    const cases: [string, (t: Tensor) => Tensor, (x: number) => number][] = [
      ['neg', (t) => t.neg(), (x) => -x],
      ['abs', (t) => t.abs(), Math.abs],
      ['sqrt', (t) => t.sqrt(), Math.sqrt],
      ['relu', (t) => t.relu(), (x) => (x <= 0 ? 0 : x)],
      ['square', (t) => t.square(), (x) => x * x],
      ['reciprocal', (t) => t.reciprocal(), (x) => 1 / x],
      ['exp', (t) => t.exp(), Math.exp],
      ['rsqrt', (t) => t.rsqrt(), (x) => 1 / Math.sqrt(x)],
      ['leakyRelu', (t) => t.leakyRelu(0.1), (x) => (x > 0 ? x : x * 0.1)],
    ];
    for (const n of [13, 2 * W + 9]) {
      const xv = values(n, 10);
      for (const [name, op, f] of cases) {
        const got = op(tensor(xv)).dataSync();
        // Long exps run the SIMD float32 approximation (special-wasm.test.ts bounds it over the whole range).
        const approx = name === 'exp' && n > 64;
        for (let i = 0; i < n; i++) {
          const want = Math.fround(f(xv[i]!));
          if (approx && Number.isFinite(want) && want !== 0) expect(Math.abs(got[i]! - want), `${name} n=${n} at ${i}`).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
          else if (!Object.is(got[i], want)) expect(got[i], `${name} n=${n} at ${i}`).toBe(want);
        }
      }
    }
  });

  it('int32 arithmetic and comparisons keep their integer forms across paths', () => {
    for (const [as, bs, what] of PAIRS) {
      const ai = Int32Array.from(values(prod(as), 4), (v) => (Number.isFinite(v) ? Math.round(v * 1000) : 7));
      const bi = Int32Array.from(values(prod(bs), 5), (v) => (Number.isFinite(v) ? Math.round(v * 1000) : 3));
      const [a, b] = [tensor(ai, { shape: as, dtype: 'int32' }), tensor(bi, { shape: bs, dtype: 'int32' })];
      const af = Float32Array.from(ai), bf = Float32Array.from(bi);
      expectBits(mul(a, b), reference(Math.imul, af, as, bf, bs), (x) => x | 0, `mul int32 ${what}`);
      expectBits(sub(a, b), reference((x, y) => x - y, af, as, bf, bs), (x) => x | 0, `sub int32 ${what}`);
      expectBits(lt(a, b), reference((x, y) => +(x < y), af, as, bf, bs), (x) => x, `lt int32 ${what}`);
    }
  });

  it('where(cond, a, b) with vectors, scalars on either side and a broadcast condition', () => {
    const n = 4 * W + 5;
    const c = values(n, 6).map((v) => +(v > 0));
    const [av, bv] = [values(n, 7), values(n, 8)];
    const cond = tensor(c, { shape: [n] }).ne(0);
    const pick = (i: number, x: number, y: number) => (c[i] ? x : y);
    const cases: [Tensor, (i: number) => number, string][] = [
      [where(cond, tensor(av), tensor(bv)), (i) => pick(i, av[i]!, bv[i]!), 'vectors'],
      [where(cond, tensor(av), -0), (i) => pick(i, av[i]!, -0), 'scalar b'],
      [where(cond, 2.5, tensor(bv)), (i) => pick(i, 2.5, bv[i]!), 'scalar a'],
      [where(cond, 1, 0), (i) => pick(i, 1, 0), 'two scalars'],
      [where(cond.slice(0, 0, 17), tensor(av.subarray(0, 17)), tensor(bv.subarray(0, 17))), (i) => pick(i, av[i]!, bv[i]!), 'short'],
    ];
    for (const [got, ref, what] of cases) {
      const g = got.dataSync();
      for (let i = 0; i < g.length; i++) if (!Object.is(g[i], Math.fround(ref(i)))) expect(g[i], `${what} at ${i}`).toBe(ref(i));
    }
    // The condition broadcast along rows: a [4,1] condition picks whole rows.
    const rows = where(tensor([1, 0, 0, 1], { shape: [4, 1] }).ne(0), tensor(av.subarray(0, 4 * W), { shape: [4, W] }), 0).dataSync();
    for (let r = 0; r < 4; r++) expect(Array.from(rows.subarray(r * W, r * W + 3))).toEqual(r % 3 === 0 ? Array.from(av.subarray(r * W, r * W + 3)) : [0, 0, 0]);
  });
});
