/**
 * Float32 elementwise kernels (binary arithmetic and comparisons with a vector or scalar on either side, the
 * exact unary ops, where) and sums over contiguous rows in WebAssembly SIMD (`assembly/elementwise.ts`,
 * compiled at build time into `elementwise-wasm.generated.ts`), for the CPU backend's kernels on large float32
 * inputs.
 *
 * Operands and results that live in the CPU backend's heap (heap.ts: tensor storage made by the kernels) are
 * used in place; others stream through linear memory a block of BLOCK elements at a time — copy in, SIMD loop,
 * copy out — so each block stays in L2. Both go block by block in the same order, so they give the same bits. Measured on this
 * project's 2-core x86 machine (Node 20), 4,194,304 elements: Add 2.3 ms against 4.0 ms for a plain
 * TypeScript loop; a sum of rows 1.0 ms against 1.7–2.6 ms for a TypeScript loop with four accumulators;
 * on 200,704 elements (into a preallocated output), √x 73 µs and relu 45 µs against 390 µs and 1050 µs for
 * TypeScript loops (relu's branch mispredicts on mixed signs).
 *
 * Results equal the TypeScript loops bit for bit (see assembly/elementwise.ts); sums accumulate in float64
 * like the TypeScript Sum kernel: column sums in the same order (the same bits), row sums in another order
 * (they may differ in the last float32 bit). Each function returns false, doing nothing, where the
 * module is unavailable (no WebAssembly SIMD, `NN_WASM=0`, or still compiling in a browser), so the caller
 * runs its TypeScript loop instead.
 */
import { ELEMENTWISE_WASM_BASE64, ELEMENTWISE_WASM_SHARED_BASE64 } from './elementwise-wasm.generated.js';
import { heapAddress } from './heap.js';
import { lazyWasmInstance } from './load.js';

type Kernel5 = (op: number, a: number, b: number, o: number, n: number) => void;

/** What assembly/elementwise.ts exports. Addresses are byte offsets into `memory`; `s` arguments are scalars. */
interface ElementwiseExports {
  binary: Kernel5;
  binaryScalarRight(op: number, a: number, s: number, o: number, n: number): void;
  binaryScalarLeft(op: number, s: number, b: number, o: number, n: number): void;
  binaryRows(op: number, aMode: number, a: number, bMode: number, b: number, o: number, rows: number, inner: number): void;
  compare: Kernel5;
  compareScalar(op: number, a: number, s: number, o: number, n: number): void;
  unary(op: number, x: number, o: number, n: number): void;
  special(op: number, x: number, o: number, n: number): void;
  where(c: number, a: number, b: number, o: number, n: number): void;
  whereScalarRight(c: number, a: number, s: number, o: number, n: number): void;
  whereScalarLeft(c: number, s: number, b: number, o: number, n: number): void;
  sumRows(x: number, rows: number, len: number, out: number): void;
  sumColumns(x: number, rows: number, inner: number, acc: number): void;
  scaleShiftRows(x: number, st: number, o: number, rows: number, inner: number): void;
  sumSquaredDeviations(x: number, means: number, rows: number, len: number, out: number): void;
  dotRows(a: number, b: number, rows: number, len: number, out: number): void;
  halfToFloat(x: number, o: number, n: number): void;
  floatToHalf(x: number, o: number, n: number): void;
}

/** The op codes of assembly/elementwise.ts, by kernel name. */
const BINARY_OPS = { Add: 0, Sub: 1, Mul: 2, Div: 3, Maximum: 4, Minimum: 5 } as const;
const COMPARE_OPS = { Equal: 0, NotEqual: 1, Less: 2, LessEqual: 3, Greater: 4, GreaterEqual: 5 } as const;
const UNARY_OPS = { Neg: 0, Abs: 1, Sqrt: 2, Relu: 3, Square: 4, Reciprocal: 5 } as const;
/** The special functions: float32 approximations (see assembly/elementwise.ts), not rounded float64 results. */
const SPECIAL_OPS = { Exp: 0, Erf: 1, Gelu: 2 } as const;
/** s ⊲ b[i] is b[i] ⊳ s: the comparison with its operands swapped (EQ, NE, LT, LE, GT, GE → EQ, NE, GT, GE, LT, LE). */
const MIRROR = [0, 1, 4, 5, 2, 3];

export type WasmBinaryOp = keyof typeof BINARY_OPS;
export type WasmCompareOp = keyof typeof COMPARE_OPS;
export type WasmUnaryOp = keyof typeof UNARY_OPS;
export type WasmSpecialOp = keyof typeof SPECIAL_OPS;

export const isWasmBinaryOp = (name: string): name is WasmBinaryOp => Object.hasOwn(BINARY_OPS, name);
export const isWasmCompareOp = (name: string): name is WasmCompareOp => Object.hasOwn(COMPARE_OPS, name);
export const isWasmUnaryOp = (name: string): name is WasmUnaryOp => Object.hasOwn(UNARY_OPS, name);

/** Elements per operand block: three 64 KiB float blocks (two operands and the result) stay in L2. */
const BLOCK = 16384;

/**
 * Below this many elements (per call) callers keep their TypeScript loops: there the call overhead (views,
 * copies, the call: well under a microsecond) matters more than the loop. Measured: at 1024 elements an add
 * took 0.6 µs here against 2.8 µs for a TypeScript loop, a sum 0.2 µs against 0.6 µs.
 */
export const MIN_WASM_ELEMENTS = 1024;

/**
 * The instance, its scratch blocks (byte addresses of the two float operand blocks, the result block, the
 * condition bytes and the float64 sums) and views of each.
 */
interface Elementwise {
  ex: ElementwiseExports;
  /** Whether the module runs on the heap, so heap arrays can be passed by address. */
  onHeap: boolean;
  a: number;
  b: number;
  o: number;
  c: number;
  sums: number;
  A: Float32Array;
  B: Float32Array;
  O: Float32Array;
  /** The result block as bytes (comparisons). */
  O8: Uint8Array;
  C: Uint8Array;
  S: Float64Array;
}

const instance = lazyWasmInstance<ElementwiseExports, Elementwise>(
  { own: ELEMENTWISE_WASM_BASE64, shared: ELEMENTWISE_WASM_SHARED_BASE64 },
  ({ ex, memory, onHeap, reserve }) => {
    const [a, b, o] = [reserve(4 * BLOCK), reserve(4 * BLOCK), reserve(4 * BLOCK)];
    const c = reserve(BLOCK), sums = reserve(8 * BLOCK);
    const buf = memory.buffer;
    return {
      ex, onHeap, a, b, o, c, sums,
      A: new Float32Array(buf, a, BLOCK),
      B: new Float32Array(buf, b, BLOCK),
      O: new Float32Array(buf, o, BLOCK),
      O8: new Uint8Array(buf, o, BLOCK),
      C: new Uint8Array(buf, c, BLOCK),
      S: new Float64Array(buf, sums, BLOCK),
    };
  },
);

/** The instance, loaded on first use; null where unavailable (see the file comment). */
function elementwise(): Elementwise | null {
  return instance.get();
}

/** Whether the WebAssembly elementwise kernels are loaded and allowed (for tests and callers that report it). */
export function wasmElementwiseAvailable(): boolean {
  return elementwise() !== null;
}

/** The byte address of x[i] where x lies in the heap and the module runs on it, else -1. */
function addressOf(w: Elementwise, x: Float32Array | Uint8Array, i: number): number {
  if (!w.onHeap) return -1;
  const at = heapAddress(x);
  return at < 0 ? -1 : at + i * x.BYTES_PER_ELEMENT;
}

/**
 * Where the module reads elements [from, from + len) of `src` (starting at its `offset`): in place where `src`
 * lies in the heap, else copied into `block` (at byte address `blockAt`).
 */
function load(w: Elementwise, blockAt: number, block: Float32Array | Uint8Array, src: Float32Array | Uint8Array, offset: number, from: number, len: number): number {
  const start = offset + from;
  const at = addressOf(w, src, start);
  if (at >= 0) return at;
  block.set(src.subarray(start, start + len) as never);
  return blockAt;
}

/** Where the module writes out[at, at + len): in place where `out` lies in the heap, else the result block. */
function target(w: Elementwise, blockAt: number, out: Float32Array | Uint8Array, at: number): number {
  const p = addressOf(w, out, at);
  return p >= 0 ? p : blockAt;
}

/** Copies the first `len` elements of a result block to out[at, at + len), unless the module wrote there itself. */
function unload(written: number, blockAt: number, block: Float32Array | Uint8Array, out: Float32Array | Uint8Array, at: number, len: number): void {
  if (written === blockAt) out.set((len === BLOCK ? block : block.subarray(0, len)) as never, at);
}

/**
 * out[oo + i] = a[ia + i] ⊕ b[ib + i] for i < n (⊕ by `op`). Either operand (not both) may be a number: that
 * scalar ⊕ every element. Returns false, writing nothing, where the module is unavailable.
 */
export function wasmBinary(
  op: WasmBinaryOp, a: Float32Array | number, ia: number, b: Float32Array | number, ib: number, out: Float32Array, oo: number, n: number,
): boolean {
  const w = elementwise();
  if (!w) return false;
  const code = BINARY_OPS[op];
  const { ex, A, B, O } = w;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    const o = target(w, w.o, out, oo + s);
    if (typeof b === 'number') {
      ex.binaryScalarRight(code, load(w, w.a, A, a as Float32Array, ia, s, len), b, o, len);
    } else if (typeof a === 'number') {
      const x = load(w, w.a, A, b, ib, s, len);
      // Add, Mul, Maximum and Minimum commute (bit for bit), so s ⊕ b is b ⊕ s.
      if (op === 'Sub' || op === 'Div') ex.binaryScalarLeft(code, a, x, o, len);
      else ex.binaryScalarRight(code, x, a, o, len);
    } else {
      ex.binary(code, load(w, w.a, A, a, ia, s, len), load(w, w.b, B, b, ib, s, len), o, len);
    }
    unload(o, w.o, O, out, oo + s, len);
  }
  return true;
}

/**
 * How one operand of a broadcast binary op enters the rows of its output (modes of assembly's binaryRows):
 * `full` — row r is elements [r·inner, (r+1)·inner) of `values`; `row` — the same row, from `offset`, every
 * time; `col` — one value per row, values[offsets[r]].
 */
export type RowOperand =
  | { mode: 'full'; values: Float32Array }
  | { mode: 'row'; values: Float32Array; offset: number }
  | { mode: 'col'; values: Float32Array; offsets: Int32Array };

const ROW_MODES = { full: 0, row: 1, col: 2 } as const;

/**
 * Where the module reads rows [r0, r0 + count) of an operand: in place, or copied into `block` (a `row` operand
 * only when `first`; a `col` operand's values always, gathered).
 */
function loadRows(w: Elementwise, blockAt: number, block: Float32Array, x: RowOperand, r0: number, count: number, inner: number, first: boolean): number {
  if (x.mode === 'full') return load(w, blockAt, block, x.values, 0, r0 * inner, count * inner);
  if (x.mode === 'row') {
    const at = addressOf(w, x.values, x.offset);
    if (at >= 0) return at;
    if (first) load(w, blockAt, block, x.values, x.offset, 0, inner);
    return blockAt;
  }
  for (let i = 0; i < count; i++) block[i] = x.values[x.offsets[r0 + i]!]!;
  return blockAt;
}

/**
 * out[r·inner + j] = A_r[j] ⊕ B_r[j] for r < rows, j < inner (operands as RowOperand; not both `col`), for
 * rows of at most BLOCK elements, several rows per call: a bias add [R,N] + [N] is full ⊕ row, [R,N] − [R,1]
 * full ⊕ col. Returns false, writing nothing, where the module is unavailable or inner > BLOCK.
 */
export function wasmBinaryRows(op: WasmBinaryOp, a: RowOperand, b: RowOperand, out: Float32Array, rows: number, inner: number): boolean {
  const w = elementwise();
  if (!w || inner > BLOCK || inner === 0) return false;
  const code = BINARY_OPS[op];
  const per = Math.floor(BLOCK / inner);
  for (let r0 = 0; r0 < rows; r0 += per) {
    const count = Math.min(per, rows - r0);
    const pa = loadRows(w, w.a, w.A, a, r0, count, inner, r0 === 0);
    const pb = loadRows(w, w.b, w.B, b, r0, count, inner, r0 === 0);
    const o = target(w, w.o, out, r0 * inner);
    w.ex.binaryRows(code, ROW_MODES[a.mode], pa, ROW_MODES[b.mode], pb, o, count, inner);
    unload(o, w.o, w.O, out, r0 * inner, count * inner);
  }
  return true;
}

/**
 * out[oo + i] = a[ia + i] ⊲ b[ib + i] as 0/1 for i < n; either operand (not both) may be a number. NaN compares
 * false except in NotEqual. Returns false, writing nothing, where the module is unavailable.
 */
export function wasmCompare(
  op: WasmCompareOp, a: Float32Array | number, ia: number, b: Float32Array | number, ib: number, out: Uint8Array, oo: number, n: number,
): boolean {
  const w = elementwise();
  if (!w) return false;
  const code = COMPARE_OPS[op];
  const { ex, A, B, O8 } = w;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    const o = target(w, w.o, out, oo + s);
    if (typeof b === 'number') ex.compareScalar(code, load(w, w.a, A, a as Float32Array, ia, s, len), b, o, len);
    else if (typeof a === 'number') ex.compareScalar(MIRROR[code]!, load(w, w.a, A, b, ib, s, len), a, o, len);
    else ex.compare(code, load(w, w.a, A, a, ia, s, len), load(w, w.b, B, b, ib, s, len), o, len);
    unload(o, w.o, O8, out, oo + s, len);
  }
  return true;
}

/** out[i] = f(x[i]) for i < n (−x, |x|, √x, relu, x², 1/x by `op`). Returns false where unavailable. */
export function wasmUnary(op: WasmUnaryOp, x: Float32Array, out: Float32Array, n: number): boolean {
  const w = elementwise();
  if (!w) return false;
  const code = UNARY_OPS[op];
  mapBlocks(w, x, out, n, (a, o, len) => w.ex.unary(code, a, o, len));
  return true;
}

/** Calls `f(a, o, len)` on `x` and `out` block by block, with the operands staged in module memory where needed. */
function mapBlocks(w: Elementwise, x: Float32Array, out: Float32Array, n: number, f: (a: number, o: number, len: number) => void): void {
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    const o = target(w, w.o, out, s);
    f(load(w, w.a, w.A, x, 0, s, len), o, len);
    unload(o, w.o, w.O, out, s, len);
  }
}

/**
 * out[i] = f(x[i]) for i < n: exp, erf or exact GELU, in float32 SIMD within 1, 2 and 6 ulps of the correctly
 * rounded value (assembly/elementwise.ts). Returns false where unavailable.
 */
export function wasmSpecial(op: WasmSpecialOp, x: Float32Array, out: Float32Array, n: number): boolean {
  const w = elementwise();
  if (!w) return false;
  const code = SPECIAL_OPS[op];
  mapBlocks(w, x, out, n, (a, o, len) => w.ex.special(code, a, o, len));
  return true;
}

/**
 * out[oo + i] = c[ic + i] ? a[ia + i] : b[ib + i] for i < n (any nonzero condition byte is true); a or b (not
 * both) may be a number. Returns false, writing nothing, where the module is unavailable.
 */
export function wasmWhere(
  c: Uint8Array, ic: number, a: Float32Array | number, ia: number, b: Float32Array | number, ib: number, out: Float32Array, oo: number, n: number,
): boolean {
  const w = elementwise();
  if (!w) return false;
  const { ex, A, B, C, O } = w;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    const pc = load(w, w.c, C, c, ic, s, len);
    const o = target(w, w.o, out, oo + s);
    if (typeof b === 'number') ex.whereScalarRight(pc, load(w, w.a, A, a as Float32Array, ia, s, len), b, o, len);
    else if (typeof a === 'number') ex.whereScalarLeft(pc, a, load(w, w.b, B, b, ib, s, len), o, len);
    else ex.where(pc, load(w, w.a, A, a, ia, s, len), load(w, w.b, B, b, ib, s, len), o, len);
    unload(o, w.o, O, out, oo + s, len);
  }
  return true;
}

/**
 * out[r] = Σ_{i<len} x[r·len + i] for r < rows (x holds rows contiguous rows), accumulated in float64 and
 * rounded once on store (a Float64Array `out` keeps the float64 sums). Returns false, writing nothing, where
 * the module is unavailable.
 */
export function wasmSumRows(x: Float32Array, rows: number, len: number, out: Float32Array | Float64Array): boolean {
  const w = elementwise();
  if (!w) return false;
  const { ex, A, S } = w;
  if (len === 0) {
    out.fill(0, 0, rows);
    return true;
  }
  if (len <= BLOCK) {
    // Whole rows per block.
    const per = Math.floor(BLOCK / len);
    for (let r0 = 0; r0 < rows; r0 += per) {
      const count = Math.min(per, rows - r0);
      ex.sumRows(load(w, w.a, A, x, 0, r0 * len, count * len), count, len, w.sums);
      for (let i = 0; i < count; i++) out[r0 + i] = S[i]!;
    }
    return true;
  }
  // Long rows: float64 partial sums of BLOCK-float pieces.
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let s = 0; s < len; s += BLOCK) {
      const piece = Math.min(BLOCK, len - s);
      ex.sumRows(load(w, w.a, A, x, 0, r * len + s, piece), 1, piece, w.sums);
      total += S[0]!;
    }
    out[r] = total;
  }
  return true;
}

/**
 * acc[j] += Σ_q x[base + starts[q] + j] for j < inner, q in order, where each start begins `inner` contiguous
 * elements: the float64 column sums of a reduction over leading dims, added row by row in order, as the
 * TypeScript loop does (so the same bits). Returns false, changing nothing, where the module is unavailable or
 * inner > BLOCK.
 */
export function wasmSumColumns(x: Float32Array, base: number, starts: Int32Array, inner: number, acc: Float64Array): boolean {
  const w = elementwise();
  if (!w || inner > BLOCK || inner === 0) return false;
  const { ex, A, S } = w;
  S.set(acc.subarray(0, inner));
  const per = Math.floor(BLOCK / inner);
  for (let q0 = 0; q0 < starts.length; ) {
    // Rows that lie back to back in x go in with one copy.
    let count = 1;
    while (count < per && q0 + count < starts.length && starts[q0 + count] === starts[q0]! + count * inner) count++;
    ex.sumColumns(load(w, w.a, A, x, base + starts[q0]!, 0, count * inner), count, inner, w.sums);
    q0 += count;
  }
  acc.set(S.subarray(0, inner));
  return true;
}

// ---- the normalisation kernels' rows: row r of an [A, C, B] view is (a, c) = (⌊r / C⌋, r mod C), `len` = B ----

/**
 * Runs `fn(w, r0, count, per)` over blocks of whole rows of `len` elements (`per` rows per block, the last block
 * `count` ≤ per). Returns false, calling nothing, where the module is unavailable or rows are shorter than 16
 * (too short to gain) or longer than a block.
 */
function eachRowBlock(rows: number, len: number, fn: (w: Elementwise, r0: number, count: number, per: number) => void): boolean {
  const w = elementwise();
  if (!w || len < 16 || len > BLOCK) return false;
  const per = Math.floor(BLOCK / len);
  for (let r0 = 0; r0 < rows; r0 += per) fn(w, r0, Math.min(per, rows - r0), per);
  return true;
}

/**
 * out[r·len + j] = x[r·len + j]·scale[r mod c] + shift[r mod c] (ScaleShift), bit for bit as the TypeScript loop.
 * Returns false, writing nothing, where eachRowBlock declines.
 */
export function wasmScaleShiftRows(x: Float32Array, scale: Float32Array, shift: Float32Array, c: number, out: Float32Array, rows: number, len: number): boolean {
  return eachRowBlock(rows, len, (w, r0, count) => {
    const px = load(w, w.a, w.A, x, 0, r0 * len, count * len);
    for (let i = 0; i < count; i++) {
      w.B[2 * i] = scale[(r0 + i) % c]!;
      w.B[2 * i + 1] = shift[(r0 + i) % c]!;
    }
    const o = target(w, w.o, out, r0 * len);
    w.ex.scaleShiftRows(px, w.b, o, count, len);
    unload(o, w.o, w.O, out, r0 * len, count * len);
  });
}

/**
 * out[r] = Σ_j (x[r·len + j] − means[r mod c])² in float64 (Moments' second pass). Returns false, writing
 * nothing, where eachRowBlock declines.
 */
export function wasmSumSquaredDeviations(x: Float32Array, means: Float64Array, c: number, rows: number, len: number, out: Float64Array): boolean {
  return eachRowBlock(rows, len, (w, r0, count, per) => {
    const px = load(w, w.a, w.A, x, 0, r0 * len, count * len);
    for (let i = 0; i < count; i++) w.S[i] = means[(r0 + i) % c]!;
    w.ex.sumSquaredDeviations(px, w.sums, count, len, w.sums + 8 * per);
    out.set(w.S.subarray(per, per + count), r0);
  });
}

/**
 * out[r] = Σ_j a[r·len + j]·b[r·len + j] in float64 (SumProduct's rows). Returns false, writing nothing, where
 * eachRowBlock declines.
 */
export function wasmDotRows(a: Float32Array, b: Float32Array, rows: number, len: number, out: Float64Array): boolean {
  return eachRowBlock(rows, len, (w, r0, count) => {
    w.ex.dotRows(load(w, w.a, w.A, a, 0, r0 * len, count * len), load(w, w.b, w.B, b, 0, r0 * len, count * len), count, len, w.sums);
    out.set(w.S.subarray(0, count), r0);
  });
}

/**
 * float16 ↔ float32 conversion of the CPU backend's float16 storage, where both arrays lie in the heap (tensor
 * storage and kernel outputs do): the same bits as float16.ts's encodeHalf/decodeHalf, tens of times faster.
 * Returns false, writing nothing, where the module is unavailable or an array is not in the heap.
 */
export function wasmHalfToFloat(x: Uint16Array, out: Float32Array): boolean {
  return convertInPlace(x, out, (w, a, o) => w.ex.halfToFloat(a, o, x.length));
}

/** float32 → float16 bits, as `wasmHalfToFloat` (round to nearest, ties to even). */
export function wasmFloatToHalf(x: Float32Array, out: Uint16Array): boolean {
  return convertInPlace(x, out, (w, a, o) => w.ex.floatToHalf(a, o, x.length));
}

function convertInPlace(x: Float32Array | Uint16Array, out: Float32Array | Uint16Array, run: (w: Elementwise, a: number, o: number) => void): boolean {
  const w = elementwise();
  if (!w || !w.onHeap || x.length !== out.length) return false;
  const [a, o] = [heapAddress(x), heapAddress(out)];
  if (a < 0 || o < 0) return false;
  if (x.length > 0) run(w, a, o);
  return true;
}
