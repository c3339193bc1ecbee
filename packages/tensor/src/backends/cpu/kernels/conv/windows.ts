/** Window-grid arithmetic shared by the CPU's Im2Col, Col2Im and MaxPoolIndices kernels. */
import type { TypedArray } from '../../../../dtype.js';
import type { WindowAttrs } from '../../../../kernels.js';

/** First grid position o ≥ 0 whose coordinate o·stride + offset is ≥ 0 (may be ≥ the grid's length). */
export function firstInside(offset: number, stride: number): number {
  return offset >= 0 ? 0 : Math.ceil(-offset / stride);
}

/** One past the last grid position o < count whose coordinate o·stride + offset is < size (≥ 0; may be < firstInside). */
export function endInside(offset: number, stride: number, size: number, count: number): number {
  return Math.max(0, Math.min(count, Math.floor((size - 1 - offset) / stride) + 1));
}

/** The attrs unpacked into plain numbers, with the image dims of x [N, C, H, W]. */
export function windowGeometry(shape: readonly number[], a: WindowAttrs) {
  const [n, c, h, w] = shape as [number, number, number, number];
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pl] = a.pad;
  const [oh, ow] = a.outSize;
  return { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow };
}

/**
 * The walk Im2Col and Col2Im share, one run per (column row (ch, ky, kx), image n, grid row oy): grid positions
 * ox in [lo, hi) read the image at `src + ox·sw` and are column element `dst + ox`; the others are padding.
 * `scatter` false copies each run image → columns (Im2Col), true adds it columns → image (Col2Im). The two
 * inner loops sit in this one nest (a branch per run) rather than behind a callback, which V8 would not inline
 * at a call site shared by both kernels.
 */
export function walkRuns(shape: readonly number[], a: WindowAttrs, images: TypedArray, columns: TypedArray, scatter: boolean): void {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow } = windowGeometry(shape, a);
  const grid = oh * ow;
  const cols = n * grid;
  for (let ch = 0; ch < c; ch++)
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - pt;
      const oy0 = Math.min(oh, firstInside(offY, sh));
      const oy1 = Math.max(oy0, endInside(offY, sh, h, oh));
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - pl;
        const lo = Math.min(ow, firstInside(offX, sw));
        const hi = endInside(offX, sw, w, ow);
        if (lo >= hi) continue;
        const rowStart = ((ch * kh + ky) * kw + kx) * cols;
        // Unit stride with rows as wide as the image ('same' convolutions): the runs of all grid rows sit back to
        // back in both arrays, so Im2Col copies them as one block and re-zeroes the padding columns it overwrote
        // (a run per grid row costs more than its few elements).
        const block = !scatter && sw === 1 && sh === 1 && ow === w && oy1 > oy0;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ch) * h * w + offX;
          const dstBase = rowStart + b * grid;
          if (block) {
            const src = plane + (oy0 + offY) * w;
            columns.set(images.subarray(src + lo, src + (oy1 - oy0) * w - (w - hi)), dstBase + oy0 * ow + lo);
            for (let oy = oy0; oy < oy1; oy++) {
              for (let o = 0; o < lo; o++) columns[dstBase + oy * ow + o] = 0;
              for (let o = hi; o < ow; o++) columns[dstBase + oy * ow + o] = 0;
            }
            continue;
          }
          for (let oy = oy0; oy < oy1; oy++) {
            const src = plane + (oy * sh + offY) * w;
            const dst = dstBase + oy * ow;
            if (scatter) for (let o = lo; o < hi; o++) images[src + o * sw]! += columns[dst + o]!;
            else if (sw === 1) for (let o = lo; o < hi; o++) columns[dst + o] = images[src + o]!;
            else for (let o = lo; o < hi; o++) columns[dst + o] = images[src + o * sw]!;
          }
        }
      }
    }
}
