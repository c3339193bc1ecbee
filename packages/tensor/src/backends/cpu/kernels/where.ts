import type { TypedArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { broadcastShapes, sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { MIN_WASM_ELEMENTS, wasmWhere } from '../wasm/elementwise-wasm.js';
import { broadcastRows } from './broadcast.js';

/**
 * Float32 rows with a condition per element (its step is 1): a and b each a run of elements or one repeated
 * value. One loop per kind, so V8 sees one array type in each.
 */
const F32 = {
  vv: (c: Uint8Array, ic: number, a: Float32Array, ia: number, b: Float32Array, ib: number, o: Float32Array, oo: number, n: number) => {
    for (let j = 0; j < n; j++) o[oo + j] = c[ic + j] ? a[ia + j]! : b[ib + j]!;
  },
  vs: (c: Uint8Array, ic: number, a: Float32Array, ia: number, s: number, o: Float32Array, oo: number, n: number) => {
    for (let j = 0; j < n; j++) o[oo + j] = c[ic + j] ? a[ia + j]! : s;
  },
  sv: (c: Uint8Array, ic: number, s: number, b: Float32Array, ib: number, o: Float32Array, oo: number, n: number) => {
    for (let j = 0; j < n; j++) o[oo + j] = c[ic + j] ? s : b[ib + j]!;
  },
  ss: (c: Uint8Array, ic: number, s: number, t: number, o: Float32Array, oo: number, n: number) => {
    for (let j = 0; j < n; j++) o[oo + j] = c[ic + j] ? s : t;
  },
};

/** One row where the condition is a single value: a copy of the chosen operand's row, or its value repeated. */
function pickRow(src: TypedArray, at: number, step: number, out: TypedArray, oo: number, n: number): void {
  if (step === 0) out.fill(src[at]!, oo, oo + n);
  else out.set(src.subarray(at, at + n) as never, oo);
}

/**
 * Where(cond: bool, a, b) → cond ? a : b elementwise, all three broadcast; a and b share the output dtype.
 * Float32 rows of at least MIN_WASM_ELEMENTS go to the WebAssembly SIMD select (same bits: it only selects).
 */
registerKernel<CpuBackend>('cpu', 'Where', ({ inputs: [cond, a, b], backend }) => {
  const shape = broadcastShapes('Where', cond!.shape, a!.shape, b!.shape);
  const out = backend.alloc(a!.dtype, sizeOf(shape));
  const cv = backend.values(cond!) as Uint8Array;
  const av = backend.values(a!);
  const bv = backend.values(b!);
  const { inner, rows, steps: [sc, sa, sb], offsets: [oc, oa, ob] } = broadcastRows(shape, [cond!.shape, a!.shape, b!.shape]);
  const f32 = a!.dtype === 'float32';
  const af = av as Float32Array, bf = bv as Float32Array, of = out as Float32Array;
  for (let r = 0; r < rows; r++) {
    const ic = oc![r]!, ia = oa![r]!, ib = ob![r]!, oo = r * inner;
    if (sc === 0 || inner === 1) {
      if (cv[ic]) pickRow(av, ia, sa!, out, oo, inner);
      else pickRow(bv, ib, sb!, out, oo, inner);
    } else if (f32) {
      if (sa === 0 && sb === 0) F32.ss(cv, ic, af[ia]!, bf[ib]!, of, oo, inner);
      else if (inner >= MIN_WASM_ELEMENTS && wasmWhere(cv, ic, sa ? af : af[ia]!, ia, sb ? bf : bf[ib]!, ib, of, oo, inner)) continue;
      else if (sa && sb) F32.vv(cv, ic, af, ia, bf, ib, of, oo, inner);
      else if (sa) F32.vs(cv, ic, af, ia, bf[ib]!, of, oo, inner);
      else F32.sv(cv, ic, af[ia]!, bf, ib, of, oo, inner);
    } else {
      for (let j = 0; j < inner; j++) out[oo + j] = cv[ic + j] ? av[ia + j * sa!]! : bv[ib + j * sb!]!;
    }
  }
  return backend.make(out, shape, a!.dtype);
});
