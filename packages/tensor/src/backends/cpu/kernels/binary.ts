import type { TypedArray } from '../../../dtype.js';
import { makeArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { BINARY_KERNELS, COMPARE_KERNELS } from '../../../kernels.js';
import { broadcastShapes, sizeOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { broadcastRows } from './broadcast.js';

/**
 * One row of a broadcast binary op: `o[oo + j] = a[ia + j*sa] ⊕ b[ib + j*sb]` for j < n (steps are 0 or 1).
 * Each op writes its own loop so V8 inlines the arithmetic: a shared loop calling a per-op function runs
 * about 3× slower once it has seen several ops.
 */
type RowLoop = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, o: TypedArray, oo: number, n: number) => void;
type Scalar2 = (a: number, b: number) => number;

/** C's pow, which JavaScript's differs from at 1^NaN, 1^±inf and (-1)^±inf (C and PyTorch give 1). */
export function powC(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);
}

/** Integer power with int32 wraparound; negative exponents give 1/a truncated (0 unless a is ±1), as PyTorch. */
function powInt(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  for (let base = a; b > 0; b >>>= 1, base = Math.imul(base, base)) if (b & 1) r = Math.imul(r, base);
  return r;
}

interface BinaryDef {
  /** Float32 (and, unless `int` is given, int32) arithmetic; JavaScript's ToInt32 on store wraps like int32. */
  loop: RowLoop;
  /** The int32 form where float arithmetic would be wrong. */
  int?: Scalar2;
  /** The bool form (inputs 0/1, output 0/1), for the ops PyTorch defines on bool. */
  bool?: Scalar2;
}

const ARITH: Record<(typeof BINARY_KERNELS)[number], BinaryDef> = {
  Add: {
    loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j * sa]! + b[ib + j * sb]!; },
    bool: (x, y) => x | y,
  },
  Sub: { loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j * sa]! - b[ib + j * sb]!; } },
  Mul: {
    loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j * sa]! * b[ib + j * sb]!; },
    int: Math.imul,
    bool: (x, y) => x & y,
  },
  Div: { loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = a[ia + j * sa]! / b[ib + j * sb]!; } },
  Pow: {
    loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = powC(a[ia + j * sa]!, b[ib + j * sb]!); },
    int: powInt,
  },
  // Math.max/min return NaN if either side is NaN, as torch.maximum/minimum do.
  Maximum: { loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.max(a[ia + j * sa]!, b[ib + j * sb]!); } },
  Minimum: { loop: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = Math.min(a[ia + j * sa]!, b[ib + j * sb]!); } },
};

/**
 * Comparisons write 0/1 into a bool output; any NaN operand compares false except in NotEqual. `+(a < b)`
 * rather than `a < b ? 1 : 0` compiles without a branch (3× faster on unpredictable data).
 */
const COMPARE: Record<(typeof COMPARE_KERNELS)[number], RowLoop> = {
  Equal: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa] === b[ib + j * sb]); },
  NotEqual: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa] !== b[ib + j * sb]); },
  Less: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa]! < b[ib + j * sb]!); },
  LessEqual: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa]! <= b[ib + j * sb]!); },
  Greater: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa]! > b[ib + j * sb]!); },
  GreaterEqual: (a, ia, sa, b, ib, sb, o, oo, n) => { for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j * sa]! >= b[ib + j * sb]!); },
};

/** The same row through a scalar function (the int32/bool special forms; not on the float hot path). */
function scalarLoop(f: Scalar2): RowLoop {
  return (a, ia, sa, b, ib, sb, o, oo, n) => {
    for (let j = 0; j < n; j++) o[oo + j] = f(a[ia + j * sa]!, b[ib + j * sb]!);
  };
}

/** Inputs share one dtype (the op promotes first); the output has it too, or is bool for comparisons. */
function registerBinary(name: string, loopFor: (dtype: string) => RowLoop, compare: boolean): void {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [a, b], backend }) => {
    const shape = broadcastShapes(name, a!.shape, b!.shape);
    const dtype = compare ? 'bool' : a!.dtype;
    const out = makeArray(dtype, sizeOf(shape));
    const av = backend.values(a!);
    const bv = backend.values(b!);
    const loop = loopFor(a!.dtype);
    const { inner, rows, steps: [sa, sb], offsets: [oa, ob] } = broadcastRows(shape, [a!.shape, b!.shape]);
    for (let r = 0; r < rows; r++) loop(av, oa![r]!, sa!, bv, ob![r]!, sb!, out, r * inner, inner);
    return backend.make(out, shape, dtype);
  });
}

for (const [name, def] of Object.entries(ARITH)) {
  const int = def.int && scalarLoop(def.int);
  const bool = def.bool && scalarLoop(def.bool);
  registerBinary(name, (dtype) => (dtype === 'int32' ? int : dtype === 'bool' ? bool : undefined) ?? def.loop, false);
}
for (const [name, loop] of Object.entries(COMPARE)) registerBinary(name, () => loop, true);
