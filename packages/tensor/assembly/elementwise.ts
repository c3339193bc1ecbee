/**
 * Float32 elementwise arithmetic and row sums in WebAssembly SIMD (AssemblyScript), for the CPU backend's
 * hottest memory-bound kernels. The caller (src/backends/cpu/wasm/elementwise-wasm.ts) copies operands into
 * linear memory a block at a time (so they stay in cache between the copy, the loop and the copy out) and
 * grows the memory; this module allocates nothing (runtime stub). Pointers are byte addresses.
 *
 * Results match the TypeScript loops bit for bit for + − × ÷: a float32 operation rounds once, and JavaScript's
 * float64 operation rounded to float32 on store gives the same value (53 ≥ 2·24 + 2 bits). Sums accumulate in
 * float64 like the TypeScript Sum kernel, but in another order, so they may differ in the last float32 bit.
 */

/** First free byte after this module's static data: the caller's layout starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Byte offset of float32 element `i`. */
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}

/** o[i] = a[i] + b[i] for i < n. */
export function add(a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, f32x4.add(v128.load(a + p), v128.load(b + p)));
    v128.store(o + p, f32x4.add(v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), load<f32>(a + at(i)) + load<f32>(b + at(i)));
}

/** o[i] = a[i] − b[i] for i < n. */
export function sub(a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, f32x4.sub(v128.load(a + p), v128.load(b + p)));
    v128.store(o + p, f32x4.sub(v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), load<f32>(a + at(i)) - load<f32>(b + at(i)));
}

/** o[i] = a[i] · b[i] for i < n. */
export function mul(a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, f32x4.mul(v128.load(a + p), v128.load(b + p)));
    v128.store(o + p, f32x4.mul(v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), load<f32>(a + at(i)) * load<f32>(b + at(i)));
}

/** o[i] = a[i] / b[i] for i < n. */
export function div(a: usize, b: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(i);
    v128.store(o + p, f32x4.div(v128.load(a + p), v128.load(b + p)));
    v128.store(o + p, f32x4.div(v128.load(a + p, 16), v128.load(b + p, 16)), 16);
  }
  for (; i < n; i++) store<f32>(o + at(i), load<f32>(a + at(i)) / load<f32>(b + at(i)));
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
