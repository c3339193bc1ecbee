import { registerKernel } from '../../../kernel-registry.js';
import type { PadAttrs } from '../../../kernels.js';
import { stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { rowOffsets } from './strided.js';

/**
 * Pad (constant): out has size before + n + after in each dim, holds `value` everywhere except the box starting
 * at `before` that holds x. The output is filled once, then x's innermost rows are copied into place.
 */
registerKernel<CpuBackend>('cpu', 'Pad', ({ inputs: [x], attrs, backend }) => {
  const { pad, value } = attrs as PadAttrs;
  const shape = x!.shape;
  const outShape = shape.map((n, d) => pad[d]![0] + n + pad[d]![1]);
  const src = backend.values(x!);
  const out = backend.alloc(x!.dtype, outShape.reduce((a, b) => a * b, 1));
  if (value !== 0) out.fill(value);
  if (src.length > 0) {
    const r = shape.length;
    const outStrides = stridesOf(outShape);
    let base = 0;
    for (let d = 0; d < r; d++) base += pad[d]![0] * outStrides[d]!;
    const run = r > 0 ? shape[r - 1]! : 1;
    const starts = rowOffsets(shape.slice(0, Math.max(r - 1, 0)), outStrides.slice(0, Math.max(r - 1, 0)), base);
    for (let i = 0; i < starts.length; i++) out.set(src.subarray(i * run, (i + 1) * run), starts[i]!);
  }
  return backend.make(out, outShape, x!.dtype);
});
