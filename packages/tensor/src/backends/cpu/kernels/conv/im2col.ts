import { makeArray } from '../../../../dtype.js';
import { registerKernel } from '../../../../kernel-registry.js';
import type { Im2ColAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { forEachTapRun, windowGeometry } from './windows.js';

/**
 * Im2Col (see kernels.ts): x [N, C, H, W] → columns [C·kh·kw, N·oh·ow]. Walks the columns row by row, so both
 * the reads (one image row per run) and the writes are sequential; padding stays at the zero the output
 * starts with.
 */
registerKernel<CpuBackend>('cpu', 'Im2Col', ({ inputs: [x], attrs, backend }) => {
  const a = attrs as Im2ColAttrs;
  const { n, c, kh, kw, sw, oh, ow } = windowGeometry(x!.shape, a);
  const src = backend.values(x!);
  const out = makeArray(x!.dtype, c * kh * kw * n * oh * ow);
  forEachTapRun(x!.shape, a, (s, d, lo, hi) => {
    if (sw === 1) for (let o = lo; o < hi; o++) out[d + o] = src[s + o]!;
    else for (let o = lo; o < hi; o++) out[d + o] = src[s + o * sw]!;
  });
  return backend.make(out, [c * kh * kw, n * oh * ow], x!.dtype);
});
