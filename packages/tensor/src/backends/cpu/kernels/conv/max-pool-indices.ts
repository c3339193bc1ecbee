import { registerKernel } from '../../../../kernel-registry.js';
import type { MaxPoolIndicesAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { validRange, windowGeometry } from './windows.js';

/**
 * MaxPoolIndices (see kernels.ts): x [N, C, H, W] → int32 [N, C, oh, ow], the flat in-plane index of each
 * window's maximum. The scan is PyTorch's (MaxPoolKernel.cpp): it starts at the window's first in-image position
 * with −∞ and takes a value when it is larger or NaN, so ties keep the first and NaN propagates. A window with
 * no position inside the image gets −1.
 */
registerKernel<CpuBackend>('cpu', 'MaxPoolIndices', ({ inputs: [x], attrs, backend }) => {
  const a = attrs as MaxPoolIndicesAttrs;
  const { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow } = windowGeometry(x!.shape, a);
  const src = backend.values(x!);
  const out = new Int32Array(n * c * oh * ow);
  const plane = h * w;
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    const base = p * plane;
    for (let oy = 0; oy < oh; oy++) {
      // Taps ky in [ky0, ky1) land inside the image: validRange over the taps of this window.
      const [ky0, ky1] = validRange(oy * sh - pt, dh, h, kh);
      for (let ox = 0; ox < ow; ox++, o++) {
        const [kx0, kx1] = validRange(ox * sw - pl, dw, w, kw);
        if (ky0 === ky1 || kx0 === kx1) {
          out[o] = -1;
          continue;
        }
        let best = -Infinity;
        let at = (oy * sh - pt + ky0 * dh) * w + ox * sw - pl + kx0 * dw;
        for (let ky = ky0; ky < ky1; ky++) {
          const row = (oy * sh - pt + ky * dh) * w + ox * sw - pl;
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
  }
  return backend.make(out, [n, c, oh, ow], 'int32');
});
