import { registerKernel } from '../../../kernel-registry.js';
import type { CastAttrs } from '../../../kernels.js';
import { toInt32 } from '../../../dtype.js';
import type { CpuBackend } from '../backend-cpu.js';

/**
 * Cast to `dtype`: float32 to int32 truncates toward zero, and NaN, ±inf or a value outside int32 is an error
 * (PyTorch's result is undefined there; never a silent wrap-around); to bool is x != 0 (so NaN is true, as in
 * PyTorch); from bool gives 0/1.
 */
registerKernel<CpuBackend>('cpu', 'Cast', ({ inputs: [x], attrs, backend }) => {
  const { dtype } = attrs as CastAttrs;
  const xs = backend.values(x!);
  let out;
  if (dtype === 'bool') {
    out = backend.alloc('bool', xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = xs[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' && x!.dtype === 'float32') {
    out = backend.alloc('int32', xs.length, false);
    for (let i = 0; i < xs.length; i++) out[i] = toInt32('cast', xs[i]!, i);
  } else (out = backend.alloc(dtype, xs.length, false)).set(xs); // int32 → float32 rounds to nearest (as PyTorch), bool → 0/1
  return backend.make(out, x!.shape, dtype);
});
