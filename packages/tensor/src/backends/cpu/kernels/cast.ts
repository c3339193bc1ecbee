import { registerKernel } from '../../../kernel-registry.js';
import type { CastAttrs } from '../../../kernels.js';
import type { CpuBackend } from '../backend-cpu.js';

/**
 * Cast to `dtype`: to int32 truncates toward zero (the typed array's ToInt32; out-of-range values wrap, where
 * PyTorch's result is undefined), to bool is x != 0 (so NaN is true, as in PyTorch), from bool gives 0/1.
 */
registerKernel<CpuBackend>('cpu', 'Cast', ({ inputs: [x], attrs, backend }) => {
  const { dtype } = attrs as CastAttrs;
  const xs = backend.values(x!);
  let out;
  if (dtype === 'bool') {
    out = backend.alloc('bool', xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = xs[i] !== 0 ? 1 : 0;
  } else (out = backend.alloc(dtype, xs.length, false)).set(xs); // the typed array's store converts
  return backend.make(out, x!.shape, dtype);
});
