/**
 * Reductions: Sum, Max, Min over `dims` (REDUCE_KERNELS) and ArgMax, ArgMin over one dim or everything
 * (ARG_REDUCE_KERNELS). Output element o reduces R input elements at `base(o) + offset(r)`, r < R, where both
 * are strided walks over the collapsed kept and reduced dims, so any set of dims (leading, middle, trailing,
 * several) is one program.
 *
 * Two strategies, chosen per shape and part of the shader key: `group` gives each output a workgroup whose
 * threads stride through the reduced extent and combine in shared memory (a tree), for long reductions;
 * `serial` gives each output one thread looping over r, for short ones where a workgroup would idle.
 */
import type { TensorInfo } from '../../../backend.js';
import type { DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { reducedShape, sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { decodeWgsl, dotWgsl } from '../indexing.js';
import { MATH_WGSL } from '../math.wgsl.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, GROUP_INDEX, GROUP_MAIN_ARGS, flatDispatch, wgslType, type Program } from '../program.js';

type ReduceOp = 'Sum' | 'Max' | 'Min' | 'ArgMax' | 'ArgMin';

/** Reduced extents at or below this run serially, one thread per output. */
const SERIAL_MAX = 32;
const GROUP = 64;

/** Kept and reduced dims of a contiguous `shape`, each collapsed where neighbours of one kind are contiguous. */
function splitDims(shape: readonly number[], dims: readonly number[]) {
  const strides = stridesOf(shape);
  const kept: { size: number; stride: number }[] = [];
  const red: { size: number; stride: number }[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const list = dims.includes(d) ? red : kept;
    const last = list.at(-1);
    if (last && last.stride === strides[d]! * n) {
      last.size *= n;
      last.stride = strides[d]!;
    } else list.push({ size: n, stride: strides[d]! });
  });
  return { kept, red };
}

/** WGSL for the accumulator: its type, identity, how a value enters it, and how two combine. */
function accumulator(op: ReduceOp, dtype: DType) {
  const t = wgslType(dtype);
  if (op === 'Sum') {
    const acc = dtype === 'float32' ? 'f32' : 'i32';
    return { type: acc, identity: `${acc}(0)`, load: (v: string) => `${acc}(${v})`, combine: (a: string, b: string) => `${a} + ${b}` };
  }
  if (op === 'Max' || op === 'Min') {
    const isMax = op === 'Max';
    const identity =
      t === 'f32' ? `${isMax ? '-' : ''}f32_inf()` : t === 'i32' ? (isMax ? 'i32(-2147483647 - 1)' : '2147483647') : isMax ? '0u' : '1u';
    const fn = t === 'f32' ? `${isMax ? 'max' : 'min'}_f32` : isMax ? 'max' : 'min';
    return { type: t, identity, load: (v: string) => v, combine: (a: string, b: string) => `${fn}(${a}, ${b})` };
  }
  // Arg reductions carry (value, index) pairs; see `better` in the program.
  return { type: `Arg`, identity: `Arg(${t === 'f32' ? '0.0' : `${t}(0)`}, 0xffffffffu)`, load: (v: string) => v, combine: (a: string, b: string) => `better(${a}, ${b})` };
}

class ReduceProgram implements Program {
  readonly shaderKey: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  private readonly serial: boolean;
  private readonly keptRank: number;
  private readonly redRank: number;

  constructor(
    private readonly op: ReduceOp,
    private readonly dtype: DType,
    shape: readonly number[],
    dims: readonly number[],
  ) {
    const { kept, red } = splitDims(shape, dims);
    const numOut = kept.reduce((n, g) => n * g.size, 1);
    const count = red.reduce((n, g) => n * g.size, 1);
    this.keptRank = kept.length;
    this.redRank = red.length;
    this.serial = count <= SERIAL_MAX;
    // Uniform layout: [numOut, R, kept decode strides, kept input strides, reduced decode strides, reduced input strides]
    this.uniforms = [
      numOut, count,
      ...stridesOf(kept.map((g) => g.size)), ...kept.map((g) => g.stride),
      ...stridesOf(red.map((g) => g.size)), ...red.map((g) => g.stride),
    ];
    this.workgroupSize = [this.serial ? FLAT_WORKGROUP : GROUP, 1, 1];
    this.dispatch = flatDispatch(this.serial ? Math.ceil(numOut / FLAT_WORKGROUP) : numOut);
    this.shaderKey = `reduce:${op}:k${this.keptRank}:r${this.redRank}:${this.serial ? 'serial' : 'group'}`;
  }

  getUserCode(): string {
    const { op, dtype, keptRank: kr, redRank: rr } = this;
    const acc = accumulator(op, dtype);
    const t = wgslType(dtype);
    const isArg = op === 'ArgMax' || op === 'ArgMin';
    const keptAt = 2;
    const redAt = 2 + 2 * kr;
    const base = `${decodeWgsl('o', kr, keptAt, 'k')}\n  let base = ${dotWgsl(kr, keptAt + kr, 'k')};`;
    const element = `${decodeWgsl('r', rr, redAt, 'q')}\n    let v = in0[base + ${dotWgsl(rr, redAt + rr, 'q')}];`;
    const enter = isArg ? 'better(acc, Arg(v, r))' : acc.combine('acc', acc.load('v'));
    const result = isArg ? 'i32(acc.i)' : 'acc';
    // Arg: the better of two candidates; NaN beats numbers, then the larger (smaller) value, then the lower index.
    const isNan = (x: string) => (t === 'f32' ? `is_nan(${x})` : 'false');
    const argHelpers = isArg
      ? `struct Arg { v: ${t}, i: u32 }
fn better(a: Arg, b: Arg) -> Arg {
  if (a.i == 0xffffffffu) { return b; }
  if (b.i == 0xffffffffu) { return a; }
  let an = ${isNan('a.v')};
  let bn = ${isNan('b.v')};
  if (an || bn) { if (an && (!bn || a.i < b.i)) { return a; } return b; }
  if (a.v ${op === 'ArgMax' ? '>' : '<'} b.v) { return a; }
  if (b.v ${op === 'ArgMax' ? '>' : '<'} a.v) { return b; }
  if (a.i < b.i) { return a; }
  return b;
}`
      : '';
    if (this.serial) {
      return `${MATH_WGSL}
${argHelpers}
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let o = ${FLAT_INDEX};
  if (o >= u(0u)) { return; }
  ${base}
  var acc = ${acc.identity};
  for (var r = 0u; r < u(1u); r++) {
    ${element}
    acc = ${enter};
  }
  out[o] = ${result};
}`;
    }
    return `${MATH_WGSL}
${argHelpers}
var<workgroup> partial: array<${acc.type}, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(${GROUP_MAIN_ARGS}) {
  let o = ${GROUP_INDEX};
  if (o >= u(0u)) { return; }
  ${base}
  var acc = ${acc.identity};
  for (var r = lidx; r < u(1u); r += ${GROUP}u) {
    ${element}
    acc = ${enter};
  }
  partial[lidx] = acc;
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lidx < s) { partial[lidx] = ${acc.combine('partial[lidx]', 'partial[lidx + s]')}; }
    workgroupBarrier();
  }
  if (lidx == 0u) { acc = partial[0]; out[o] = ${result}; }
}`;
  }
}

interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

function reduce(backend: WebGpuBackend, op: ReduceOp, x: TensorInfo, dims: readonly number[], outShape: readonly number[], outDtype: DType): TensorInfo {
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  if (op !== 'Sum' && count === 0 && sizeOf(outShape) > 0) {
    throw new Error(`${op}: cannot reduce over an empty dimension (shape [${x.shape.join(',')}], dims [${dims.join(',')}])`);
  }
  return backend.runProgram(new ReduceProgram(op, x.dtype, x.shape, dims), [x], outShape, outDtype);
}

/** Sum: int32 and bool inputs give int32 (wrapping), as PyTorch's integer sum. */
registerKernel<WebGpuBackend>('webgpu', 'Sum', ({ inputs: [x], attrs, backend }) => {
  const { dims, keepdim } = attrs as ReduceAttrs;
  return reduce(backend, 'Sum', x!, dims, reducedShape(x!.shape, dims, keepdim), x!.dtype === 'float32' ? 'float32' : 'int32');
});

/** Max / Min (amax / amin): values only; any NaN among the reduced elements gives NaN. */
for (const op of ['Max', 'Min'] as const) {
  registerKernel<WebGpuBackend>('webgpu', op, ({ inputs: [x], attrs, backend }) => {
    const { dims, keepdim } = attrs as ReduceAttrs;
    return reduce(backend, op, x!, dims, reducedShape(x!.shape, dims, keepdim), x!.dtype);
  });
}

/** ArgMax / ArgMin {dim: number | null, keepdim} → int32; first index on ties, the first NaN counts as the extreme. */
for (const op of ['ArgMax', 'ArgMin'] as const) {
  registerKernel<WebGpuBackend>('webgpu', op, ({ inputs: [x], attrs, backend }) => {
    const { dim, keepdim } = attrs as { dim: number | null; keepdim: boolean };
    const shape = x!.shape;
    const dims = dim === null ? shape.map((_, d) => d) : [dim];
    const outShape = dim === null ? (keepdim ? shape.map(() => 1) : []) : reducedShape(shape, [dim], keepdim);
    return reduce(backend, op, x!, dims, outShape, 'int32');
  });
}
