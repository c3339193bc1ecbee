import { registerKernel } from '../../../../kernel-registry.js';
import type { MaxPoolIndicesAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmMaxPoolIndices } from '../../wasm/windows-wasm.js';
import { endInside, firstInside, windowGeometry } from './windows.js';

/**
 * MaxPoolIndices (see kernels.ts): x [N, C, H, W] → int32 [N, C, oh, ow], the flat in-plane index of each
 * window's maximum. The scan is PyTorch's (MaxPoolKernel.cpp): it starts at the window's first in-image position
 * with −∞ and takes a value when it is larger or NaN, so ties keep the first and NaN propagates. A window with
 * no position inside the image gets −1. Float32 input runs the same scan in WebAssembly (../../wasm/windows-wasm.ts),
 * where its comparisons are conditional moves instead of mispredicted branches; this loop is the reference and
 * the fallback.
 */
registerKernel<CpuBackend>('cpu', 'MaxPoolIndices', ({ inputs: [x], attrs, backend }) => {
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow } = windowGeometry(x!.shape, attrs as MaxPoolIndicesAttrs);
  const src = backend.values(x!);
  const out = backend.alloc('int32', n * c * oh * ow) as Int32Array;
  const plane = h * w;
  // Each window's in-image taps [k0, k1) and first coordinate, per grid column and row, computed once.
  const span = (count: number, s: number, p: number, d: number, size: number, k: number) => {
    const t = new Int32Array(3 * count);
    for (let o = 0; o < count; o++) {
      const off = o * s - p;
      t[3 * o] = Math.min(k, firstInside(off, d));
      t[3 * o + 1] = endInside(off, d, size, k);
      t[3 * o + 2] = off;
    }
    return t;
  };
  const xs = span(ow, sw, pl, dw, w, kw);
  const ys = span(oh, sh, pt, dh, h, kh);
  const twoByTwo = kh === 2 && kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && pt === 0 && pl === 0 && 2 * oh <= h && 2 * ow <= w;
  if (x!.dtype === 'float32' && wasmMaxPoolIndices(src as Float32Array, n * c, plane, w, oh, ow, dh, dw, ys, xs, out, twoByTwo))
    return backend.make(out, [n, c, oh, ow], 'int32');
  let o = 0;
  for (let base = 0; base < n * c * plane; base += plane)
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = ys[3 * oy]!, ky1 = ys[3 * oy + 1]!, y0 = ys[3 * oy + 2]!;
      for (let ox = 0; ox < ow; ox++, o++) {
        const kx0 = xs[3 * ox]!, kx1 = xs[3 * ox + 1]!, x0 = xs[3 * ox + 2]!;
        if (ky0 >= ky1 || kx0 >= kx1) {
          out[o] = -1;
          continue;
        }
        let best = -Infinity;
        let at = (y0 + ky0 * dh) * w + x0 + kx0 * dw;
        for (let ky = ky0; ky < ky1; ky++) {
          const row = (y0 + ky * dh) * w + x0;
          for (let kx = kx0; kx < kx1; kx++) {
            const i = row + kx * dw;
            const v = src[base + i]!;
            if (v > best || v !== v) {
              best = v;
              at = i;
            }
          }
        }
        out[o] = at;
      }
    }
  return backend.make(out, [n, c, oh, ow], 'int32');
});
