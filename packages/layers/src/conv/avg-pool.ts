/**
 * Average pooling (F.avg_pool1d/2d, nn.AvgPool1d/2d): the mean of each window. Each channel is an image of
 * its own, so Im2Col lays the windows out as columns [kh·kw, N·C·oh·ow]; their sum over the taps is divided by
 * each window's divisor (computed here once per output position, PyTorch's rules), so the gradient is
 * autograd's through Sum and Im2Col.
 */
import { div, engine, reshape, sum, tensor, tidy, type Tensor } from '@nn/tensor';
import { checkBool, checkInt } from '../args.js';
import { PoolLayer, poolOutSize, poolSettings, showPool, type PoolOptions, type PoolSettings } from './pool-args.js';
import { asImage, windowAttrs, type Pair, type Size1, type Size2 } from './window-args.js';

export interface AvgPoolOptions<S = Size2> extends PoolOptions<S> {
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions extends AvgPoolOptions<Size2> {
  /** Divide every window's sum by this instead (PyTorch's divisor_override). */
  divisorOverride?: number | null;
}

/**
 * The divisor of every window of the grid, as PyTorch's avg_pool2d: the window's area clipped to the padded
 * input (countIncludePad) or to the input itself, or divisorOverride. A window entirely in the padding averages
 * to 0 (its divisor is irrelevant, made 1 so 0 / 0 cannot occur).
 */
export function poolDivisors(h: number, w: number, s: PoolSettings, outSize: Pair, countIncludePad: boolean, divisorOverride: number | null): Float32Array {
  const [oh, ow] = outSize;
  const out = new Float32Array(oh * ow);
  const span = (o: number, d: 0 | 1, size: number) => {
    const start = o * s.stride[d] - s.padding[d];
    const end = Math.min(start + s.kernel[d], size + s.padding[d]);
    return { padded: end - start, valid: Math.min(end, size) - Math.max(start, 0) };
  };
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++) {
      const y = span(oy, 0, h);
      const x = span(ox, 1, w);
      const empty = y.valid <= 0 || x.valid <= 0;
      out[oy * ow + ox] = divisorOverride ?? (empty ? 1 : countIncludePad ? y.padded * x.padded : y.valid * x.valid);
    }
  return out;
}

/** Windows summed as Im2Col columns, divided by `divisors` [oh·ow]; the image's channels pooled independently. */
export function windowMeans(image: Tensor, s: PoolSettings, outSize: Pair, divisors: Float32Array): Tensor {
  const [n, c, h, w] = image.shape as [number, number, number, number];
  return tidy(() => {
    const planes = reshape(image, [n * c, 1, h, w]);
    const cols = engine.runKernel('Im2Col', [planes], { ...windowAttrs(s.kernel, s.stride, s.dilation, s.padding, outSize) });
    const sums = reshape(sum(cols, 0), [n * c, outSize[0] * outSize[1]]);
    return reshape(div(sums, tensor(divisors, { device: image.device })), [n, c, ...outSize]);
  });
}

function avgPoolNd(op: string, dims: 1 | 2, x: Tensor, kernelSize: Size1 | Size2, opts: AvgPool2dOptions | AvgPoolOptions<Size1> | undefined): Tensor {
  const [image, back] = asImage(op, x, dims);
  const s = poolSettings(op, dims, kernelSize, opts, dims === 2 ? ['countIncludePad', 'divisorOverride'] : ['countIncludePad']);
  const countIncludePad = checkBool(op, 'countIncludePad', opts?.countIncludePad ?? true);
  const override = (opts as AvgPool2dOptions | undefined)?.divisorOverride ?? null;
  if (override !== null) checkInt(op, 'divisorOverride', override, 1);
  const outSize = poolOutSize(op, dims, image.shape, s);
  const divisors = poolDivisors(image.shape[2]!, image.shape[3]!, s, outSize, countIncludePad, override);
  return tidy(() => back(windowMeans(image, s, outSize, divisors)));
}

/** 2-d average pooling of x [N, C, H, W] (or [C, H, W]) → [N, C, oh, ow]. */
export function avgPool2d(x: Tensor, kernelSize: Size2, opts?: AvgPool2dOptions): Tensor {
  return avgPoolNd('avgPool2d', 2, x, kernelSize, opts);
}

/** 1-d average pooling of x [N, C, L] (or [C, L]) → [N, C, oL]. */
export function avgPool1d(x: Tensor, kernelSize: Size1, opts?: AvgPoolOptions<Size1>): Tensor {
  return avgPoolNd('avgPool1d', 1, x, kernelSize, opts);
}

abstract class AvgPoolNd extends PoolLayer<AvgPool2dOptions | AvgPoolOptions<Size1>> {
  protected constructor(op: string, dims: 1 | 2, kernelSize: Size1 | Size2, options: AvgPool2dOptions | AvgPoolOptions<Size1>) {
    super(op, dims, kernelSize, options, dims === 2 ? ['countIncludePad', 'divisorOverride'] : ['countIncludePad']);
  }

  forward(x: Tensor): Tensor {
    return avgPoolNd(this.op, this.dims, x, this.kernelSize, this.options);
  }

  protected override extraRepr(): string {
    return `${showPool(this.settings, this.dims, false)}, countIncludePad=${this.options.countIncludePad ?? true}`;
  }
}

/** 2-d average pooling layer (torch.nn.AvgPool2d): see `avgPool2d`. */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size2, opts: AvgPool2dOptions = {}) {
    super('AvgPool2d', 2, kernelSize, opts);
  }
}

/** 1-d average pooling layer (torch.nn.AvgPool1d): see `avgPool1d`. */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Size1, opts: AvgPoolOptions<Size1> = {}) {
    super('AvgPool1d', 1, kernelSize, opts);
  }
}
