import { registerKernel } from '../../../kernel-registry.js';
import type { ExpandAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { broadcastRows } from './broadcast.js';

/**
 * Expand: broadcast x to `shape` (trailing alignment, size-1 dims repeated), materialised. Uses the shared
 * broadcast row walk: each output row is either a copy of an input row or one input value repeated.
 */
registerKernel<CpuBackend>('cpu', 'Expand', ({ inputs: [x], attrs, backend }) => {
  const { shape } = attrs as ExpandAttrs;
  const src = backend.values(x!);
  const out = backend.alloc(x!.dtype, sizeOf(shape));
  const { inner, rows, steps, offsets } = broadcastRows(shape, [x!.shape]);
  const starts = offsets[0]!;
  for (let r = 0; r < rows; r++) {
    const s = starts[r]!;
    if (steps[0] === 0) out.fill(src[s]!, r * inner, (r + 1) * inner);
    else out.set(src.subarray(s, s + inner), r * inner);
  }
  return backend.make(out, shape, x!.dtype);
});
