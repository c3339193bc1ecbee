import { registerKernel } from '../../../kernel-registry.js';
import type { ScatterAddAttrs } from '../../../kernels.js';
import { stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { atLeast1d, rowOffsets } from './strided.js';

/**
 * ScatterAdd (torch.scatter_add, out of place): out = copy of x, then for every position p of index,
 * out[p with p[dim] replaced by index[p]] += src[p]. Duplicate indices accumulate, in index order. Index values
 * outside [0, x.shape[dim]) throw, naming the value.
 */
registerKernel<CpuBackend>('cpu', 'ScatterAdd', ({ inputs: [x, index, src], attrs, backend }) => {
  const { dim } = attrs as ScatterAddAttrs;
  const xShape = atLeast1d(x!.shape);
  const iShape = atLeast1d(index!.shape);
  const sShape = atLeast1d(src!.shape);
  const out = backend.values(x!).slice();
  const idx = backend.values(index!) as Int32Array;
  const sv = backend.values(src!);
  const r = xShape.length;
  const xStrides = stridesOf(xShape);
  const sStrides = stridesOf(sShape);
  const dimSize = xShape[dim]!;
  const dimStride = xStrides[dim]!;
  const skip = xStrides.map((s, d) => (d === dim ? 0 : s));
  const inner = iShape[r - 1]!;
  const outInner = skip[r - 1]!;
  const srcInner = sStrides[r - 1]!;
  const outer = iShape.slice(0, r - 1);
  // index may be smaller than src and x, so each needs its own row offsets for the same index rows.
  const outStarts = rowOffsets(outer, skip.slice(0, r - 1));
  const srcStarts = rowOffsets(outer, sStrides.slice(0, r - 1));
  let t = 0;
  for (let row = 0; row < outStarts.length; row++) {
    const o = outStarts[row]!;
    const s = srcStarts[row]!;
    for (let j = 0; j < inner; j++, t++) {
      const v = idx[t]!;
      if (v < 0 || v >= dimSize) throw new Error(`scatterAdd: index ${v} is out of bounds for dim ${dim} with size ${dimSize}`);
      out[o + j * outInner + v * dimStride]! += sv[s + j * srcInner]!;
    }
  }
  return backend.make(out, x!.shape, x!.dtype);
});
