/**
 * Convolution layers (torch.nn.Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d): one base, as PyTorch's
 * `_ConvNd`, owning `weight` and `bias` with PyTorch's shapes, keys and default initialisation; the
 * per-dimension classes only fix the number of spatial dims and whether the convolution is transposed.
 */
import { kaimingUniform, uniform } from '@nn/init';
import type { Device, Generator, Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkOptions } from '../args.js';
import { Module } from '../module.js';
import { convGeometry, convNd, convTransposeGeometry, convTransposeNd, type ConvOptions, type ConvTransposeOptions } from './conv.js';
import { showPair, windowPair, type Pair, type Size1, type Size2 } from './window-args.js';

interface LayerExtras {
  /** Learn an additive per-channel bias (default true). */
  bias?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation (default: the global generator). */
  generator?: Generator;
}

export type Conv2dOptions = ConvOptions<Size2> & LayerExtras;
export type Conv1dOptions = ConvOptions<Size1> & LayerExtras;
export type ConvTranspose2dOptions = ConvTransposeOptions<Size2> & LayerExtras;
export type ConvTranspose1dOptions = ConvTransposeOptions<Size1> & LayerExtras;

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'device', 'generator'] as const;
const TRANSPOSE_KEYS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'device', 'generator'] as const;

/**
 * The shared convolution layer. Weight [out, in/groups, ...kernel] (transposed: [in, out/groups, ...kernel]),
 * initialised as PyTorch's `_ConvNd.reset_parameters`: kaiming_uniform with a = √5, i.e. U(−1/√fanIn, 1/√fanIn)
 * with fanIn = weight.shape[1]·kh·kw, then bias ~ U(−1/√fanIn, 1/√fanIn), drawn in that order.
 */
abstract class ConvBase extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  /** Settings in 2-d form ([1, k] for 1-d layers). */
  protected readonly kernel2: Pair;
  protected readonly stride2: Pair;
  protected readonly dilation2: Pair;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  protected constructor(
    op: string,
    protected readonly dims: 1 | 2,
    protected readonly transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: Size1 | Size2,
    opts: (ConvOptions<Size1 | Size2> | ConvTransposeOptions<Size1 | Size2>) & LayerExtras | undefined,
  ) {
    super();
    this.inChannels = checkInt(op, 'inChannels', inChannels, 1);
    this.outChannels = checkInt(op, 'outChannels', outChannels, 1);
    const o = checkOptions(op, opts, (transposed ? TRANSPOSE_KEYS : CONV_KEYS) as never);
    const { bias = true, device, generator } = o as LayerExtras;
    checkBool(op, 'bias', bias);
    this.kernel2 = windowPair(op, 'kernelSize', kernelSize, dims, 1);
    this.groups = checkInt(op, 'groups', o.groups ?? 1, 1);
    if (inChannels % this.groups !== 0) throw new Error(`${op}: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`${op}: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    this.stride2 = windowPair(op, 'stride', o.stride ?? 1, dims, 1);
    this.dilation2 = windowPair(op, 'dilation', o.dilation ?? 1, dims, 1);
    const k = dims === 1 ? [this.kernel2[1]] : this.kernel2;
    const shape = transposed ? [inChannels, outChannels / this.groups, ...k] : [outChannels, inChannels / this.groups, ...k];
    this.weight = this.registerParameter('weight', kaimingUniform(shape, { a: Math.sqrt(5), generator, device }));
    const fanIn = shape[1]! * k.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.bias = this.registerParameter('bias', bias ? uniform([outChannels], -bound, bound, { generator, device }) : null);
  }

  /** kernelSize, stride, dilation as the user gave them per dim: a number for 1-d layers, [h, w] for 2-d. */
  get kernelSize(): number[] {
    return this.dims === 1 ? [this.kernel2[1]] : this.kernel2.slice();
  }
  get stride(): number[] {
    return this.dims === 1 ? [this.stride2[1]] : this.stride2.slice();
  }
  get dilation(): number[] {
    return this.dims === 1 ? [this.dilation2[1]] : this.dilation2.slice();
  }

  protected reprSettings(padding: string, extra: string[]): string {
    const d = this.dims;
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${showPair(this.kernel2, d)}`, `stride=${showPair(this.stride2, d)}`];
    if (padding) parts.push(`padding=${padding}`);
    if (this.dilation2.some((v) => v !== 1)) parts.push(`dilation=${showPair(this.dilation2, d)}`);
    parts.push(...extra);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

/** A convolution layer of 1 or 2 spatial dims (see conv.ts for the math). */
abstract class ConvNd extends ConvBase {
  /** Padding per dim as given ('same' | 'valid' kept as the string). */
  readonly padding: number[] | 'same' | 'valid';
  readonly #options: ConvOptions<Size1 | Size2>;

  protected constructor(op: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: Size1 | Size2, opts: ConvOptions<Size1 | Size2> & LayerExtras | undefined) {
    super(op, dims, false, inChannels, outChannels, kernelSize, opts);
    const { stride, padding, dilation, groups } = opts ?? {};
    this.#options = { stride, padding, dilation, groups };
    // Resolved once here, so bad padding (or 'same' with a stride) is reported by the constructor.
    const g = convGeometry(op, dims, this.kernel2, this.#options);
    this.padding = typeof padding === 'string' ? padding : dims === 1 ? [g.padding[2]] : [g.padding[0], g.padding[2]];
  }

  forward(x: Tensor): Tensor {
    return convNd(this.constructor.name, this.dims, x, this.weight, this.bias, this.#options);
  }

  protected override extraRepr(): string {
    const p = this.padding;
    const shown = typeof p === 'string' ? `'${p}'` : p.every((v) => v === 0) ? '' : this.dims === 1 ? String(p[0]) : `[${p.join(',')}]`;
    return this.reprSettings(shown, []);
  }
}

/** A transposed convolution layer of 1 or 2 spatial dims (see conv.ts). */
abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly #options: ConvTransposeOptions<Size1 | Size2>;

  protected constructor(
    op: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: Size1 | Size2, opts: ConvTransposeOptions<Size1 | Size2> & LayerExtras | undefined,
  ) {
    super(op, dims, true, inChannels, outChannels, kernelSize, opts);
    const { stride, padding, outputPadding, dilation, groups } = opts ?? {};
    this.#options = { stride, padding, outputPadding, dilation, groups };
    const g = convTransposeGeometry(op, dims, this.#options);
    const perDim = (p: Pair) => (dims === 1 ? [p[1]] : p.slice());
    this.padding = perDim(g.padding);
    this.outputPadding = perDim(g.outputPadding);
  }

  forward(x: Tensor): Tensor {
    return convTransposeNd(this.constructor.name, this.dims, x, this.weight, this.bias, this.#options);
  }

  protected override extraRepr(): string {
    const show = (p: number[]) => (p.every((v) => v === 0) ? '' : this.dims === 1 ? String(p[0]) : `[${p.join(',')}]`);
    const op = show(this.outputPadding);
    return this.reprSettings(show(this.padding), op ? [`outputPadding=${op}`] : []);
  }
}

/**
 * 2-d convolution over [N, C, H, W] (or unbatched [C, H, W]) inputs (torch.nn.Conv2d): kernelSize, stride,
 * padding and dilation are a number or [h, w]; padding may also be 'same' or 'valid'; groups split the
 * channels (groups = inChannels: depthwise). Weight [outChannels, inChannels/groups, kh, kw], bias [outChannels].
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts?: Conv2dOptions) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }
}

/** 1-d convolution over [N, C, L] (or [C, L]) inputs (torch.nn.Conv1d). Weight [outChannels, inChannels/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size1, opts?: Conv1dOptions) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2-d transposed convolution (torch.nn.ConvTranspose2d), the adjoint of Conv2d in its input: upsamples
 * [N, C, H, W] to [N, O, (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1, ...].
 * Weight [inChannels, outChannels/groups, kh, kw].
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts?: ConvTranspose2dOptions) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, opts);
  }
}

/** 1-d transposed convolution (torch.nn.ConvTranspose1d). Weight [inChannels, outChannels/groups, k]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size1, opts?: ConvTranspose1dOptions) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, opts);
  }
}
