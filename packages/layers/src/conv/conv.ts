/**
 * Convolution and transposed convolution, 1-d and 2-d (F.conv1d, F.conv2d, F.conv_transpose1d,
 * F.conv_transpose2d), built from the Im2Col/Col2Im kernels and one matrix product per group, so autograd
 * needs no rule of its own and every backend runs them.
 *
 * Convolution (cross-correlation, as in PyTorch): y[n, o, i, j] = b[o] + Σ_{c, ky, kx} W[o, c, ky, kx] ·
 * x[n, g·C/G + c, i·sh − pt + ky·dh, j·sw − pl + kx·dw] for output channel o of group g = ⌊o / (O/G)⌋.
 * As matrices: cols = Im2Col(x) [C·kh·kw, N·oh·ow], y = W [O, C/G·kh·kw] · cols per group, then the
 * [O, N, oh·ow] product is put in [N, O, oh, ow] order.
 * Transposed convolution is its adjoint in x: cols = Wᵀ · x per group, y = Col2Im(cols).
 */
import { add, autocastOp, engine, fmtShape, reshape, tidy, transpose, type Tensor } from '@nn/tensor';
import { checkInt, checkOptions, checkSameDtype, checkTensor, FLOATS } from '../args.js';
import { asImage, convOutLen, showPair, windowAttrs, windowPair, type Pair, type Size1, type Size2 } from './window-args.js';

export interface ConvOptions<S = Size2> {
  stride?: S;
  /** Zero padding on both sides of each spatial dim, or 'valid' (none) or 'same' (output as large as the input; stride 1 only). */
  padding?: S | 'same' | 'valid';
  dilation?: S;
  /** Input and output channels are split into this many groups convolved separately (default 1). */
  groups?: number;
}

export interface ConvTransposeOptions<S = Size2> {
  stride?: S;
  /** The padding of the convolution this one is the adjoint of: the output loses `padding` rows/columns on each side. */
  padding?: S;
  /** Extra size added to one side (bottom/right) of the output, to pick among the sizes a strided convolution maps to one size. */
  outputPadding?: S;
  groups?: number;
  dilation?: S;
}

/** The resolved settings of a convolution, in 2-d form; padding as [top, bottom, left, right]. */
export interface ConvGeometry {
  stride: Pair;
  dilation: Pair;
  padding: [number, number, number, number];
  groups: number;
}

/** Resolves and checks conv options for a kernel of 2-d size `kernel` (1-d: [1, k]). */
export function convGeometry(op: string, dims: 1 | 2, kernel: Pair, opts: ConvOptions<Size1 | Size2> | undefined): ConvGeometry {
  const o = checkOptions(op, opts, ['stride', 'padding', 'dilation', 'groups']);
  const stride = windowPair(op, 'stride', o.stride ?? 1, dims, 1);
  const dilation = windowPair(op, 'dilation', o.dilation ?? 1, dims, 1);
  const groups = checkInt(op, 'groups', o.groups ?? 1, 1);
  const p = o.padding ?? 0;
  let padding: ConvGeometry['padding'];
  if (p === 'valid') padding = [0, 0, 0, 0];
  else if (p === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${op}: padding 'same' is not supported for strided convolutions (stride ${showPair(stride, dims)})`);
    // Total d·(k − 1) per dim; an odd total puts the extra row/column at the end, as PyTorch.
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    padding = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  } else {
    if (typeof p === 'string') throw new Error(`${op}: padding must be a number, a pair, 'same' or 'valid', got '${p}'`);
    const [ph, pw] = windowPair(op, 'padding', p, dims, 0, 0);
    padding = [ph, ph, pw, pw];
  }
  return { stride, dilation, padding, groups };
}

/** The resolved settings of a transposed convolution, in 2-d form. */
export interface ConvTransposeGeometry {
  stride: Pair;
  dilation: Pair;
  padding: Pair;
  outputPadding: Pair;
  groups: number;
}

/** Resolves and checks transposed-conv options (outputPadding must be below stride or dilation, as PyTorch). */
export function convTransposeGeometry(op: string, dims: 1 | 2, opts: ConvTransposeOptions<Size1 | Size2> | undefined): ConvTransposeGeometry {
  const o = checkOptions(op, opts, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']);
  const stride = windowPair(op, 'stride', o.stride ?? 1, dims, 1);
  const dilation = windowPair(op, 'dilation', o.dilation ?? 1, dims, 1);
  const padding = windowPair(op, 'padding', o.padding ?? 0, dims, 0, 0);
  const outputPadding = windowPair(op, 'outputPadding', o.outputPadding ?? 0, dims, 0, 0);
  const groups = checkInt(op, 'groups', o.groups ?? 1, 1);
  for (let d = 0; d < 2; d++)
    if (outputPadding[d]! >= Math.max(stride[d]!, dilation[d]!))
      throw new Error(
        `${op}: outputPadding must be smaller than either stride or dilation, got outputPadding ${showPair(outputPadding, dims)}, ` +
          `stride ${showPair(stride, dims)}, dilation ${showPair(dilation, dims)}`,
      );
  return { stride, dilation, padding, outputPadding, groups };
}

/** Checks a conv weight's dtype and rank ([O, C/G, ...kernel]; transposed [C, O/G, ...kernel]); returns its 2-d kernel size. */
function kernelOf(op: string, weight: Tensor, dims: 1 | 2, transposed: boolean): Pair {
  checkTensor(op, 'weight', weight, FLOATS);
  const k = dims === 1 ? 'k' : 'kh, kw';
  const layout = transposed ? `[inChannels, outChannels/groups, ${k}]` : `[outChannels, inChannels/groups, ${k}]`;
  if (weight.rank !== dims + 2) throw new Error(`${op}: weight must be ${dims + 2}-d ${layout}, got shape ${fmtShape(weight.shape)}`);
  return dims === 1 ? [1, weight.shape[2]!] : [weight.shape[2]!, weight.shape[3]!];
}

/** Checks that the weight's leading channels split into `groups` and that bias is [outChannels]; returns outChannels. */
function checkGroupsAndBias(op: string, weight: Tensor, bias: Tensor | null, transposed: boolean, groups: number): number {
  const lead = weight.shape[0]!;
  if (lead % groups !== 0)
    throw new Error(`${op}: weight's ${transposed ? 'input' : 'output'} channels (${lead}, shape ${fmtShape(weight.shape)}) must be divisible by groups (${groups})`);
  const outChannels = transposed ? weight.shape[1]! * groups : lead;
  if (bias !== null) {
    checkTensor(op, 'bias', bias, FLOATS);
    if (bias.rank !== 1 || bias.shape[0] !== outChannels)
      throw new Error(`${op}: bias must have shape [${outChannels}] (output channels), got ${fmtShape(bias.shape)}`);
  }
  return outChannels;
}

/** `image` is x as [N, C, H, W]; messages show x's own shape. */
function checkChannels(op: string, x: Tensor, image: Tensor, expected: number, weight: Tensor, groups: number): void {
  if (image.shape[1] !== expected)
    throw new Error(
      `${op}: expected input with ${expected} channels (weight ${fmtShape(weight.shape)}, groups ${groups}), got input of shape ${fmtShape(x.shape)}`,
    );
}

/** The [O, N·L] product as [N, O, oh, ow] (`transpose` copies only when N > 1). */
function toImage(y: Tensor, n: number, o: number, oh: number, ow: number): Tensor {
  return reshape(transpose(reshape(y, [o, n, oh * ow]), 0, 1), [n, o, oh, ow]);
}

/** x [N, C, H, W] as [C, N·H·W] (channel-major, like the columns; `transpose` copies only when N > 1). */
function channelsFirst(x: Tensor): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return reshape(transpose(reshape(x, [n, c, h * w]), 0, 1), [c, n * h * w]);
}

/** Per group g: a[g] (·)ᵀ? · b[g], with a [G·r, k] and b [G·k, n] viewed as G stacked matrices; → [G·m, n]. */
function groupedMatMul(a: Tensor, b: Tensor, groups: number, transposeA: boolean): Tensor {
  if (groups === 1) return engine.runKernel('MatMul', [a, b], { transposeA, transposeB: false });
  const a3 = reshape(a, [groups, a.shape[0]! / groups, a.shape[1]!]);
  const b3 = reshape(b, [groups, b.shape[0]! / groups, b.shape[1]!]);
  const y = engine.runKernel('MatMul', [a3, b3], { transposeA, transposeB: false });
  return reshape(y, [y.shape[0]! * y.shape[1]!, y.shape[2]!]);
}

/** Convolution of `dims` spatial dims (the shared body of conv1d and conv2d). */
export function convNd(op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions<Size1 | Size2> | undefined): Tensor {
  const cast = autocastOp('float16', [x, weight, bias], (xh, wh, bh) => convNd(op, dims, xh!, wh!, bh, opts));
  if (cast) return cast;
  const [image, back] = asImage(op, x, dims);
  const kernel = kernelOf(op, weight, dims, false);
  checkSameDtype(op, x, { weight, bias });
  const g = convGeometry(op, dims, kernel, opts);
  const o = checkGroupsAndBias(op, weight, bias, false, g.groups);
  const [n, , h, w] = image.shape as [number, number, number, number];
  checkChannels(op, x, image, weight.shape[1]! * g.groups, weight, g.groups);
  const [pt, pb, pl, pr] = g.padding;
  const oh = convOutLen(h, pt + pb, kernel[0], g.stride[0], g.dilation[0]);
  const ow = convOutLen(w, pl + pr, kernel[1], g.stride[1], g.dilation[1]);
  if (oh < 1 || ow < 1) {
    const padded = dims === 1 ? [w + pl + pr] : [h + pt + pb, w + pl + pr];
    const span = (d: number) => g.dilation[d]! * (kernel[d]! - 1) + 1;
    throw new Error(
      `${op}: kernel size ${dims === 1 ? `[${span(1)}]` : `[${span(0)},${span(1)}]`} (dilated) is larger than the padded input ${fmtShape(padded)} ` +
        `(input shape ${fmtShape(x.shape)})`,
    );
  }
  return tidy(() => {
    const cols = engine.runKernel('Im2Col', [image], { ...windowAttrs(kernel, g.stride, g.dilation, [pt, pl], [oh, ow]) });
    let y = groupedMatMul(reshape(weight, [o, weight.size / o]), cols, g.groups, false);
    if (bias !== null) y = add(y, reshape(bias, [o, 1]));
    return back(toImage(y, n, o, oh, ow));
  });
}

/** Transposed convolution of `dims` spatial dims (the shared body of convTranspose1d and convTranspose2d). */
export function convTransposeNd(
  op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions<Size1 | Size2> | undefined,
): Tensor {
  const cast = autocastOp('float16', [x, weight, bias], (xh, wh, bh) => convTransposeNd(op, dims, xh!, wh!, bh, opts));
  if (cast) return cast;
  const [image, back] = asImage(op, x, dims);
  const { stride, dilation, padding, outputPadding, groups } = convTransposeGeometry(op, dims, opts);
  const kernel = kernelOf(op, weight, dims, true);
  checkSameDtype(op, x, { weight, bias });
  const cout = checkGroupsAndBias(op, weight, bias, true, groups);
  const [n, , h, w] = image.shape as [number, number, number, number];
  checkChannels(op, x, image, weight.shape[0]!, weight, groups);
  const outLen = (d: 0 | 1, size: number) => (size - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + outputPadding[d] + 1;
  const [hout, wout] = [outLen(0, h), outLen(1, w)];
  if (hout < 1 || wout < 1)
    throw new Error(`${op}: the output would be empty (${dims === 1 ? `[${wout}]` : `[${hout},${wout}]`}) for input shape ${fmtShape(x.shape)}; reduce padding`);
  return tidy(() => {
    const cols = groupedMatMul(reshape(weight, [weight.shape[0]!, weight.size / weight.shape[0]!]), channelsFirst(image), groups, true);
    let y = engine.runKernel('Col2Im', [cols], { ...windowAttrs(kernel, stride, dilation, padding, [h, w]), shape: [n, cout, hout, wout] });
    if (bias !== null) y = add(y, reshape(bias, [cout, 1, 1]));
    return back(y);
  });
}

/** 2-d convolution of x [N, C, H, W] (or [C, H, W]) with weight [O, C/groups, kh, kw] → [N, O, oh, ow] (F.conv2d). */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: ConvOptions<Size2>): Tensor {
  return convNd('conv2d', 2, x, weight, bias, opts);
}

/** 1-d convolution of x [N, C, L] (or [C, L]) with weight [O, C/groups, k] → [N, O, oL] (F.conv1d). */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: ConvOptions<Size1>): Tensor {
  return convNd('conv1d', 1, x, weight, bias, opts);
}

/**
 * 2-d transposed convolution of x [N, C, H, W] with weight [C, O/groups, kh, kw] → [N, O, Hout, Wout],
 * Hout = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1 (F.conv_transpose2d).
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: ConvTransposeOptions<Size2>): Tensor {
  return convTransposeNd('convTranspose2d', 2, x, weight, bias, opts);
}

/** 1-d transposed convolution of x [N, C, L] with weight [C, O/groups, k] (F.conv_transpose1d). */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts?: ConvTransposeOptions<Size1>): Tensor {
  return convTransposeNd('convTranspose1d', 1, x, weight, bias, opts);
}
