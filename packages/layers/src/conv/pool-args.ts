/** Settings shared by the pooling layers: PyTorch's defaults (stride = kernelSize), checks and output sizes. */
import { fmtShape } from '@nn/tensor';
import { checkBool, checkOptions } from '../args.js';
import { Module } from '../module.js';
import { showPair, windowPair, type Pair, type Size1, type Size2 } from './window-args.js';

export interface PoolOptions<S = Size2> {
  /** Step between windows (default: kernelSize). */
  stride?: S | null;
  /** Implicit padding on both sides (at most half the kernel size); max pooling pads with −∞, average pooling with 0. */
  padding?: S;
  /** Round the output size up instead of down, so a partial window at the end counts (default false). */
  ceilMode?: boolean;
}

/** Resolved pooling settings in 2-d form. */
export interface PoolSettings {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  ceilMode: boolean;
}

/**
 * Windows along one dim (PyTorch's pooling_output_shape): ⌊ or ⌈(size + 2·pad − dilation·(kernel − 1) − 1) / stride⌉
 * + 1, and in ceil mode one less when the last window would start past the input and its left padding.
 */
export function poolOutLen(size: number, kernel: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * Checks and resolves a pooling op's options; `extra` names its further options (checked by the caller).
 * Padding may be at most half the kernel, as in PyTorch.
 */
export function poolSettings(
  op: string, dims: 1 | 2, kernelSize: Size1 | Size2, opts: (PoolOptions<Size1 | Size2> & { dilation?: Size1 | Size2 }) | undefined,
  extra: readonly string[],
): PoolSettings {
  const o = checkOptions(op, opts as Record<string, unknown> | undefined, ['stride', 'padding', 'ceilMode', ...extra]) as PoolOptions<Size1 | Size2> & { dilation?: Size1 | Size2 };
  const kernel = windowPair(op, 'kernelSize', kernelSize, dims, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : windowPair(op, 'stride', o.stride, dims, 1);
  const padding = windowPair(op, 'padding', o.padding ?? 0, dims, 0, 0);
  const dilation = windowPair(op, 'dilation', o.dilation ?? 1, dims, 1);
  const ceilMode = checkBool(op, 'ceilMode', o.ceilMode ?? false);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2)
    throw new Error(`${op}: padding should be at most half of kernelSize, got padding ${showPair(padding, dims)} and kernelSize ${showPair(kernel, dims)}`);
  return { kernel, stride, padding, dilation, ceilMode };
}

/** The window grid over an image [N, C, H, W] (1-d: H = 1); an empty grid is an error naming the sizes. */
export function poolOutSize(op: string, dims: 1 | 2, image: readonly number[], s: PoolSettings): Pair {
  const out: Pair = [
    poolOutLen(image[2]!, s.kernel[0], s.padding[0], s.stride[0], s.dilation[0], s.ceilMode),
    poolOutLen(image[3]!, s.kernel[1], s.padding[1], s.stride[1], s.dilation[1], s.ceilMode),
  ];
  if (out[0] < 1 || out[1] < 1) {
    const given = dims === 1 ? [image[1]!, image[3]!] : image.slice(1);
    const got = dims === 1 ? [image[1]!, out[1]] : [image[1]!, ...out];
    throw new Error(
      `${op}: output size is too small: input ${fmtShape(given)} gives output ${fmtShape(got)} ` +
        `(kernelSize ${showPair(s.kernel, dims)}, stride ${showPair(s.stride, dims)}, padding ${showPair(s.padding, dims)})`,
    );
  }
  return out;
}

/** How the settings read in a layer's `toString()`. */
export function showPool(s: PoolSettings, dims: 1 | 2, withDilation: boolean): string {
  const parts = [`kernelSize=${showPair(s.kernel, dims)}`, `stride=${showPair(s.stride, dims)}`, `padding=${showPair(s.padding, dims)}`];
  if (withDilation) parts.push(`dilation=${showPair(s.dilation, dims)}`);
  parts.push(`ceilMode=${s.ceilMode}`);
  return parts.join(', ');
}

/**
 * The pooling layers' shared part (as PyTorch's `_MaxPoolNd` / `_AvgPoolNd`): the settings, checked once by the
 * constructor with the layer's name in errors; each subclass's forward calls its pooling function.
 */
export abstract class PoolLayer<O extends PoolOptions<Size1 | Size2>> extends Module {
  protected readonly settings: PoolSettings;

  protected constructor(
    protected readonly op: string,
    protected readonly dims: 1 | 2,
    readonly kernelSize: Size1 | Size2,
    protected readonly options: O,
    extraOptions: readonly string[],
  ) {
    super();
    this.settings = poolSettings(op, dims, kernelSize, options, extraOptions);
  }
}
