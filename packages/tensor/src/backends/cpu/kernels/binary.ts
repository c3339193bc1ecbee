import type { TypedArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { BINARY_KERNELS, COMPARE_KERNELS } from '../../../kernels.js';
import { broadcastShapes, sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import {
  MIN_WASM_ELEMENTS, isWasmBinaryOp, isWasmCompareOp, wasmBinary, wasmBinaryRows, wasmCompare, type RowOperand,
} from '../wasm/elementwise-wasm.js';
import { broadcastRows } from './broadcast.js';

/**
 * Binary arithmetic and comparisons with broadcasting. The output is walked as rows (broadcast.ts): along a row
 * each operand is either a run of contiguous elements or one element repeated, so a row is vector ⊕ vector,
 * vector ⊕ scalar or scalar ⊕ vector — same-shape operands are one long vv row, a number operand one vs row,
 * a bias `[B,N] + [N]` B vv rows.
 *
 * Float32 (the hot path) runs one loop per op and row kind, each written out so that V8 sees a single array
 * type and inlines the arithmetic: a loop shared by several ops or dtypes runs 2–5× slower (polymorphic
 * element access, the op behind a call). Rows of at least MIN_WASM_ELEMENTS go to the WebAssembly SIMD kernels
 * where there is one (+ − × ÷ max min and the comparisons), which give the same bits. Int32 and bool take a
 * generic loop through each op's scalar function.
 */

type Scalar2 = (a: number, b: number) => number;

/** Float32 row loops of one op, writing `O` (Float32Array, or Uint8Array for comparisons). */
interface F32Loops<O extends TypedArray> {
  /** o[oo + j] = a[ia + j] ⊕ b[ib + j] for j < n. */
  vv(a: Float32Array, ia: number, b: Float32Array, ib: number, o: O, oo: number, n: number): void;
  /** o[oo + j] = a[ia + j] ⊕ s. */
  vs(a: Float32Array, ia: number, s: number, o: O, oo: number, n: number): void;
  /** o[oo + j] = s ⊕ b[ib + j]; absent where ⊕ commutes (then vs with the operands swapped). */
  sv?(s: number, b: Float32Array, ib: number, o: O, oo: number, n: number): void;
}

/** C's pow, which JavaScript's differs from at 1^NaN, 1^±inf and (-1)^±inf (C and PyTorch give 1). */
export function powC(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);
}

/** Integer power; negative exponents give 1/a truncated (0 unless a is ±1), as PyTorch. */
function powInt(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  // Exact while the result fits int32 (|result| < 2^31 < 2^53); beyond, intChecked reports the overflow.
  return Math.pow(a, b);
}

/**
 * The int32 form of an arithmetic op, checked: the exact result (float64 holds every sum and difference of two
 * int32 exactly, and every product or power that fits int32) must fit int32; an overflow is an error naming the
 * op and the operands, never a silent wrap-around (PyTorch wraps; @nn refuses silently wrong numbers).
 */
/** The int32 ops whose results can leave int32 (Div has no int32 op: div promotes to float32). */
const CHECKED = new Set(['Add', 'Sub', 'Mul', 'Pow']);

function intChecked(name: string, f: Scalar2): Scalar2 {
  return (x, y) => {
    const r = f(x, y);
    if (r > 2147483647 || r < -2147483648)
      throw new Error(`${name.toLowerCase()}: int32 overflow: ${x} and ${y} give ${r}, outside [-2^31, 2^31); cast to float32 first`);
    return r;
  };
}

interface BinaryDef {
  /** The op on numbers; int32 results wrap through the typed array's ToInt32 on store. */
  scalar: Scalar2;
  /** The int32 form where float arithmetic would be wrong. */
  int?: Scalar2;
  /** The bool form (inputs 0/1, output 0/1), for the ops PyTorch defines on bool. */
  bool?: Scalar2;
  f32: F32Loops<Float32Array>;
}

// Math.max/min return NaN if either side is NaN, as torch.maximum/minimum do.
const ARITH: Record<(typeof BINARY_KERNELS)[number], BinaryDef> = {
  Add: {
    scalar: (x, y) => x + y,
    bool: (x, y) => x | y,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! + b[ib + j]!; },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! + s; },
    },
  },
  Sub: {
    scalar: (x, y) => x - y,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! - b[ib + j]!; },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! - s; },
      sv: (s, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = s - b[ib + j]!; },
    },
  },
  Mul: {
    scalar: (x, y) => x * y,
    int: (x, y) => x * y,
    bool: (x, y) => x & y,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! * b[ib + j]!; },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! * s; },
    },
  },
  Div: {
    scalar: (x, y) => x / y,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! / b[ib + j]!; },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j]! / s; },
      sv: (s, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = s / b[ib + j]!; },
    },
  },
  Pow: {
    scalar: powC,
    int: powInt,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = powC(a[ia + j]!, b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = powC(a[ia + j]!, s); },
      sv: (s, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = powC(s, b[ib + j]!); },
    },
  },
  Maximum: {
    scalar: Math.max,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.max(a[ia + j]!, b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.max(a[ia + j]!, s); },
    },
  },
  Minimum: {
    scalar: Math.min,
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.min(a[ia + j]!, b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.min(a[ia + j]!, s); },
    },
  },
};

/**
 * Comparisons write 0/1 into a bool output; any NaN operand compares false except in NotEqual. `+(a < b)`
 * rather than `a < b ? 1 : 0` compiles without a branch (3× faster on unpredictable data). s ⊲ b is b ⊳ s, so
 * the float32 loops need no sv: `mirror` names the comparison with its operands swapped.
 */
interface CompareDef {
  scalar: Scalar2;
  mirror: (typeof COMPARE_KERNELS)[number];
  f32: F32Loops<Uint8Array>;
}

const COMPARE: Record<(typeof COMPARE_KERNELS)[number], CompareDef> = {
  Equal: {
    scalar: (x, y) => +(x === y),
    mirror: 'Equal',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] === b[ib + j]); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] === s); },
    },
  },
  NotEqual: {
    scalar: (x, y) => +(x !== y),
    mirror: 'NotEqual',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] !== b[ib + j]); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] !== s); },
    },
  },
  Less: {
    scalar: (x, y) => +(x < y),
    mirror: 'Greater',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! < b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! < s); },
    },
  },
  LessEqual: {
    scalar: (x, y) => +(x <= y),
    mirror: 'GreaterEqual',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! <= b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! <= s); },
    },
  },
  Greater: {
    scalar: (x, y) => +(x > y),
    mirror: 'Less',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! > b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! > s); },
    },
  },
  GreaterEqual: {
    scalar: (x, y) => +(x >= y),
    mirror: 'LessEqual',
    f32: {
      vv: (a, ia, b, ib, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! >= b[ib + j]!); },
      vs: (a, ia, s, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j]! >= s); },
    },
  },
};

/** A SIMD row: out[oo..oo+n) from the operands (a number for a repeated one); false where unavailable. */
type WasmRow<O> = (a: Float32Array | number, ia: number, b: Float32Array | number, ib: number, o: O, oo: number, n: number) => boolean;
/** SIMD over many short broadcast rows at once (see wasmBinaryRows); false where unavailable. */
type WasmRows<O> = (a: RowOperand, b: RowOperand, o: O, rows: number, inner: number) => boolean;

/**
 * Runs one float32 binary or comparison kernel over its broadcast rows: through WebAssembly when there is a
 * kernel for it and enough work — row by row for long rows, many rows per call for short ones (a bias add) —
 * else the op's TypeScript loop for each row's kind.
 */
function f32Rows<O extends TypedArray>(
  loops: F32Loops<O>, mirrored: F32Loops<O>, wasm: WasmRow<O> | null, wasmRows: WasmRows<O> | null,
  av: Float32Array, aShape: readonly number[], bv: Float32Array, bShape: readonly number[], out: O, shape: readonly number[],
): void {
  const { inner, rows, steps: [sa, sb], offsets: [oa, ob] } = broadcastRows(shape, [aShape, bShape]);
  if (wasmRows && rows > 1 && inner < MIN_WASM_ELEMENTS && rows * inner >= MIN_WASM_ELEMENTS) {
    const x = rowOperand(av, sa!, oa!, inner);
    const y = rowOperand(bv, sb!, ob!, inner);
    if (x && y && !(x.mode === 'col' && y.mode === 'col') && wasmRows(x, y, out, rows, inner)) return;
  }
  const useWasm = wasm !== null && inner >= MIN_WASM_ELEMENTS;
  for (let r = 0; r < rows; r++) {
    const ia = oa![r]!, ib = ob![r]!, oo = r * inner;
    // Both steps 0 only for one-element rows (a longer row has a dim that some operand spans), where vv works.
    if (sa === sb) {
      if (!(useWasm && wasm(av, ia, bv, ib, out, oo, inner))) loops.vv(av, ia, bv, ib, out, oo, inner);
    } else if (sb === 0) {
      if (!(useWasm && wasm(av, ia, bv[ib]!, 0, out, oo, inner))) loops.vs(av, ia, bv[ib]!, out, oo, inner);
    } else if (!(useWasm && wasm(av[ia]!, 0, bv, ib, out, oo, inner))) {
      if (loops.sv) loops.sv(av[ia]!, bv, ib, out, oo, inner);
      else mirrored.vs(bv, ib, av[ia]!, out, oo, inner);
    }
  }
}

/**
 * An operand's rows as wasmBinaryRows takes them: `full` (row r at r·inner), `row` (one row repeated) or `col`
 * (one value per row); null for other layouts (e.g. [A,1,C] against [B,C], whose rows repeat in groups).
 */
function rowOperand(values: Float32Array, step: number, offsets: Int32Array, inner: number): RowOperand | null {
  if (step === 0) return { mode: 'col', values, offsets };
  const first = offsets[0]!;
  let full = first === 0;
  let same = true;
  for (let r = 1; r < offsets.length && (full || same); r++) {
    if (offsets[r] !== r * inner) full = false;
    if (offsets[r] !== first) same = false;
  }
  return full ? { mode: 'full', values } : same ? { mode: 'row', values, offset: first } : null;
}

/** The generic row loop through a scalar function (int32 and bool; not on the float32 hot path). */
function genericRows(f: Scalar2, av: TypedArray, aShape: readonly number[], bv: TypedArray, bShape: readonly number[], out: TypedArray, shape: readonly number[]): void {
  const { inner, rows, steps: [sa, sb], offsets: [oa, ob] } = broadcastRows(shape, [aShape, bShape]);
  for (let r = 0; r < rows; r++) {
    const ia = oa![r]!, ib = ob![r]!, oo = r * inner;
    for (let j = 0; j < inner; j++) out[oo + j] = f(av[ia + j * sa!]!, bv[ib + j * sb!]!);
  }
}

/** Arithmetic: inputs share one dtype (the op promotes first), which the output has too. */
for (const [name, def] of Object.entries(ARITH)) {
  const wasmOp = isWasmBinaryOp(name) ? name : null;
  const wasm: WasmRow<Float32Array> | null = wasmOp && ((a, ia, b, ib, o, oo, n) => wasmBinary(wasmOp, a, ia, b, ib, o, oo, n));
  const wasmRows: WasmRows<Float32Array> | null = wasmOp && ((a, b, o, rows, inner) => wasmBinaryRows(wasmOp, a, b, o, rows, inner));
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [a, b], backend }) => {
    const shape = broadcastShapes(name, a!.shape, b!.shape);
    const dtype = a!.dtype;
    const out = backend.alloc(dtype, sizeOf(shape), false); // every element is written
    const av = backend.values(a!);
    const bv = backend.values(b!);
    if (dtype === 'float32') f32Rows(def.f32, def.f32, wasm, wasmRows, av as Float32Array, a!.shape, bv as Float32Array, b!.shape, out as Float32Array, shape);
    else if (dtype === 'int32') genericRows(CHECKED.has(name) ? intChecked(name, def.int ?? def.scalar) : (def.int ?? def.scalar), av, a!.shape, bv, b!.shape, out, shape);
    else genericRows(def.bool ?? def.scalar, av, a!.shape, bv, b!.shape, out, shape);
    return backend.make(out, shape, dtype);
  });
}

/** Comparisons: inputs share one dtype; the output is bool. */
for (const [name, def] of Object.entries(COMPARE)) {
  const wasmOp = isWasmCompareOp(name) ? name : null;
  const wasm: WasmRow<Uint8Array> | null = wasmOp && ((a, ia, b, ib, o, oo, n) => wasmCompare(wasmOp, a, ia, b, ib, o, oo, n));
  const mirrored = COMPARE[def.mirror].f32;
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [a, b], backend }) => {
    const shape = broadcastShapes(name, a!.shape, b!.shape);
    const out = backend.alloc('bool', sizeOf(shape), false) as Uint8Array;
    const av = backend.values(a!);
    const bv = backend.values(b!);
    if (a!.dtype === 'float32') f32Rows(def.f32, mirrored, wasm, null, av as Float32Array, a!.shape, bv as Float32Array, b!.shape, out, shape);
    else genericRows(def.scalar, av, a!.shape, bv, b!.shape, out, shape);
    return backend.make(out, shape, 'bool');
  });
}
