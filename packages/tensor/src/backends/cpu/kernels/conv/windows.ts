/** Window-grid arithmetic shared by the CPU's Im2Col, Col2Im and MaxPoolIndices kernels. */
import type { WindowAttrs } from '../../../../kernels.js';

/**
 * The grid positions o in [lo, hi) (within [0, count)) whose coordinate o·stride + offset lies inside [0, size):
 * the windows for which one kernel tap reads the image rather than the padding.
 */
export function validRange(offset: number, stride: number, size: number, count: number): [number, number] {
  const lo = Math.min(count, offset >= 0 ? 0 : Math.ceil(-offset / stride));
  const hi = Math.min(count, Math.floor((size - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
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
 * Calls `row(rowOffset, srcStart, dstStart, lo, hi)` for every run of one kernel tap across one grid row, the
 * walk Im2Col and Col2Im share: column row (ch, ky, kx), image (n, ch), grid row oy. Grid positions ox in
 * [lo, hi) read the image at srcStart + ox·sw and are column element dstStart + ox; the others are padding.
 */
export function forEachTapRun(
  shape: readonly number[], a: WindowAttrs, run: (src: number, dst: number, lo: number, hi: number) => void,
): void {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow } = windowGeometry(shape, a);
  const grid = oh * ow;
  const cols = n * grid;
  for (let ch = 0; ch < c; ch++)
    for (let ky = 0; ky < kh; ky++) {
      const offY = ky * dh - pt;
      const [oy0, oy1] = validRange(offY, sh, h, oh);
      for (let kx = 0; kx < kw; kx++) {
        const offX = kx * dw - pl;
        const [ox0, ox1] = validRange(offX, sw, w, ow);
        if (ox0 === ox1) continue;
        const rowStart = ((ch * kh + ky) * kw + kx) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ch) * h * w;
          for (let oy = oy0; oy < oy1; oy++) run(plane + (oy * sh + offY) * w + offX, rowStart + b * grid + oy * ow, ox0, ox1);
        }
      }
    }
}
