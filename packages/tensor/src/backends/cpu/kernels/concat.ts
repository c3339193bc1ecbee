import { registerKernel } from '../../../kernel-registry.js';
import type { ConcatAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';

/**
 * Concat along `dim`: viewed as [outer, inner_i] with outer = Π shape[:dim] and inner_i = Π x_i.shape[dim:],
 * each output row is the inputs' rows one after another.
 */
registerKernel<CpuBackend>('cpu', 'Concat', ({ inputs, attrs, backend }) => {
  const { dim } = attrs as ConcatAttrs;
  const first = inputs[0]!;
  const outShape = first.shape.slice();
  outShape[dim] = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
  const out = backend.alloc(first.dtype, sizeOf(outShape));
  const outer = sizeOf(first.shape.slice(0, dim));
  const inners = inputs.map((t) => sizeOf(t.shape.slice(dim)));
  const rowLen = inners.reduce((a, b) => a + b, 0);
  let col = 0;
  inputs.forEach((t, i) => {
    const src = backend.values(t);
    const inner = inners[i]!;
    if (inner > 0) for (let r = 0; r < outer; r++) out.set(src.subarray(r * inner, (r + 1) * inner), r * rowLen + col);
    col += inner;
  });
  return backend.make(out, outShape, first.dtype);
});
