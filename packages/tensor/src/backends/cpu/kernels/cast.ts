import { registerKernel } from '../../../kernel-registry.js';
import type { CastAttrs } from '../../../kernels.js';
import { toInt32, type TypedArray } from '../../../dtype.js';
import { wasmFloatToHalf, wasmHalfToFloat } from '../wasm/elementwise-wasm.js';
import { decodeHalf, encodeHalf } from '../../../float16.js';
import type { CpuBackend } from '../backend-cpu.js';

/** Half bits → float32 values: WebAssembly on heap arrays (the usual case), else float16.ts. */
function widen(h: Uint16Array, out: Float32Array): Float32Array {
  if (!wasmHalfToFloat(h, out)) decodeHalf(h, out);
  return out;
}

/** Numbers → half bits: WebAssembly from float32 heap arrays, else float16.ts. */
function narrow(x: TypedArray, out: Uint16Array): Uint16Array {
  if (!(x instanceof Float32Array && wasmFloatToHalf(x, out))) encodeHalf(x, out);
  return out;
}

/**
 * Cast to `dtype`: float to int32 truncates toward zero, and NaN, ±inf or a value outside int32 is an error
 * (PyTorch's result is undefined there; never a silent wrap-around); to bool is x != 0 (so NaN is true, as in
 * PyTorch); from bool gives 0/1; to float16 rounds to the nearest half (ties to even, beyond ±65504 to ±inf).
 */
registerKernel<CpuBackend>('cpu', 'Cast', ({ inputs: [x], attrs, backend }) => {
  const { dtype } = attrs as CastAttrs;
  let xs = backend.values(x!);
  const n = xs.length;
  let out;
  if (dtype === 'bool') {
    out = backend.alloc('bool', n);
    // A half is zero when all but its sign bit are.
    if (x!.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = (xs[i]! & 0x7fff) !== 0 ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = xs[i] !== 0 ? 1 : 0;
    return backend.make(out, x!.shape, dtype);
  }
  if (x!.dtype === 'float16') xs = widen(xs as Uint16Array, dtype === 'float32' ? (backend.alloc('float32', n, false) as Float32Array) : new Float32Array(n));
  if (dtype === 'float16') out = narrow(xs, backend.alloc('float16', n, false) as Uint16Array);
  else if (x!.dtype === 'float16' && dtype === 'float32') out = xs;
  else if (dtype === 'int32' && x!.dtype !== 'int32' && x!.dtype !== 'bool') {
    out = backend.alloc('int32', n, false);
    for (let i = 0; i < n; i++) out[i] = toInt32('cast', xs[i]!, i);
  } else (out = backend.alloc(dtype, n, false)).set(xs); // int32 → float32 rounds to nearest (as PyTorch), bool → 0/1
  return backend.make(out, x!.shape, dtype);
});
