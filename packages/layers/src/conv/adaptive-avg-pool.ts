/**
 * Adaptive average pooling (F.adaptive_avg_pool1d/2d, nn.AdaptiveAvgPool1d/2d): the output size is given and
 * window i along a dim of size n covers [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉), so windows may differ in size and overlap.
 * When out divides n the windows are a regular grid and this is average pooling (Im2Col + Sum); otherwise
 * each dim is pooled in turn: IndexSelect gathers every window's rows (padded to the longest window), a
 * mask zeroes the padding rows (a `where`, so an infinite value elsewhere cannot turn them into NaN), a Sum
 * adds them up, and the result is divided by the window sizes.
 */
import { div, indexSelect, reshape, sum, tensor, tidy, where, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';
import { poolDivisors, windowMeans } from './avg-pool.js';
import { asImage, type Pair } from './window-args.js';

/** Output size per dim; null keeps the input's size (PyTorch's None). */
export type AdaptiveSize2 = number | readonly [number | null, number | null];
export type AdaptiveSize1 = number | readonly [number];

function outputPair(op: string, dims: 1 | 2, outputSize: unknown, image: readonly number[]): Pair {
  const list = typeof outputSize === 'number' ? new Array<number>(dims).fill(outputSize) : outputSize;
  const ok = Array.isArray(list) && list.length === dims && list.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1));
  if (!ok) {
    const form = dims === 1 ? 'a positive integer (or [n])' : 'a positive integer or a pair [h, w] of them (null keeps that size)';
    throw new Error(`${op}: outputSize must be ${form}, got ${Array.isArray(outputSize) ? JSON.stringify(outputSize) : String(outputSize)}`);
  }
  const [a, b] = list as (number | null)[];
  return dims === 1 ? [1, a ?? image[3]!] : [a ?? image[2]!, b ?? image[3]!];
}

/** Window [start, end) of output position i along a dim of size n pooled to `out`. */
function adaptiveWindow(i: number, n: number, out: number): [number, number] {
  return [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
}

/** Sums the adaptive windows along `dim` of x: n → out positions. */
function sumWindows(x: Tensor, dim: number, out: number): Tensor {
  const n = x.shape[dim]!;
  const longest = Math.max(...Array.from({ length: out }, (_, i) => adaptiveWindow(i, n, out)).map(([s, e]) => e - s));
  const index = new Int32Array(out * longest);
  const mask = new Uint8Array(out * longest);
  for (let i = 0; i < out; i++) {
    const [s, e] = adaptiveWindow(i, n, out);
    for (let j = 0; j < longest; j++) {
      index[i * longest + j] = Math.min(s + j, e - 1);
      mask[i * longest + j] = s + j < e ? 1 : 0;
    }
  }
  const device = x.device;
  const rows = indexSelect(x, dim, tensor(index, { device }));
  const shape = [...x.shape.slice(0, dim), out, longest, ...x.shape.slice(dim + 1)];
  const keep = tensor(mask, { dtype: 'bool', shape: [out, longest, ...x.shape.slice(dim + 1).map(() => 1)], device });
  return sum(where(keep, reshape(rows, shape), 0), dim + 1);
}

function adaptiveAvgPoolNd(op: string, dims: 1 | 2, x: Tensor, outputSize: AdaptiveSize1 | AdaptiveSize2): Tensor {
  const [image, back] = asImage(op, x, dims);
  const [, , h, w] = image.shape as [number, number, number, number];
  const [oh, ow] = outputPair(op, dims, outputSize, image.shape);
  return tidy(() => {
    if (h % oh === 0 && w % ow === 0) {
      const k: Pair = [h / oh, w / ow];
      const s = { kernel: k, stride: k, padding: [0, 0] as Pair, dilation: [1, 1] as Pair, ceilMode: false };
      return back(windowMeans(image, s, [oh, ow], poolDivisors(h, w, s, [oh, ow], true, null)));
    }
    const sums = sumWindows(sumWindows(image, 2, oh), 3, ow);
    const counts = new Float32Array(oh * ow);
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const [ys, ye] = adaptiveWindow(i, h, oh);
        const [xs, xe] = adaptiveWindow(j, w, ow);
        counts[i * ow + j] = (ye - ys) * (xe - xs);
      }
    return back(div(sums, tensor(counts, { shape: [oh, ow], device: image.device })));
  });
}

/** 2-d adaptive average pooling of x [N, C, H, W] (or [C, H, W]) to [N, C, ...outputSize]. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool2d', 2, x, outputSize);
}

/** 1-d adaptive average pooling of x [N, C, L] (or [C, L]) to [N, C, outputSize]. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize1): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool1d', 1, x, outputSize);
}

abstract class AdaptiveAvgPoolNd extends Module {
  protected constructor(
    private readonly op: string,
    private readonly dims: 1 | 2,
    readonly outputSize: AdaptiveSize1 | AdaptiveSize2,
  ) {
    super();
    outputPair(op, dims, outputSize, [1, 1, 1, 1]);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPoolNd(this.op, this.dims, x, this.outputSize);
  }

  protected override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/** 2-d adaptive average pooling layer (torch.nn.AdaptiveAvgPool2d): see `adaptiveAvgPool2d`. */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize2) {
    super('AdaptiveAvgPool2d', 2, outputSize);
  }
}

/** 1-d adaptive average pooling layer (torch.nn.AdaptiveAvgPool1d): see `adaptiveAvgPool1d`. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize1) {
    super('AdaptiveAvgPool1d', 1, outputSize);
  }
}
