/**
 * Float32 elementwise kernels and row sums in WebAssembly SIMD (AssemblyScript), for the CPU backend's hottest
 * memory-bound kernels. The caller (src/backends/cpu/wasm/elementwise-wasm.ts) copies operands into linear
 * memory a block at a time (so they stay in cache between the copy, the loop and the copy out) and grows the
 * memory; this module allocates nothing (runtime stub). Pointers are byte addresses.
 *
 * Each export takes an op code (the constants below; elementwise-wasm.ts holds the same table) and switches
 * once, outside the loop: every case inlines a loop template with a constant op, which the optimizer folds, so
 * each op gets its own straight SIMD loop.
 *
 * Results match the TypeScript loops bit for bit: a float32 + − × ÷ or √ rounds once, and JavaScript's float64
 * operation rounded to float32 on store gives the same value (53 ≥ 2·24 + 2 bits); max/min, comparisons, abs,
 * neg, relu and select are exact. Sums accumulate in float64 like the TypeScript Sum kernel, but in another
 * order, so they may differ in the last float32 bit.
 */

// Binary ops (float32 result).
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;
// Comparisons (0/1 byte result).
const EQ = 0;
const NE = 1;
const LT = 2;
const LE = 3;
const GT = 4;
const GE = 5;
// Unary ops.
const NEG = 0;
const ABS = 1;
const SQRT = 2;
const RELU = 3;
const SQUARE = 4;
const RECIPROCAL = 5;

/** First free byte after this module's static data: the caller's layout starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Byte offset of float32 element `i`. */
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}

// ---- binary: o[i] = a[i] ⊕ b[i], with either side possibly a scalar ----

// @ts-ignore: decorator
@inline function binV(op: i32, x: v128, y: v128): v128 {
  // Wasm's f32x4.max/min give NaN when either lane is NaN and order -0 < +0, as Math.max/min do.
  return op == ADD ? f32x4.add(x, y) : op == SUB ? f32x4.sub(x, y) : op == MUL ? f32x4.mul(x, y)
    : op == DIV ? f32x4.div(x, y) : op == MAX ? f32x4.max(x, y) : f32x4.min(x, y);
}

// @ts-ignore: decorator
@inline function binS(op: i32, x: f32, y: f32): f32 {
  return op == ADD ? x + y : op == SUB ? x - y : op == MUL ? x * y : op == DIV ? x / y : op == MAX ? max(x, y) : min(x, y);
}

/** Vector ⊕ vector. */
// @ts-ignore: decorator
@inline function binaryVV(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, binV(op, v128.load(a + p), v128.load(b + p)));
    v128.store(o + p, binV(op, v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), binS(op, load<f32>(a + at(i)), load<f32>(b + at(i))));
}

/** Vector ⊕ scalar (`left` false) or scalar ⊕ vector (`left` true). */
// @ts-ignore: decorator
@inline function binaryVS(op: i32, left: bool, a: usize, s: f32, o: usize, n: i32): void {
  const v = f32x4.splat(s);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    const x = v128.load(a + p);
    const y = v128.load(a + p, 16);
    v128.store(o + p, left ? binV(op, v, x) : binV(op, x, v));
    v128.store(o + p, left ? binV(op, v, y) : binV(op, y, v), 16);
  }
  for (; i < n; i++) {
    const x = load<f32>(a + at(i));
    store<f32>(o + at(i), left ? binS(op, s, x) : binS(op, x, s));
  }
}

/** o[i] = a[i] ⊕ b[i] for i < n. */
export function binary(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  switch (op) {
    case ADD: binaryVV(ADD, a, b, o, n); break;
    case SUB: binaryVV(SUB, a, b, o, n); break;
    case MUL: binaryVV(MUL, a, b, o, n); break;
    case DIV: binaryVV(DIV, a, b, o, n); break;
    case MAX: binaryVV(MAX, a, b, o, n); break;
    default: binaryVV(MIN, a, b, o, n);
  }
}

/** o[i] = a[i] ⊕ s for i < n. */
export function binaryScalarRight(op: i32, a: usize, s: f32, o: usize, n: i32): void {
  switch (op) {
    case ADD: binaryVS(ADD, false, a, s, o, n); break;
    case SUB: binaryVS(SUB, false, a, s, o, n); break;
    case MUL: binaryVS(MUL, false, a, s, o, n); break;
    case DIV: binaryVS(DIV, false, a, s, o, n); break;
    case MAX: binaryVS(MAX, false, a, s, o, n); break;
    default: binaryVS(MIN, false, a, s, o, n);
  }
}

/** o[i] = s ⊕ b[i] for i < n (only the ops that do not commute need it). */
export function binaryScalarLeft(op: i32, s: f32, b: usize, o: usize, n: i32): void {
  if (op == SUB) binaryVS(SUB, true, b, s, o, n);
  else binaryVS(DIV, true, b, s, o, n);
}

/** How binaryRows finds an operand's part of row r (see there). */
const FULL = 0;
const ROW = 1;
const COL = 2;

/** Row r of one operand: its first element's address, or for COL the address of its scalar. */
// @ts-ignore: decorator
@inline function rowAt(mode: i32, base: usize, r: i32, inner: i32): usize {
  return mode == FULL ? base + at(r * inner) : mode == ROW ? base : base + at(r);
}

// @ts-ignore: decorator
@inline function binaryRowsLoop(op: i32, aMode: i32, a: usize, bMode: i32, b: usize, o: usize, rows: i32, inner: i32): void {
  for (let r = 0; r < rows; r++) {
    const x = rowAt(aMode, a, r, inner);
    const y = rowAt(bMode, b, r, inner);
    const z = o + at(r * inner);
    if (bMode == COL) binaryVS(op, false, x, load<f32>(y), z, inner);
    else if (aMode == COL) binaryVS(op, true, y, load<f32>(x), z, inner);
    else binaryVV(op, x, y, z, inner);
  }
}

/**
 * Broadcast rows: o[r·inner + j] = A_r[j] ⊕ B_r[j] for r < rows, j < inner, where each operand is FULL
 * (A_r[j] = a[r·inner + j]), ROW (the same row each time: a[j]) or COL (one scalar per row: a[r]); not both COL.
 * A bias add [R,N] + [N] is FULL ⊕ ROW, [R,N] − [R,1] FULL ⊕ COL.
 */
export function binaryRows(op: i32, aMode: i32, a: usize, bMode: i32, b: usize, o: usize, rows: i32, inner: i32): void {
  switch (op) {
    case ADD: binaryRowsLoop(ADD, aMode, a, bMode, b, o, rows, inner); break;
    case SUB: binaryRowsLoop(SUB, aMode, a, bMode, b, o, rows, inner); break;
    case MUL: binaryRowsLoop(MUL, aMode, a, bMode, b, o, rows, inner); break;
    case DIV: binaryRowsLoop(DIV, aMode, a, bMode, b, o, rows, inner); break;
    case MAX: binaryRowsLoop(MAX, aMode, a, bMode, b, o, rows, inner); break;
    default: binaryRowsLoop(MIN, aMode, a, bMode, b, o, rows, inner);
  }
}

// ---- comparisons: o[i] = a[i] ⊲ b[i] as a 0/1 byte ----

// @ts-ignore: decorator
@inline function cmpV(op: i32, x: v128, y: v128): v128 {
  return op == EQ ? f32x4.eq(x, y) : op == NE ? f32x4.ne(x, y) : op == LT ? f32x4.lt(x, y)
    : op == LE ? f32x4.le(x, y) : op == GT ? f32x4.gt(x, y) : f32x4.ge(x, y);
}

// @ts-ignore: decorator
@inline function cmpS(op: i32, x: f32, y: f32): u8 {
  return <u8>(op == EQ ? x == y : op == NE ? x != y : op == LT ? x < y : op == LE ? x <= y : op == GT ? x > y : x >= y);
}

/** Vector ⊲ vector (`scalar` false) or vector ⊲ s: sixteen lanes of all-ones/zero masks narrowed to bytes and masked to 0/1. */
// @ts-ignore: decorator
@inline function compareLoop(op: i32, scalar: bool, a: usize, b: usize, s: f32, o: usize, n: i32): void {
  const v = f32x4.splat(s);
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = at(i);
    const m0 = cmpV(op, v128.load(a + p), scalar ? v : v128.load(b + p));
    const m1 = cmpV(op, v128.load(a + p, 16), scalar ? v : v128.load(b + p, 16));
    const m2 = cmpV(op, v128.load(a + p, 32), scalar ? v : v128.load(b + p, 32));
    const m3 = cmpV(op, v128.load(a + p, 48), scalar ? v : v128.load(b + p, 48));
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
    v128.store(o + <usize>i, v128.and(bytes, one));
  }
  for (; i < n; i++) store<u8>(o + <usize>i, cmpS(op, load<f32>(a + at(i)), scalar ? s : load<f32>(b + at(i))));
}

/** o[i] = a[i] ⊲ b[i] (0 or 1) for i < n; o is a byte array. NaN compares false except in NE. */
export function compare(op: i32, a: usize, b: usize, o: usize, n: i32): void {
  switch (op) {
    case EQ: compareLoop(EQ, false, a, b, 0, o, n); break;
    case NE: compareLoop(NE, false, a, b, 0, o, n); break;
    case LT: compareLoop(LT, false, a, b, 0, o, n); break;
    case LE: compareLoop(LE, false, a, b, 0, o, n); break;
    case GT: compareLoop(GT, false, a, b, 0, o, n); break;
    default: compareLoop(GE, false, a, b, 0, o, n);
  }
}

/** o[i] = a[i] ⊲ s (0 or 1) for i < n. (s ⊲ b[i] is b[i] ⊳ s: the caller mirrors the op.) */
export function compareScalar(op: i32, a: usize, s: f32, o: usize, n: i32): void {
  switch (op) {
    case EQ: compareLoop(EQ, true, a, 0, s, o, n); break;
    case NE: compareLoop(NE, true, a, 0, s, o, n); break;
    case LT: compareLoop(LT, true, a, 0, s, o, n); break;
    case LE: compareLoop(LE, true, a, 0, s, o, n); break;
    case GT: compareLoop(GT, true, a, 0, s, o, n); break;
    default: compareLoop(GE, true, a, 0, s, o, n);
  }
}

// ---- unary ----

// @ts-ignore: decorator
@inline function unV(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  // relu: +0 where x ≤ 0 (also for -0), x elsewhere (NaN stays NaN: NaN ≤ 0 is false).
  return op == NEG ? f32x4.neg(x) : op == ABS ? f32x4.abs(x) : op == SQRT ? f32x4.sqrt(x)
    : op == RELU ? v128.bitselect(zero, x, f32x4.le(x, zero)) : op == SQUARE ? f32x4.mul(x, x) : f32x4.div(f32x4.splat(1), x);
}

// @ts-ignore: decorator
@inline function unS(op: i32, x: f32): f32 {
  return op == NEG ? -x : op == ABS ? abs(x) : op == SQRT ? sqrt(x) : op == RELU ? (x <= 0 ? 0 : x) : op == SQUARE ? x * x : 1 / x;
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, unV(op, v128.load(x + p)));
    v128.store(o + p, unV(op, v128.load(x + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), unS(op, load<f32>(x + at(i))));
}

/** o[i] = f(x[i]) for i < n: −x, |x|, √x, max(x, 0), x², 1/x by op. */
export function unary(op: i32, x: usize, o: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, o, n); break;
    case ABS: unaryLoop(ABS, x, o, n); break;
    case SQRT: unaryLoop(SQRT, x, o, n); break;
    case RELU: unaryLoop(RELU, x, o, n); break;
    case SQUARE: unaryLoop(SQUARE, x, o, n); break;
    default: unaryLoop(RECIPROCAL, x, o, n);
  }
}

// ---- special functions: exp, erf and exact GELU in float32 SIMD (scripts/fit-special-f32.py) ----
//
// Unlike the ops above these are approximations, not float64 results rounded: within 1 ulp of the correctly
// rounded value for exp, 2 for erf and 6 for GELU (results above 2^-120; below, where erfc goes subnormal, within
// 6·2^-143 absolutely), measured by the fit script and checked by special-wasm.test.ts against the TypeScript
// kernels (float64) over dense grids.

const EXP = 0;
const ERF = 1;
const GELU = 2;

// @ts-ignore: decorator
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

// @ts-ignore: decorator
@inline function madd(p: v128, t: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(p, t), splat(c));
}

/**
 * Cephes' expf: x = n·ln 2 + r (ln 2 in two parts, so r is nearly exact), e^r = 1 + r + r²·E(r), times 2^n
 * applied as 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that both factors are normal: results overflow to +inf and go subnormal
 * (to 0) where exp does. x is clamped to [-104, 89] first (beyond, the result is 0 or +inf anyway); NaN stays NaN.
 */
// @ts-ignore: decorator
@inline function expV(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, splat(-104)), splat(89));
  const n = f32x4.nearest(f32x4.mul(x, splat(1.44269504088896341)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(0.693359375))), f32x4.mul(n, splat(-2.12194440e-4)));
  let p = madd(splat(1.9875691500e-4), r, 1.3981999507e-3);
  p = madd(p, r, 8.3334519073e-3);
  p = madd(p, r, 4.1665795894e-2);
  p = madd(p, r, 1.6666665459e-1);
  p = madd(p, r, 5.0000001201e-1);
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, n1), bias), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** erf(x)/x = P(x²) for |x| < 0.75 (relative error 1.4e-9 before rounding). */
// @ts-ignore: decorator
@inline function erfSmallRatio(x2: v128): v128 {
  let p = madd(splat(-0.0006749695749022067), x2, 0.005114373750984669);
  p = madd(p, x2, -0.0268346406519413);
  p = madd(p, x2, 0.11283376812934875);
  p = madd(p, x2, -0.3761261999607086);
  return madd(p, x2, 1.1283791065216064);
}

/**
 * erfc(z) for 0.75 ≤ z ≤ 10, given z² = hi + lo exactly: exp(-hi)·(1 − lo)·R(t), t = 1/(1 + z/2), where
 * R(t) ≈ erfc(z)·exp(z²) (relative error 1.3e-9 before rounding).
 */
// @ts-ignore: decorator
@inline function erfcTail(z: v128, hi: v128, lo: v128): v128 {
  const t = f32x4.div(splat(1), f32x4.add(splat(1), f32x4.mul(splat(0.5), z)));
  let p = madd(splat(-0.0700414851307869), t, 0.3346360921859741);
  p = madd(p, t, -0.583685040473938);
  p = madd(p, t, 0.38099363446235657);
  p = madd(p, t, -0.0934145599603653);
  p = madd(p, t, 0.2299337536096573);
  p = madd(p, t, 0.23614110052585602);
  p = madd(p, t, 0.28344616293907166);
  p = madd(p, t, 0.2819967567920685);
  p = madd(p, t, 3.1033803225000156e-06);
  return f32x4.mul(f32x4.mul(expV(f32x4.neg(hi)), f32x4.sub(splat(1), lo)), p);
}

/** Dekker's exact square x² = hi + lo (no fused multiply-add in SIMD128); returns hi, with lo in `squareLo`. */
let squareLo: v128 = f32x4.splat(0);
// @ts-ignore: decorator
@inline function square(x: v128): v128 {
  const c = f32x4.mul(x, splat(4097));
  const xh = f32x4.sub(c, f32x4.sub(c, x));
  const xl = f32x4.sub(x, xh);
  const hi = f32x4.mul(x, x);
  squareLo = f32x4.add(f32x4.add(f32x4.sub(f32x4.mul(xh, xh), hi), f32x4.mul(f32x4.mul(splat(2), xh), xl)), f32x4.mul(xl, xl));
  return hi;
}

/** |v| with the sign of s. */
// @ts-ignore: decorator
@inline function copySign(v: v128, s: v128): v128 {
  const sign = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(v, sign), v128.and(s, sign));
}

// @ts-ignore: decorator
@inline function erfV(x: v128): v128 {
  const a = f32x4.min(f32x4.abs(x), splat(10));
  const hi = square(a);
  const big = copySign(f32x4.sub(splat(1), erfcTail(a, hi, squareLo)), x);
  const small = f32x4.mul(x, erfSmallRatio(f32x4.mul(x, x)));
  // NaN: the comparison is false, and the tail's NaN keeps its sign bit's NaN.
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(x), splat(0.75)));
}

/** GELU x·Φ(x) = x·(1 + erf(x/√2))/2, as x·erfc(−x/√2)/2 on the negative side (no cancellation there). */
// @ts-ignore: decorator
@inline function geluV(x: v128): v128 {
  const z = f32x4.mul(f32x4.abs(x), splat(0.70710678118654752));
  const hi = square(f32x4.min(f32x4.abs(x), splat(14.25)));
  const ec = erfcTail(f32x4.min(z, splat(10)), f32x4.mul(hi, splat(0.5)), f32x4.mul(squareLo, splat(0.5)));
  const half = splat(0.5);
  const big = v128.bitselect(f32x4.sub(splat(1), f32x4.mul(half, ec)), f32x4.mul(half, ec), f32x4.gt(x, splat(0)));
  const small = f32x4.mul(half, f32x4.add(splat(1), copySign(f32x4.mul(z, erfSmallRatio(f32x4.mul(z, z))), x)));
  const y = f32x4.mul(x, v128.bitselect(small, big, f32x4.lt(z, splat(0.75))));
  // −inf·Φ(−inf) = −inf·0 is NaN, as in float64 (the clamped tail above would give a tiny Φ instead).
  return v128.bitselect(splat(NaN), y, f32x4.eq(x, splat(-Infinity)));
}

// @ts-ignore: decorator
@inline function specialV(op: i32, x: v128): v128 {
  return op == EXP ? expV(x) : op == ERF ? erfV(x) : geluV(x);
}

// @ts-ignore: decorator
@inline function specialLoop(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(o + at(i), specialV(op, v128.load(x + at(i))));
  // The last 1–3 elements: one vector with the rest of its lanes zero, stored lane by lane.
  if (i < n) {
    let v = f32x4.splat(0);
    v = f32x4.replace_lane(v, 0, load<f32>(x + at(i)));
    if (i + 1 < n) v = f32x4.replace_lane(v, 1, load<f32>(x + at(i + 1)));
    if (i + 2 < n) v = f32x4.replace_lane(v, 2, load<f32>(x + at(i + 2)));
    const r = specialV(op, v);
    store<f32>(o + at(i), f32x4.extract_lane(r, 0));
    if (i + 1 < n) store<f32>(o + at(i + 1), f32x4.extract_lane(r, 1));
    if (i + 2 < n) store<f32>(o + at(i + 2), f32x4.extract_lane(r, 2));
  }
}

/** o[i] = f(x[i]) for i < n: exp, erf or exact GELU by op (float32 approximations, see above). */
export function special(op: i32, x: usize, o: usize, n: i32): void {
  switch (op) {
    case EXP: specialLoop(EXP, x, o, n); break;
    case ERF: specialLoop(ERF, x, o, n); break;
    default: specialLoop(GELU, x, o, n);
  }
}

// ---- where: o[i] = c[i] ? a[i] : b[i], c a byte array (any nonzero byte is true) ----

/** a and/or b may be scalars (`sa`, `sb` splatted); four masks per sixteen condition bytes. */
// @ts-ignore: decorator
@inline function whereLoop(aScalar: bool, bScalar: bool, c: usize, a: usize, sa: f32, b: usize, sb: f32, o: usize, n: i32): void {
  const va = f32x4.splat(sa);
  const vb = f32x4.splat(sb);
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const cs = v128.load(c + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(cs);
    const hi = i16x8.extend_high_i8x16_u(cs);
    const p = at(i);
    v128.store(o + p, v128.bitselect(aScalar ? va : v128.load(a + p), bScalar ? vb : v128.load(b + p), i32x4.ne(i32x4.extend_low_i16x8_u(lo), zero)));
    v128.store(o + p, v128.bitselect(aScalar ? va : v128.load(a + p, 16), bScalar ? vb : v128.load(b + p, 16), i32x4.ne(i32x4.extend_high_i16x8_u(lo), zero)), 16);
    v128.store(o + p, v128.bitselect(aScalar ? va : v128.load(a + p, 32), bScalar ? vb : v128.load(b + p, 32), i32x4.ne(i32x4.extend_low_i16x8_u(hi), zero)), 32);
    v128.store(o + p, v128.bitselect(aScalar ? va : v128.load(a + p, 48), bScalar ? vb : v128.load(b + p, 48), i32x4.ne(i32x4.extend_high_i16x8_u(hi), zero)), 48);
  }
  for (; i < n; i++) {
    const x = aScalar ? sa : load<f32>(a + at(i));
    const y = bScalar ? sb : load<f32>(b + at(i));
    store<f32>(o + at(i), load<u8>(c + <usize>i) != 0 ? x : y);
  }
}

/** o[i] = c[i] ? a[i] : b[i] for i < n. */
export function where(c: usize, a: usize, b: usize, o: usize, n: i32): void {
  whereLoop(false, false, c, a, 0, b, 0, o, n);
}

/** o[i] = c[i] ? a[i] : s for i < n. */
export function whereScalarRight(c: usize, a: usize, s: f32, o: usize, n: i32): void {
  whereLoop(false, true, c, a, 0, 0, s, o, n);
}

/** o[i] = c[i] ? s : b[i] for i < n. */
export function whereScalarLeft(c: usize, s: f32, b: usize, o: usize, n: i32): void {
  whereLoop(true, false, c, 0, s, b, 0, o, n);
}

// ---- sums ----

/**
 * acc[j] += Σ_{r<rows} x[r·inner + j] for j < inner, acc float64: column sums of contiguous rows, added row by
 * row in order, exactly as the TypeScript loop does (so the same bits). Two f64x2 accumulators per four floats.
 */
export function sumColumns(x: usize, rows: i32, inner: i32, acc: usize): void {
  let j = 0;
  for (; j + 4 <= inner; j += 4) {
    const p = acc + (<usize>j << 3);
    let s0 = v128.load(p);
    let s1 = v128.load(p, 16);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(x + at(r * inner + j));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    v128.store(p, s0);
    v128.store(p, s1, 16);
  }
  for (; j < inner; j++) {
    const p = acc + (<usize>j << 3);
    let s = load<f64>(p);
    for (let r = 0; r < rows; r++) s += <f64>load<f32>(x + at(r * inner + j));
    store<f64>(p, s);
  }
}



/**
 * out[r] = Σ_{i<len} x[r·len + i] for r < rows, accumulated in float64 into the float64 array `out`: four
 * f64x2 accumulators take eight floats per step (each float32 widens to float64 exactly), then combine.
 */
export function sumRows(x: usize, rows: i32, len: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + at(r * len);
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let i = 0;
    for (; i + 8 <= len; i += 8) {
      const v = v128.load(row + at(i));
      const u = v128.load(row + at(i), 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(u));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(u, u, 2, 3, 0, 1)));
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < len; i++) t += <f64>load<f32>(row + at(i));
    store<f64>(out + (<usize>r << 3), t);
  }
}

// ---- per-row normalisation kernels (rows of an [A, C, B] view, one row per (a, c)) ----

/**
 * o[r·inner + j] = x[r·inner + j]·s_r + t_r for r < rows, j < inner, with (s_r, t_r) = (st[2r], st[2r + 1]):
 * ScaleShift's rows. The product rounds to float32 before the add, as the TypeScript loop does.
 */
export function scaleShiftRows(x: usize, st: usize, o: usize, rows: i32, inner: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = load<f32>(st + at(2 * r));
    const t = load<f32>(st + at(2 * r + 1));
    const vs = f32x4.splat(s);
    const vt = f32x4.splat(t);
    const row = x + at(r * inner);
    const out = o + at(r * inner);
    let j = 0;
    for (; j + 4 <= inner; j += 4) v128.store(out + at(j), f32x4.add(f32x4.mul(v128.load(row + at(j)), vs), vt));
    for (; j < inner; j++) store<f32>(out + at(j), load<f32>(row + at(j)) * s + t);
  }
}

/**
 * out[r] = Σ_{i<len} (x[r·len + i] − m[r])² for r < rows, with float64 means m and float64 sums (out): the
 * second pass of Moments, around each row's channel mean.
 */
export function sumSquaredDeviations(x: usize, means: usize, rows: i32, len: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + at(r * len);
    const m = load<f64>(means + (<usize>r << 3));
    const vm = f64x2.splat(m);
    let s0 = f64x2.splat(0), s1 = s0;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const v = v128.load(row + at(i));
      const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), vm);
      const d1 = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), vm);
      s0 = f64x2.add(s0, f64x2.mul(d0, d0));
      s1 = f64x2.add(s1, f64x2.mul(d1, d1));
    }
    const s = f64x2.add(s0, s1);
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < len; i++) {
      const d = <f64>load<f32>(row + at(i)) - m;
      t += d * d;
    }
    store<f64>(out + (<usize>r << 3), t);
  }
}

/** out[r] = Σ_{i<len} a[r·len + i]·b[r·len + i] for r < rows, in float64 (each product exact): SumProduct's rows. */
export function dotRows(a: usize, b: usize, rows: i32, len: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const ra = a + at(r * len);
    const rb = b + at(r * len);
    let s0 = f64x2.splat(0), s1 = s0;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const va = v128.load(ra + at(i));
      const vb = v128.load(rb + at(i));
      s0 = f64x2.add(s0, f64x2.mul(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb)));
      s1 = f64x2.add(s1, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(va, va, 2, 3, 0, 1)), f64x2.promote_low_f32x4(i32x4.shuffle(vb, vb, 2, 3, 0, 1))));
    }
    const s = f64x2.add(s0, s1);
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < len; i++) t += <f64>load<f32>(ra + at(i)) * <f64>load<f32>(rb + at(i));
    store<f64>(out + (<usize>r << 3), t);
  }
}

// ---- float16 conversions (the CPU backend's float16 storage; same bits as src/float16.ts) ----

/** The float32 bits of the half with bits `h`, exactly. */
// @ts-ignore: decorator
@inline function floatBits(h: u32): u32 {
  const sign = (h & 0x8000) << 16;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e == 0) return sign | reinterpret<u32>(<f32>m * 5.9604644775390625e-8);
  if (e == 31) return sign | 0x7f800000 | (m << 13);
  return sign | ((e + 112) << 23) | (m << 13);
}

/** `floatBits` of four halves (one per i32 lane) at once, branch-free. */
// @ts-ignore: decorator
@inline function floatBits4(h: v128): v128 {
  const e = v128.and(h, i32x4.splat(0x7c00));
  const m = v128.and(h, i32x4.splat(0x3ff));
  const normal = i32x4.add(i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13), i32x4.splat(0x38000000));
  const tiny = f32x4.mul(f32x4.convert_i32x4_u(m), f32x4.splat(5.9604644775390625e-8));
  const special = v128.or(i32x4.shl(m, 13), i32x4.splat(0x7f800000));
  let f = v128.bitselect(tiny, normal, i32x4.eq(e, i32x4.splat(0)));
  f = v128.bitselect(special, f, i32x4.eq(e, i32x4.splat(0x7c00)));
  return v128.or(f, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

/** o[i] (float32) = the IEEE half with bits x[i] (u16), exactly: eight at a time, then one at a time. */
export function halfToFloat(x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const h = v128.load(x + (<usize>i << 1));
    v128.store(o + at(i), floatBits4(i32x4.extend_low_i16x8_u(h)));
    v128.store(o + at(i + 4), floatBits4(i32x4.extend_high_i16x8_u(h)));
  }
  for (; i < n; i++) store<u32>(o + at(i), floatBits(<u32>load<u16>(x + (<usize>i << 1))));
}

/** The bits of the half nearest to the float32 with bits `b`: ties to even, ±inf beyond the range, NaN kept. */
// @ts-ignore: decorator
@inline function halfBits(b: u32): u32 {
  const sign = (b >> 16) & 0x8000;
  const exp = <i32>((b >> 23) & 0xff);
  const mant = b & 0x7fffff;
  if (exp == 0xff) return sign | 0x7c00 | (mant != 0 ? 0x200 : 0);
  const e = exp - 112;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = <u32>(14 - e);
    const m = full >> shift;
    const rem = full & ((<u32>1 << shift) - 1);
    const half = <u32>1 << (shift - 1);
    return sign | (rem > half || (rem == half && (m & 1) != 0) ? m + 1 : m);
  }
  const h = sign | (<u32>e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  return rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0) ? h + 1 : h;
}

/**
 * `halfBits` of four floats at once, branch-free: a normal half by integer rounding of the exponent-rebased bits
 * (adding 0xfff plus the kept lowest bit rounds to nearest, ties to even; a carry walks into the exponent and,
 * past 65504, into infinity); a subnormal one by a float addition of 0.5, whose rounding is the half's (its unit
 * in the last place is 2⁻²⁴); then ±inf past 65519.99…, NaN, and the sign.
 */
// @ts-ignore: decorator
@inline function halfBits4(b: v128): v128 {
  const abs = v128.and(b, i32x4.splat(0x7fffffff));
  const odd = v128.and(i32x4.shr_u(abs, 13), i32x4.splat(1));
  const normal = i32x4.shr_u(i32x4.sub(i32x4.add(abs, i32x4.add(odd, i32x4.splat(0xfff))), i32x4.splat(0x38000000)), 13);
  const tiny = i32x4.sub(f32x4.add(abs, f32x4.splat(0.5)), i32x4.splat(0x3f000000));
  let h = v128.bitselect(tiny, normal, i32x4.lt_s(abs, i32x4.splat(0x38800000)));
  h = v128.bitselect(i32x4.splat(0x7c00), h, i32x4.gt_s(abs, i32x4.splat(0x477fffff)));
  h = v128.bitselect(i32x4.splat(0x7e00), h, i32x4.gt_s(abs, i32x4.splat(0x7f800000)));
  return v128.or(h, v128.and(i32x4.shr_u(b, 16), i32x4.splat(0x8000)));
}

/** o[i] (u16) = the bits of the half nearest to x[i] (float32): eight at a time, then one at a time. */
export function floatToHalf(x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const lo = halfBits4(v128.load(x + at(i)));
    const hi = halfBits4(v128.load(x + at(i + 4)));
    v128.store(o + (<usize>i << 1), i16x8.narrow_i32x4_u(lo, hi));
  }
  for (; i < n; i++) store<u16>(o + (<usize>i << 1), <u16>halfBits(load<u32>(x + at(i))));
}
