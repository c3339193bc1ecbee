import { registerKernel } from '../../../../kernel-registry.js';
import type { Im2ColAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { walkRuns, windowGeometry } from './windows.js';

/**
 * Im2Col (see kernels.ts): x [N, C, H, W] → columns [C·kh·kw, N·oh·ow]. Walks the columns row by row, so both
 * the reads (one image row per run) and the writes are sequential; padding stays at the zero the output
 * starts with.
 */
registerKernel<CpuBackend>('cpu', 'Im2Col', ({ inputs: [x], attrs, backend }) => {
  const a = attrs as Im2ColAttrs;
  const { n, c, kh, kw, oh, ow } = windowGeometry(x!.shape, a);
  const out = backend.alloc(x!.dtype, c * kh * kw * n * oh * ow);
  walkRuns(x!.shape, a, backend.values(x!), out, false);
  return backend.make(out, [c * kh * kw, n * oh * ow], x!.dtype);
});
