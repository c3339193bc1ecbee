import { registerKernel } from '../../../kernel-registry.js';
import type { IndexSelectAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';

/** Below this many elements per copied block a plain loop beats `set(subarray(...))` (a view per block). */
const MIN_BLOCK_COPY = 16;

/**
 * IndexSelect (torch.index_select): x viewed as [outer, n, inner] (n = x.shape[dim]) gives out [outer, k, inner]
 * with out[o, j, :] = x[o, index[j], :] — one contiguous block of `inner` elements per (o, j), a whole row per
 * index for dim 0. Index values are checked first (the CPU backend can afford it): one outside [0, n) throws,
 * naming it, before anything is copied.
 */
registerKernel<CpuBackend>('cpu', 'IndexSelect', ({ inputs: [x, index], attrs, backend }) => {
  const { dim } = attrs as IndexSelectAttrs;
  const src = backend.values(x!);
  const idx = backend.values(index!) as Int32Array;
  const k = idx.length;
  const n = x!.shape[dim]!;
  for (let j = 0; j < k; j++) {
    const v = idx[j]!;
    if (v < 0 || v >= n) throw new Error(`indexSelect: index ${v} is out of bounds for dim ${dim} with size ${n}`);
  }
  const shape = x!.shape.map((s, d) => (d === dim ? k : s));
  const inner = sizeOf(x!.shape.slice(dim + 1));
  const outer = sizeOf(x!.shape.slice(0, dim));
  const out = backend.alloc(x!.dtype, outer * k * inner);
  if (inner >= MIN_BLOCK_COPY) {
    for (let o = 0, at = 0; o < outer; o++)
      for (let j = 0; j < k; j++, at += inner) {
        const from = (o * n + idx[j]!) * inner;
        out.set(src.subarray(from, from + inner) as never, at);
      }
  } else {
    for (let o = 0, at = 0; o < outer; o++)
      for (let j = 0; j < k; j++) {
        const from = (o * n + idx[j]!) * inner;
        for (let c = 0; c < inner; c++, at++) out[at] = src[from + c]!;
      }
  }
  return backend.make(out, shape, x!.dtype);
});
