import { makeArray } from '../../../../dtype.js';
import { registerKernel } from '../../../../kernel-registry.js';
import type { Col2ImAttrs } from '../../../../kernels.js';
import { sizeOf } from '../../../../shape.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { forEachTapRun } from './windows.js';

/**
 * Col2Im (see kernels.ts): columns [C·kh·kw, N·oh·ow] → image `shape`, Im2Col's walk with the copy reversed
 * into an accumulation. Overlapping windows add up in column-row order, the same order on every run.
 */
registerKernel<CpuBackend>('cpu', 'Col2Im', ({ inputs: [cols], attrs, backend }) => {
  const a = attrs as Col2ImAttrs;
  const src = backend.values(cols!);
  const out = makeArray(cols!.dtype, sizeOf(a.shape));
  const sw = a.stride[1];
  forEachTapRun(a.shape, a, (s, d, lo, hi) => {
    if (sw === 1) for (let o = lo; o < hi; o++) out[s + o]! += src[d + o]!;
    else for (let o = lo; o < hi; o++) out[s + o * sw]! += src[d + o]!;
  });
  return backend.make(out, a.shape, cols!.dtype);
});
