import type { DType } from './dtype.js';
/**
 * The primitive kernel set: the contract between ops (which validate and normalise arguments), backends (which
 * implement each name) and autograd (which has one gradient rule per differentiable name). Composite ops
 * (mean, softmax, logSoftmax, logsumexp, var, std, clamp, oneHot, ...) are built from these.
 *
 * Conventions every kernel can rely on (the op layer guarantees them):
 * - inputs are contiguous row-major; dims in attrs are non-negative and sorted where a list;
 * - binary/where inputs already share one dtype (the op casts to the promoted dtype first), shapes broadcast;
 * - unary float ops get float32 input (the op casts int/bool first); Neg/Abs/Sign/Square/Relu also take int32;
 * - Add/Mul/Maximum/Minimum also take bool (logical or/and, as in PyTorch);
 * - Sum/Max/Min may get `dims: []`, meaning a copy (Sum still gives int32 for int/bool).
 */
export const UNARY_KERNELS = [
  'Neg', 'Abs', 'Sign', 'Exp', 'Log', 'Sqrt', 'Rsqrt', 'Sin', 'Cos', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Square',
  'Reciprocal',
] as const;
/** Unary with attrs: Gelu {approximate: 'none' | 'tanh'}, LeakyRelu {negativeSlope: number}. */
export const UNARY_ATTR_KERNELS = ['Gelu', 'LeakyRelu'] as const;
/** (a, b) → promoted dtype, broadcast. */
export const BINARY_KERNELS = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum'] as const;
/** (a, b) → bool, broadcast. */
export const COMPARE_KERNELS = ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'] as const;
/** (x) {dims: number[], keepdim: boolean}; Sum of int32/bool gives int32. Ties in Max/Min share the gradient evenly. */
export const REDUCE_KERNELS = ['Sum', 'Max', 'Min'] as const;
/** (x) {dim: number | null (null: over the flattened tensor), keepdim: boolean} → int32; first index on ties. */
export const ARG_REDUCE_KERNELS = ['ArgMax', 'ArgMin'] as const;

export interface MatMulAttrs {
  /** Use the last two dims of a (b) transposed. Inputs have rank ≥ 2; batch dims broadcast. */
  transposeA: boolean;
  transposeB: boolean;
}
export interface ReshapeAttrs { shape: number[] }
/** Output dim i is input dim perm[i]. */
export interface TransposeAttrs { perm: number[] }
/** Contiguous box: out[i] = x[begin + i] for each dim, out shape = size. */
export interface SliceAttrs { begin: number[]; size: number[] }
/** Constant padding: pad[d] = [before, after] for every dim d. */
export interface PadAttrs { pad: [number, number][]; value: number }
/** (...tensors) joined along dim; all other dims equal, one dtype. */
export interface ConcatAttrs { dim: number }
/** Broadcast to shape (rank ≥ input rank, trailing alignment). */
export interface ExpandAttrs { shape: number[] }
/** (x, index:int32) → out[..i..] = x[..index[..i..]..] along dim (torch.gather). */
export interface GatherAttrs { dim: number }
/**
 * (x, index: int32 of rank ≤ 1) → x with index.size entries along dim: out[..j..] = x[..index[j]..]
 * (torch.index_select). Its own kernel rather than a Gather of an expanded index: whole blocks are copied.
 */
export interface IndexSelectAttrs { dim: number }
/** (x, index:int32, src) → x with src added at index along dim (torch.scatter_add, out of place). */
export interface ScatterAddAttrs { dim: number }
export interface CastAttrs { dtype: DType }
/**
 * (x) → int32 of x's shape: along `dim`, the positions of x's entries in sorted order (torch.argsort with
 * stable=True): ascending, or descending; equal entries keep their order (the lower position first, in both
 * directions); NaN sorts above every number (last ascending, first descending), as in PyTorch. sort and topk
 * are this plus a Gather, so their values' gradient is the Gather's.
 */
export interface ArgSortAttrs { dim: number; descending: boolean }

/**
 * A grid of 2-d sliding windows over the spatial dims of an image [N, C, H, W] (1-d data is H = 1). Window
 * (oy, ox) of the `outSize` grid covers the positions (oy·stride[0] − pad[0] + ky·dilation[0],
 * ox·stride[1] − pad[1] + kx·dilation[1]) for ky < kernel[0], kx < kernel[1]; positions outside the image are
 * padding. `pad` is the padding before the image (top, left); the padding after it is whatever the grid
 * reaches, so asymmetric ('same') and ceil-mode grids need nothing more.
 */
export interface WindowAttrs {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  pad: [number, number];
  outSize: [number, number];
}
/**
 * (x [N, C, H, W]) → columns [C·kh·kw, N·oh·ow]: row (c, ky, kx) holds, for every window, the value of channel
 * c at that window's (ky, kx) position (0 in the padding). The row order matches a weight [O, C/G, kh, kw]
 * flattened, so with G groups the columns viewed as [G, (C/G)·kh·kw, N·oh·ow] make a convolution one matrix
 * product per group (im2col, as PyTorch's slow_conv2d and Caffe do); N is folded into the columns so that
 * product is a single GEMM.
 */
export type Im2ColAttrs = WindowAttrs;
/**
 * The adjoint of Im2Col: (columns [C·kh·kw, N·oh·ow]) → image `shape` [N, C, H, W], each column value added
 * into the image position it was read from (padding positions dropped). A transposed convolution's forward
 * pass and a convolution's input gradient.
 */
export interface Col2ImAttrs extends WindowAttrs { shape: [number, number, number, number] }
/**
 * (x [N, C, H, W]) → int32 [N, C, oh, ow]: for each window, the flat index y·W + x within its (n, c) plane of
 * the largest value (the first one on ties; a NaN wins, the last NaN when several, as PyTorch's max pooling),
 * padding excluded. Max pooling is a Gather at these indices, so its gradient is the Gather's.
 */
export type MaxPoolIndicesAttrs = WindowAttrs;

/**
 * The normalisation kernels view their (contiguous) input as [A, C, B] — `view`, whose product is the input's
 * size — and work per C, reducing over A and B: BatchNorm's [N, C, H·W] (per channel), LayerNorm's [1, rows, D]
 * and GroupNorm's [1, N·G, D] (per row). Fused forms of what the composites (mean, sub, square, sum, mul, add)
 * compute in several passes over a large tensor, tested against them.
 */
export interface ChannelViewAttrs { view: [number, number, number] }
/**
 * Moments (x) → [2, C]: row 0 the mean, row 1 the biased variance Σ(x − mean)²/(A·B) per C; two passes
 * accumulated in float64 (the mean kept in float64 for the second), each rounded once.
 */
export type MomentsAttrs = ChannelViewAttrs;
/** ScaleShift (x, scale [C], shift [C]) → x·scale[c] + shift[c] in x's shape: a per-channel affine map. */
export type ScaleShiftAttrs = ChannelViewAttrs;
/** SumProduct (a, b) → [C]: Σ over A and B of a·b per C (float64 accumulation), a and b of one shape. */
export type SumProductAttrs = ChannelViewAttrs;

/**
 * AdamStep (param, grad, expAvg, expAvgSq[, maxExpAvgSq]) → [param', expAvg', expAvgSq'(, maxExpAvgSq')]: one
 * Adam/AdamW update of one parameter in a single pass, each float32 operation rounded as the composite of
 * @nn/optim (and PyTorch's CPU kernels) rounds it, so the two agree bit for bit:
 *   θ ← θ·decay (AdamW, skipped when decay = 1);  g ← ±grad (+ weightDecay·θ, Adam's L2)
 *   m ← m·β1 + (1 − β1)·g;  v ← v·β2 + ((1 − β2)·g)·g;  v̂ ← max(v̂, v) with amsgrad
 *   θ ← θ + (−stepSize·m) / (√v̂ / biasCorrection2Sqrt + eps)
 * Numbers enter as float32 (as a scalar operand does); a factor of exactly 1 is skipped, as the composite skips it.
 */
export interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  /** lr / (1 − β1^t), computed in float64. */
  stepSize: number;
  /** √(1 − β2^t), computed in float64. */
  biasCorrection2Sqrt: number;
  eps: number;
  /** Adam's L2 penalty folded into the gradient (0: none). */
  weightDecay: number;
  /** AdamW's decoupled decay factor 1 − lr·λ, in float64 (1: none). */
  decay: number;
  maximize: boolean;
  amsgrad: boolean;
}
/**
 * SgdStep (param, grad[, momentumBuffer]) → [param'(, momentumBuffer')]: one SGD update of one parameter in a
 * single pass, rounded as the composite of @nn/optim (and PyTorch's CPU kernels) rounds it, bit for bit:
 *   d ← ±grad (+ weightDecay·θ);  with momentum μ: b ← d on the first step (no buffer input), else
 *   b·μ + (1 − dampening)·d;  d ← d + μ·b (nesterov) or b;  θ ← θ + (−lr)·d
 * The buffer output exists when momentum ≠ 0. Numbers enter as float32; a factor of exactly 1 is skipped.
 */
export interface SgdStepAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}
/** Kernels with several outputs: run with `engine.runKernelMulti`. They carry no gradient. */
export const MULTI_OUTPUT_KERNELS = ['AdamStep', 'SgdStep'] as const;

/** Every kernel name. `Clone` copies; `Reshape` shares storage. */
export const KERNELS = [
  ...UNARY_KERNELS, ...UNARY_ATTR_KERNELS, ...BINARY_KERNELS, ...COMPARE_KERNELS, ...REDUCE_KERNELS, ...ARG_REDUCE_KERNELS,
  'Where', 'Cast', 'Clone', 'MatMul', 'Reshape', 'Transpose', 'Slice', 'Pad', 'Concat', 'Expand', 'Gather', 'IndexSelect', 'ScatterAdd', 'ArgSort',
  'Im2Col', 'Col2Im', 'MaxPoolIndices', 'Moments', 'ScaleShift', 'SumProduct', ...MULTI_OUTPUT_KERNELS,
] as const;
export type KernelName = (typeof KERNELS)[number];
