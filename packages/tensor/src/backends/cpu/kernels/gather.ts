import { registerKernel } from '../../../kernel-registry.js';
import type { GatherAttrs } from '../../../kernels.js';
import { stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { atLeast1d, rowOffsets } from './strided.js';

/**
 * Gather (torch.gather): out has index's shape and out[p] = x[p with p[dim] replaced by index[p]]. Index values
 * are checked here (the CPU backend can afford it): one outside [0, x.shape[dim]) throws, naming it.
 */
registerKernel<CpuBackend>('cpu', 'Gather', ({ inputs: [x, index], attrs, backend }) => {
  const { dim } = attrs as GatherAttrs;
  const xShape = atLeast1d(x!.shape);
  const iShape = atLeast1d(index!.shape);
  const src = backend.values(x!);
  const idx = backend.values(index!) as Int32Array;
  const out = backend.alloc(x!.dtype, idx.length);
  const r = xShape.length;
  const xStrides = stridesOf(xShape);
  const dimSize = xShape[dim]!;
  const dimStride = xStrides[dim]!;
  // Offsets into x of each index row with the gathered dim's contribution left out.
  const skip = xStrides.map((s, d) => (d === dim ? 0 : s));
  const inner = iShape[r - 1]!;
  const innerStride = skip[r - 1]!;
  const starts = rowOffsets(iShape.slice(0, r - 1), skip.slice(0, r - 1));
  let t = 0;
  for (const start of starts) {
    for (let j = 0; j < inner; j++, t++) {
      const v = idx[t]!;
      if (v < 0 || v >= dimSize) throw new Error(`gather: index ${v} is out of bounds for dim ${dim} with size ${dimSize}`);
      out[t] = src[start + j * innerStride + v * dimStride]!;
    }
  }
  return backend.make(out, index!.shape, x!.dtype);
});
