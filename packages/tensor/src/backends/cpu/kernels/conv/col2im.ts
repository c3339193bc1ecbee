import { registerKernel } from '../../../../kernel-registry.js';
import type { Col2ImAttrs } from '../../../../kernels.js';
import { sizeOf } from '../../../../shape.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmCol2Im } from '../../wasm/windows-wasm.js';
import { walkRuns } from './windows.js';

/**
 * Col2Im (see kernels.ts): columns [C·kh·kw, N·oh·ow] → image `shape`, Im2Col's walk with the copy reversed
 * into an accumulation. Overlapping windows add up in column-row order, the same order on every run. Float32
 * columns run the same walk in WebAssembly (../../wasm/windows-wasm.ts); this loop is the reference and fallback.
 */
registerKernel<CpuBackend>('cpu', 'Col2Im', ({ inputs: [cols], attrs, backend }) => {
  const a = attrs as Col2ImAttrs;
  const out = backend.alloc(cols!.dtype, sizeOf(a.shape));
  const src = backend.values(cols!);
  if (!(cols!.dtype === 'float32' && wasmCol2Im(src as Float32Array, a, out as Float32Array))) walkRuns(a.shape, a, out, src, true);
  return backend.make(out, a.shape, cols!.dtype);
});
