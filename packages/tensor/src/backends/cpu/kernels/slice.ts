import { registerKernel } from '../../../kernel-registry.js';
import type { SliceAttrs } from '../../../kernels.js';
import { sizeOf, stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { rowOffsets } from './strided.js';

/**
 * Slice: out[i] = x[begin + i] for every dim (a contiguous box of shape `size`). Trailing dims taken whole are
 * merged into the copied run, so each run is as long as possible and copied with one `set`.
 */
registerKernel<CpuBackend>('cpu', 'Slice', ({ inputs: [x], attrs, backend }) => {
  const { begin, size } = attrs as SliceAttrs;
  const shape = x!.shape;
  const src = backend.values(x!);
  const out = backend.alloc(x!.dtype, sizeOf(size));
  if (out.length > 0) {
    const strides = stridesOf(shape);
    // d: the innermost dim that is cut (or dim 0); the dims after it are whole, so a run is size[d] of their blocks.
    let d = shape.length - 1;
    while (d > 0 && begin[d] === 0 && size[d] === shape[d]) d--;
    const run = d >= 0 ? size[d]! * strides[d]! : 1;
    let base = 0;
    for (let i = 0; i < shape.length; i++) base += begin[i]! * strides[i]!;
    const outer = Math.max(d, 0);
    const starts = rowOffsets(size.slice(0, outer), strides.slice(0, outer), base);
    for (let r = 0; r < starts.length; r++) out.set(src.subarray(starts[r]!, starts[r]! + run), r * run);
  }
  return backend.make(out, size, x!.dtype);
});
