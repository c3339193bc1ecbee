import { registerKernel } from '../../../../kernel-registry.js';
import type { ScaleShiftAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmScaleShiftRows } from '../../wasm/elementwise-wasm.js';

/**
 * ScaleShift (see kernels.ts): x·scale[c] + shift[c] over x viewed as [A, C, B], one pass, the product rounded
 * to float32 before the add (as PyTorch's CPU batch norm computes in float32). Rows of 16 or more run in
 * WebAssembly SIMD, bit for bit the same.
 */
registerKernel<CpuBackend>('cpu', 'ScaleShift', ({ inputs: [x, scale, shift], attrs, backend }) => {
  const [a, c, b] = (attrs as ScaleShiftAttrs).view;
  const xs = backend.values(x!) as Float32Array;
  const sc = backend.values(scale!) as Float32Array;
  const sh = backend.values(shift!) as Float32Array;
  const out = backend.alloc('float32', xs.length, false) as Float32Array; // every element is written
  if (b === 1)
    // Rows of one element (BatchNorm1d on [N, C]): down the columns, without a row's overhead per element.
    for (let i = 0, p = 0; i < a; i++) for (let j = 0; j < c; j++, p++) out[p] = Math.fround(xs[p]! * sc[j]!) + sh[j]!;
  else if (!wasmScaleShiftRows(xs, sc, sh, c, out, a * c, b))
    for (let r = 0, p = 0; r < a * c; r++) {
      const k = sc[r % c]!;
      const t = sh[r % c]!;
      for (const end = p + b; p < end; p++) out[p] = Math.fround(xs[p]! * k) + t;
    }
  return backend.make(out, x!.shape, 'float32');
});
