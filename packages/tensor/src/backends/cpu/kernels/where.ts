import { makeArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { broadcastShapes, sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { broadcastRows } from './broadcast.js';

/** Where(cond: bool, a, b) → cond ? a : b elementwise, all three broadcast; a and b share the output dtype. */
registerKernel<CpuBackend>('cpu', 'Where', ({ inputs: [cond, a, b], backend }) => {
  const shape = broadcastShapes('Where', cond!.shape, a!.shape, b!.shape);
  const out = makeArray(a!.dtype, sizeOf(shape));
  const cv = backend.values(cond!);
  const av = backend.values(a!);
  const bv = backend.values(b!);
  const { inner, rows, steps: [sc, sa, sb], offsets: [oc, oa, ob] } = broadcastRows(shape, [cond!.shape, a!.shape, b!.shape]);
  for (let r = 0; r < rows; r++) {
    const ic = oc![r]!, ia = oa![r]!, ib = ob![r]!, o = r * inner;
    for (let j = 0; j < inner; j++) out[o + j] = cv[ic + j * sc!] ? av[ia + j * sa!]! : bv[ib + j * sb!]!;
  }
  return backend.make(out, shape, a!.dtype);
});
