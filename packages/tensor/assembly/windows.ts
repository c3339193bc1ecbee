/**
 * Window kernels in WebAssembly (AssemblyScript) for the CPU backend: the max-pooling argmax scan, whose
 * data-dependent comparisons mispredict as branches in JavaScript. Here the scan picks indices with integer
 * `select`s (conditional moves) and reloads the best value from the index, and 2×2 windows run four at a time
 * in SIMD lanes. The caller (src/backends/cpu/wasm/windows-wasm.ts) copies a block of image planes and the tap tables
 * into linear memory, calls, and copies the indices out; this module allocates nothing. Pointers are byte
 * addresses.
 */

/** First free byte after this module's static data: the caller's layout starts here. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/**
 * For `planes` contiguous planes of `plane` floats (rows of width `w`) at x, the MaxPoolIndices scan of every
 * window of the oh × ow grid into out (int32): per grid row oy, `ys` holds [first in-image tap, end tap,
 * first coordinate] (three int32), per grid column `xs` the same. The scan is PyTorch's: start at the first
 * in-image tap with −∞, take a value that is larger or NaN; −1 for a window with no tap in the image.
 */
export function maxPoolIndices(x: usize, planes: i32, plane: i32, w: i32, oh: i32, ow: i32, dh: i32, dw: i32, ys: usize, xs: usize, out: usize): void {
  let o = out;
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * plane) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = i32At(ys, 3 * oy), ky1 = i32At(ys, 3 * oy + 1), y0 = i32At(ys, 3 * oy + 2);
      for (let ox = 0; ox < ow; ox++, o += 4) {
        const kx0 = i32At(xs, 3 * ox), kx1 = i32At(xs, 3 * ox + 1), x0 = i32At(xs, 3 * ox + 2);
        if (ky0 >= ky1 || kx0 >= kx1) {
          store<i32>(o, -1);
          continue;
        }
        let best = -Infinity as f32;
        let at = (y0 + ky0 * dh) * w + x0 + kx0 * dw;
        for (let ky = ky0; ky < ky1; ky++) {
          const row = (y0 + ky * dh) * w + x0;
          for (let kx = kx0; kx < kx1; kx++) {
            const i = row + kx * dw;
            const v = load<f32>(base + (<usize>i << 2));
            const take = <bool>(<i32>(v > best) | <i32>(v != v));
            // Only the index is selected (V8 turns an i32 select into a conditional move, an f32 one into a
            // branch); the best value is reloaded from it.
            at = select<i32>(i, at, take);
            best = load<f32>(base + (<usize>at << 2));
          }
        }
        store<i32>(o, at);
      }
    }
  }
}

/**
 * maxPoolIndices for 2×2 windows with stride 2 that all lie inside the image (no padding, oh ≤ h/2, ow ≤ w/2),
 * the common pooling layer: four windows at a time in SIMD lanes (even and odd columns of two rows, split by
 * shuffles), the same scan as conditional lane selects, then the leftover windows one by one.
 */
export function maxPool2x2Indices(x: usize, planes: i32, plane: i32, w: i32, oh: i32, ow: i32, out: usize): void {
  let o = out;
  const step = i32x4(0, 2, 4, 6);
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * plane) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const top = 2 * oy * w;
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4, o += 16) {
        const r0 = base + (<usize>(top + 2 * ox) << 2);
        const r1 = r0 + (<usize>w << 2);
        const p0 = v128.load(r0), q0 = v128.load(r0, 16), p1 = v128.load(r1), q1 = v128.load(r1, 16);
        const a = i32x4.shuffle(p0, q0, 0, 2, 4, 6), b = i32x4.shuffle(p0, q0, 1, 3, 5, 7);
        const c = i32x4.shuffle(p1, q1, 0, 2, 4, 6), d = i32x4.shuffle(p1, q1, 1, 3, 5, 7);
        const ia = i32x4.add(i32x4.splat(top + 2 * ox), step);
        let best = a, at = ia;
        let m = v128.or(f32x4.gt(b, best), f32x4.ne(b, b));
        best = v128.bitselect(b, best, m);
        at = v128.bitselect(i32x4.add(ia, i32x4.splat(1)), at, m);
        m = v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
        best = v128.bitselect(c, best, m);
        at = v128.bitselect(i32x4.add(ia, i32x4.splat(w)), at, m);
        m = v128.or(f32x4.gt(d, best), f32x4.ne(d, d));
        at = v128.bitselect(i32x4.add(ia, i32x4.splat(w + 1)), at, m);
        v128.store(o, at);
      }
      for (; ox < ow; ox++, o += 4) {
        let at = top + 2 * ox;
        let best = load<f32>(base + (<usize>at << 2));
        for (let t = 1; t < 4; t++) {
          const i = top + 2 * ox + (t & 1) + (t >> 1) * w;
          const v = load<f32>(base + (<usize>i << 2));
          at = select<i32>(i, at, <bool>(<i32>(v > best) | <i32>(v != v)));
          best = load<f32>(base + (<usize>at << 2));
        }
        store<i32>(o, at);
      }
    }
  }
}

/** First grid position o (at most count) whose coordinate o·stride + offset is ≥ 0 (windows.ts' firstInside). */
// @ts-ignore: decorator
@inline function firstInside(offset: i32, stride: i32, count: i32): i32 {
  return min(count, offset >= 0 ? 0 : (stride - 1 - offset) / stride);
}

/** One past the last grid position o < count whose coordinate o·stride + offset is < size, at least 0. */
// @ts-ignore: decorator
@inline function endInside(offset: i32, stride: i32, size: i32, count: i32): i32 {
  return offset > size - 1 ? 0 : min(count, (size - 1 - offset) / stride + 1);
}

/**
 * Col2Im for one channel: the kh·kw column rows of that channel at cols (each n·oh·ow floats: image, grid row,
 * grid column) added into its n image planes at out (each h·w floats, zeroed first), in the order of the
 * TypeScript kernel (tap by tap), so the sums are the same bits. Grid positions whose tap falls in the padding
 * are skipped.
 */
export function col2imChannel(
  cols: usize, n: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, oh: i32, ow: i32, out: usize,
): void {
  memory.fill(out, 0, <usize>(n * h * w) << 2);
  const grid = oh * ow;
  for (let ky = 0; ky < kh; ky++) {
    const offY = ky * dh - pt;
    const oy0 = firstInside(offY, sh, oh);
    const oy1 = max(oy0, endInside(offY, sh, h, oh));
    for (let kx = 0; kx < kw; kx++) {
      const offX = kx * dw - pl;
      const lo = firstInside(offX, sw, ow);
      const hi = max(lo, endInside(offX, sw, w, ow));
      if (lo >= hi || oy0 >= oy1) continue;
      const row = cols + (<usize>((ky * kw + kx) * n * grid) << 2);
      for (let b = 0; b < n; b++)
        for (let oy = oy0; oy < oy1; oy++) {
          const src = row + (<usize>(b * grid + oy * ow) << 2);
          const dst = out + (<usize>(b * h * w + (oy * sh + offY) * w + offX) << 2);
          for (let o = lo; o < hi; o++) {
            const d = dst + (<usize>(o * sw) << 2);
            store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>o << 2)));
          }
        }
    }
  }
}
