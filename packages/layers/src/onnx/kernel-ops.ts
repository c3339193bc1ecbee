/**
 * One ONNX emitter per @nn kernel: what a traced kernel call becomes in the graph. Kernels with a direct ONNX
 * op map to it; the others (Rsqrt, Gelu, the window kernels Im2Col/Col2Im/MaxPoolIndices, the fused
 * normalisation kernels Moments/ScaleShift) become the few ONNX ops that compute the same values. Kernels absent
 * here (the optimizer steps, SumProduct: training-only) make `exportOnnx` throw, naming the kernel.
 */
import type { Tensor, WindowAttrs } from '@nn/tensor';
import { elemType, float, type Attr, type OnnxGraph } from './graph.js';

export interface EmitContext {
  g: OnnxGraph;
  opset: number;
  /** The traced batch size when the export has a dynamic batch (dim 0 of every input), else null. */
  batch: number | null;
}

export interface KernelCall {
  /** Value names of the inputs, in order. */
  inputs: string[];
  /** The traced input tensors (their shapes and dtypes). */
  tensors: readonly Tensor[];
  attrs: Record<string, unknown>;
  out: Tensor;
}

type Emitter = (ctx: EmitContext, call: KernelCall) => string;

/**
 * Reshape `x` from `from` to `to`. With a dynamic batch B, a leading dim that stays B is written 0 (ONNX: copy
 * the input's dim) and one that folds B with other dims ([N, C, H, W] → [N·C, 1, H, W], and back) is written
 * −1, so the graph reshapes any batch size; for tensors that do not carry the batch either form gives the
 * traced shape.
 */
export function reshape(ctx: EmitContext, x: string, from: readonly number[], to: readonly number[]): string {
  const shape = to.slice();
  const b = ctx.batch;
  const carriesBatch = b !== null && from.length > 0 && to.length > 0 && from[0]! % b === 0 && to[0]! % b === 0 && !to.includes(0);
  if (carriesBatch) shape[0] = from[0] === to[0] ? 0 : -1;
  const attrs: Record<string, Attr> = shape.includes(0) && !carriesBatch && ctx.opset >= 14 ? { allowzero: 1 } : {};
  return ctx.g.op('Reshape', [x, ctx.g.int64(shape)], attrs);
}

/** ReduceSum/Max/Min/Mean over `axes`: axes became an input in opset 13 (ReduceSum) and 18 (the others). */
export function reduce(ctx: EmitContext, op: 'ReduceSum' | 'ReduceMax' | 'ReduceMin' | 'ReduceMean', x: string, axes: number[], keepdims: boolean): string {
  const asInput = op === 'ReduceSum' || ctx.opset >= 18;
  const keep = keepdims ? 1 : 0;
  return asInput ? ctx.g.op(op, [x, ctx.g.int64(axes)], { keepdims: keep }) : ctx.g.op(op, [x], { axes, keepdims: keep });
}

function swapLastTwo(ctx: EmitContext, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return ctx.g.op('Transpose', [x], { perm });
}

const direct = (op: string): Emitter => (ctx, { inputs }) => ctx.g.op(op, inputs);

/** Add/Mul/Maximum/Minimum of bool are logical or/and (as in PyTorch). */
const binary = (op: string, boolOp?: string): Emitter => (ctx, { inputs, tensors }) =>
  ctx.g.op(tensors[0]!.dtype === 'bool' && boolOp ? boolOp : op, inputs);

/** GELU with PyTorch's two forms: x·Φ(x) via erf (exact), or the tanh approximation. */
function gelu(ctx: EmitContext, { inputs: [x], attrs }: KernelCall): string {
  const { g } = ctx;
  let inner: string;
  if (attrs.approximate === 'tanh') {
    const cube = g.op('Mul', [g.op('Mul', [x!, x!]), x!]);
    const arg = g.op('Mul', [g.op('Add', [x!, g.op('Mul', [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
    inner = g.op('Tanh', [arg]);
  } else {
    inner = g.op('Erf', [g.op('Mul', [x!, g.scalar(Math.SQRT1_2)])]);
  }
  return g.op('Mul', [g.op('Mul', [x!, g.op('Add', [inner, g.scalar(1)])]), g.scalar(0.5)]);
}

function sumOrExtreme(op: 'ReduceSum' | 'ReduceMax' | 'ReduceMin'): Emitter {
  return (ctx, { inputs: [x], tensors: [t], attrs }) => {
    // Sum of int32/bool gives int32 (as torch.sum gives an integer tensor).
    const input = op === 'ReduceSum' && t!.dtype === 'bool' ? ctx.g.op('Cast', [x!], { to: elemType('int32') }) : x!;
    const dims = attrs.dims as number[];
    if (dims.length === 0) return ctx.g.op('Identity', [input]);
    return reduce(ctx, op, input, dims, attrs.keepdim as boolean);
  };
}

function argReduce(op: 'ArgMax' | 'ArgMin'): Emitter {
  return (ctx, { inputs: [x], tensors: [t], attrs, out }) => {
    const { g } = ctx;
    const dim = attrs.dim as number | null;
    const keepdims = attrs.keepdim ? 1 : 0;
    const index =
      dim === null
        ? reshape(ctx, g.op(op, [reshape(ctx, x!, t!.shape, [-1])], { axis: 0, keepdims: 0 }), [], out.shape)
        : g.op(op, [x!], { axis: dim, keepdims });
    return g.op('Cast', [index], { to: elemType('int32') });
  };
}

function slice(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const { begin, size } = attrs as { begin: number[]; size: number[] };
  const axes = begin.flatMap((b, d) => (b !== 0 || size[d] !== t!.shape[d] ? [d] : []));
  if (axes.length === 0) return ctx.g.op('Identity', [x!]);
  const starts = axes.map((d) => begin[d]!);
  const ends = axes.map((d) => begin[d]! + size[d]!);
  return ctx.g.op('Slice', [x!, ctx.g.int64(starts), ctx.g.int64(ends), ctx.g.int64(axes)]);
}

/** Spatial slice [0, size) of the trailing two dims, when a window op's grid came out larger than wanted. */
function cropTo(ctx: EmitContext, x: string, got: [number, number], want: [number, number]): string {
  if (got[0] === want[0] && got[1] === want[1]) return x;
  return ctx.g.op('Slice', [x, ctx.g.int64([0, 0]), ctx.g.int64(want), ctx.g.int64([2, 3])]);
}

/** The padding after the image that a window grid of `outSize` reaches (ONNX wants it explicit). */
function padAfter(attrs: WindowAttrs, size: [number, number]): [number, number] {
  const reach = (i: 0 | 1) => (attrs.outSize[i] - 1) * attrs.stride[i] + attrs.dilation[i] * (attrs.kernel[i] - 1) + 1;
  return [Math.max(0, reach(0) - size[0] - attrs.pad[0]), Math.max(0, reach(1) - size[1] - attrs.pad[1])];
}

/** The grid a window op with these pads produces (ONNX's floor rule). */
function gridOf(attrs: WindowAttrs, size: [number, number], after: [number, number]): [number, number] {
  const n = (i: 0 | 1) => Math.floor((size[i] + attrs.pad[i] + after[i] - attrs.dilation[i] * (attrs.kernel[i] - 1) - 1) / attrs.stride[i]) + 1;
  return [n(0), n(1)];
}

/**
 * Weights [C·kh·kw, 1, kh, kw] that copy each window position to its own output channel: a grouped
 * convolution with them lays out windows exactly as Im2Col's rows (c, ky, kx), and the transposed one adds
 * them back as Col2Im does.
 */
function windowCopyWeights(ctx: EmitContext, channels: number, kernel: [number, number]): string {
  const taps = kernel[0] * kernel[1];
  const values = new Float32Array(channels * taps * taps);
  for (let c = 0; c < channels; c++) for (let k = 0; k < taps; k++) values[(c * taps + k) * taps + k] = 1;
  return ctx.g.initializer('window_taps', 'float32', [channels * taps, 1, kernel[0], kernel[1]], values);
}

function windowAttrsOnnx(attrs: WindowAttrs, after: [number, number]): Record<string, Attr> {
  return {
    kernel_shape: attrs.kernel.slice(),
    strides: attrs.stride.slice(),
    dilations: attrs.dilation.slice(),
    pads: [attrs.pad[0], attrs.pad[1], after[0], after[1]],
  };
}

function im2col(ctx: EmitContext, { inputs: [x], tensors: [t], attrs, out }: KernelCall): string {
  const a = attrs as unknown as WindowAttrs;
  const [, c, h, w] = t!.shape as [number, number, number, number];
  const size: [number, number] = [h, w];
  const after = padAfter(a, size);
  const windows = ctx.g.op('Conv', [x!, windowCopyWeights(ctx, c, a.kernel)], { ...windowAttrsOnnx(a, after), group: c });
  const cropped = cropTo(ctx, windows, gridOf(a, size, after), a.outSize);
  // [N, C·kh·kw, oh, ow] → [C·kh·kw, N·oh·ow]
  const rows = ctx.g.op('Transpose', [cropped], { perm: [1, 0, 2, 3] });
  return ctx.g.op('Reshape', [rows, ctx.g.int64([out.shape[0]!, -1])]);
}

function col2im(ctx: EmitContext, { inputs: [cols], attrs }: KernelCall): string {
  const a = attrs as unknown as WindowAttrs & { shape: [number, number, number, number] };
  const { g } = ctx;
  const [, c, h, w] = a.shape;
  const [oh, ow] = a.outSize;
  const taps = a.kernel[0] * a.kernel[1];
  const grid = g.op('Transpose', [g.op('Reshape', [cols!, g.int64([c * taps, -1, oh, ow])])], { perm: [1, 0, 2, 3] });
  const { pads: _, ...rest } = windowAttrsOnnx(a, [0, 0]);
  let image = g.op('ConvTranspose', [grid, windowCopyWeights(ctx, c, a.kernel)], { ...rest, group: c });
  // The full transposed grid starts at the top-left padding; keep [pad, pad + size) (zeros where it falls short).
  const full = [0, 1].map((i) => (a.outSize[i]! - 1) * a.stride[i]! + a.dilation[i]! * (a.kernel[i]! - 1) + 1);
  const short = [Math.max(0, a.pad[0] + h - full[0]!), Math.max(0, a.pad[1] + w - full[1]!)];
  if (short[0]! > 0 || short[1]! > 0) image = g.op('Pad', [image, g.int64([0, 0, 0, 0, 0, 0, short[0]!, short[1]!])]);
  return g.op('Slice', [image, g.int64(a.pad.slice()), g.int64([a.pad[0] + h, a.pad[1] + w]), g.int64([2, 3])]);
}

function maxPoolIndices(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const a = attrs as unknown as WindowAttrs;
  const { g } = ctx;
  const [, , h, w] = t!.shape as [number, number, number, number];
  const after = padAfter(a, [h, w]);
  const [, indices] = g.node('MaxPool', [x!], windowAttrsOnnx(a, after), 2);
  const cropped = cropTo(ctx, indices!, gridOf(a, [h, w], after), a.outSize);
  // ONNX counts over the whole flattened tensor; @nn within each (n, c) plane.
  return g.op('Cast', [g.op('Mod', [cropped, g.constant('int64', [h * w], [])])], { to: elemType('int32') });
}

/** Moments: x viewed as [A, C, B] → [2, C], the mean and the biased variance per C. */
function moments(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const { g } = ctx;
  const view = attrs.view as [number, number, number];
  const x3 = reshape(ctx, x!, t!.shape, view);
  const mean = reduce(ctx, 'ReduceMean', x3, [0, 2], true);
  const centred = g.op('Sub', [x3, mean]);
  const variance = reduce(ctx, 'ReduceMean', g.op('Mul', [centred, centred]), [0, 2], true);
  return g.op('Reshape', [g.op('Concat', [mean, variance], { axis: 0 }), g.int64([2, view[1]])]);
}

/** ScaleShift: x viewed as [A, C, B] → x·scale[c] + shift[c], in x's shape. */
function scaleShift(ctx: EmitContext, { inputs: [x, scale, shift], tensors: [t], attrs }: KernelCall): string {
  const { g } = ctx;
  const view = attrs.view as [number, number, number];
  const perC = g.int64([view[1], 1]);
  const x3 = reshape(ctx, x!, t!.shape, view);
  const y = g.op('Add', [g.op('Mul', [x3, g.op('Reshape', [scale!, perC])]), g.op('Reshape', [shift!, perC])]);
  return reshape(ctx, y, view, t!.shape);
}

function pad(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const { pad: widths, value } = attrs as { pad: [number, number][]; value: number };
  const pads = [...widths.map(([b]) => b), ...widths.map(([, a]) => a)];
  return ctx.g.op('Pad', [x!, ctx.g.int64(pads), ctx.g.scalar(value, t!.dtype)]);
}

/** Expand: a dim the input already has is written 1 (ONNX broadcasts both ways), so a dynamic batch passes. */
function expand(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const shape = (attrs.shape as number[]).slice();
  const offset = shape.length - t!.shape.length;
  t!.shape.forEach((d, i) => {
    if (d === shape[offset + i]) shape[offset + i] = 1;
  });
  return ctx.g.op('Expand', [x!, ctx.g.int64(shape)]);
}

function indexSelect(ctx: EmitContext, { inputs: [x, index], tensors, attrs }: KernelCall): string {
  const idx = tensors[1]!.rank === 0 ? ctx.g.op('Reshape', [index!, ctx.g.int64([1])]) : index!;
  return ctx.g.op('Gather', [x!, idx], { axis: attrs.dim as number });
}

function scatterAdd(ctx: EmitContext, { inputs: [x, index, src], tensors, attrs }: KernelCall): string {
  if (ctx.opset < 16) throw new Error(`exportOnnx: kernel 'ScatterAdd' needs opset >= 16 (ScatterElements with reduction), got opset ${ctx.opset}`);
  // torch.scatter_add reads src only where index reaches; ONNX wants updates of the index's shape.
  const [ix, s] = [tensors[1]!, tensors[2]!];
  const updates = ix.shape.every((d, i) => d === s.shape[i]) ? src! : slice(ctx, {
    inputs: [src!], tensors: [s], attrs: { begin: ix.shape.map(() => 0), size: ix.shape }, out: s,
  });
  return ctx.g.op('ScatterElements', [x!, index!, updates], { axis: attrs.dim as number, reduction: 'add' });
}

function argSort(ctx: EmitContext, { inputs: [x], tensors: [t], attrs }: KernelCall): string {
  const { dim, descending } = attrs as { dim: number; descending: boolean };
  const k = ctx.g.int64([t!.shape[dim]!]);
  const [, indices] = ctx.g.node('TopK', [x!, k], { axis: dim, largest: descending ? 1 : 0, sorted: 1 }, 2);
  return ctx.g.op('Cast', [indices!], { to: elemType('int32') });
}

function matMul(ctx: EmitContext, { inputs: [a, b], tensors, attrs }: KernelCall): string {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const lhs = transposeA ? swapLastTwo(ctx, a!, tensors[0]!.rank) : a!;
  const rhs = transposeB ? swapLastTwo(ctx, b!, tensors[1]!.rank) : b!;
  return ctx.g.op('MatMul', [lhs, rhs]);
}

export const KERNEL_EMITTERS: Record<string, Emitter> = {
  Neg: direct('Neg'),
  Abs: direct('Abs'),
  Sign: direct('Sign'),
  Exp: direct('Exp'),
  Log: direct('Log'),
  Sqrt: direct('Sqrt'),
  Rsqrt: (ctx, { inputs }) => ctx.g.op('Reciprocal', [ctx.g.op('Sqrt', inputs)]),
  Sin: direct('Sin'),
  Cos: direct('Cos'),
  Tanh: direct('Tanh'),
  Sigmoid: direct('Sigmoid'),
  Relu: direct('Relu'),
  Erf: direct('Erf'),
  Square: (ctx, { inputs: [x] }) => ctx.g.op('Mul', [x!, x!]),
  Reciprocal: direct('Reciprocal'),
  Gelu: gelu,
  LeakyRelu: (ctx, { inputs, attrs }) => ctx.g.op('LeakyRelu', inputs, { alpha: float(attrs.negativeSlope as number) }),

  Add: binary('Add', 'Or'),
  Sub: binary('Sub'),
  Mul: binary('Mul', 'And'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Maximum: binary('Max', 'Or'),
  Minimum: binary('Min', 'And'),

  Equal: direct('Equal'),
  NotEqual: (ctx, { inputs }) => ctx.g.op('Not', [ctx.g.op('Equal', inputs)]),
  Less: direct('Less'),
  LessEqual: direct('LessOrEqual'),
  Greater: direct('Greater'),
  GreaterEqual: direct('GreaterOrEqual'),

  Sum: sumOrExtreme('ReduceSum'),
  Max: sumOrExtreme('ReduceMax'),
  Min: sumOrExtreme('ReduceMin'),
  ArgMax: argReduce('ArgMax'),
  ArgMin: argReduce('ArgMin'),

  Where: direct('Where'),
  Cast: (ctx, { inputs, attrs }) => ctx.g.op('Cast', inputs, { to: elemType(attrs.dtype as 'float32') }),
  Clone: direct('Identity'),
  MatMul: matMul,
  Reshape: (ctx, { inputs: [x], tensors: [t], attrs }) => reshape(ctx, x!, t!.shape, attrs.shape as number[]),
  Transpose: (ctx, { inputs, attrs }) => ctx.g.op('Transpose', inputs, { perm: attrs.perm as number[] }),
  Slice: slice,
  Pad: pad,
  Concat: (ctx, { inputs, attrs }) => ctx.g.op('Concat', inputs, { axis: attrs.dim as number }),
  Expand: expand,
  Gather: (ctx, { inputs, attrs }) => ctx.g.op('GatherElements', inputs, { axis: attrs.dim as number }),
  IndexSelect: indexSelect,
  ScatterAdd: scatterAdd,
  ArgSort: argSort,

  Im2Col: im2col,
  Col2Im: col2im,
  MaxPoolIndices: maxPoolIndices,
  Moments: moments,
  ScaleShift: scaleShift,
};
