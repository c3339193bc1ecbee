import { makeArray } from '../../../../dtype.js';
import { registerKernel } from '../../../../kernel-registry.js';
import type { Col2ImAttrs } from '../../../../kernels.js';
import { sizeOf } from '../../../../shape.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { walkRuns } from './windows.js';

/**
 * Col2Im (see kernels.ts): columns [C·kh·kw, N·oh·ow] → image `shape`, Im2Col's walk with the copy reversed
 * into an accumulation. Overlapping windows add up in column-row order, the same order on every run.
 */
registerKernel<CpuBackend>('cpu', 'Col2Im', ({ inputs: [cols], attrs, backend }) => {
  const a = attrs as Col2ImAttrs;
  const out = makeArray(cols!.dtype, sizeOf(a.shape));
  walkRuns(a.shape, a, out, backend.values(cols!), true);
  return backend.make(out, a.shape, cols!.dtype);
});
