/**
 * Max pooling (F.max_pool1d/2d, nn.MaxPool1d/2d): the largest value of each window. The MaxPoolIndices kernel
 * finds each window's maximum (PyTorch's scan: the first on ties, NaN wins, padding never); the values are a
 * Gather at those indices, so the gradient flows to exactly those positions, as in PyTorch.
 */
import { engine, gather, reshape, tidy, type Tensor } from '@nn/tensor';
import { checkBool } from '../args.js';
import { PoolLayer, poolOutSize, poolSettings, showPool, type PoolOptions } from './pool-args.js';
import { asImage, windowAttrs, type Size1, type Size2 } from './window-args.js';

export interface MaxPoolOptions<S = Size2> extends PoolOptions<S> {
  /** Spacing of the window's taps (default 1). */
  dilation?: S;
}

export interface MaxPoolFunctionalOptions<S = Size2> extends MaxPoolOptions<S> {
  /** Also return the argmax of each window as int32 flat indices within its (n, c) plane (PyTorch's return_indices). */
  returnIndices?: boolean;
}

/** The shared body: values, and the indices only when asked (otherwise the graph alone keeps them). */
function maxPoolNd(op: string, dims: 1 | 2, x: Tensor, kernelSize: Size1 | Size2, opts: MaxPoolFunctionalOptions<Size1 | Size2> | undefined): Tensor | [Tensor, Tensor] {
  const [image, back] = asImage(op, x, dims);
  const s = poolSettings(op, dims, kernelSize, opts, ['dilation', 'returnIndices']);
  const withIndices = checkBool(op, 'returnIndices', opts?.returnIndices ?? false);
  const outSize = poolOutSize(op, dims, image.shape, s);
  return tidy(() => {
    const [n, c, h, w] = image.shape as [number, number, number, number];
    const idx = engine.runKernel('MaxPoolIndices', [image], { ...windowAttrs(s.kernel, s.stride, s.dilation, s.padding, outSize) });
    const y = back(reshape(gather(reshape(image, [n, c, h * w]), 2, reshape(idx, [n, c, outSize[0] * outSize[1]])), [n, c, ...outSize]));
    return withIndices ? [y, back(idx)] : y;
  });
}

/** 2-d max pooling of x [N, C, H, W] (or [C, H, W]) → [N, C, oh, ow]; with `returnIndices`, [values, indices]. */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts?: MaxPoolOptions<Size2> & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: MaxPoolOptions<Size2> & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Size2, opts?: MaxPoolFunctionalOptions<Size2>): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, x, kernelSize, opts);
}

/** 1-d max pooling of x [N, C, L] (or [C, L]) → [N, C, oL]; with `returnIndices`, [values, indices]. */
export function maxPool1d(x: Tensor, kernelSize: Size1, opts?: MaxPoolOptions<Size1> & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Size1, opts: MaxPoolOptions<Size1> & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Size1, opts?: MaxPoolFunctionalOptions<Size1>): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, x, kernelSize, opts);
}

abstract class MaxPoolNd extends PoolLayer<MaxPoolOptions<Size1 | Size2>> {
  protected constructor(op: string, dims: 1 | 2, kernelSize: Size1 | Size2, options: MaxPoolOptions<Size1 | Size2>) {
    super(op, dims, kernelSize, options, ['dilation']);
  }

  forward(x: Tensor): Tensor {
    return maxPoolNd(this.op, this.dims, x, this.kernelSize, this.options) as Tensor;
  }

  protected override extraRepr(): string {
    return showPool(this.settings, this.dims, true);
  }
}

/** 2-d max pooling layer (torch.nn.MaxPool2d): see `maxPool2d`. */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: Size2, opts: MaxPoolOptions<Size2> = {}) {
    super('MaxPool2d', 2, kernelSize, opts);
  }
}

/** 1-d max pooling layer (torch.nn.MaxPool1d): see `maxPool1d`. */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: Size1, opts: MaxPoolOptions<Size1> = {}) {
    super('MaxPool1d', 1, kernelSize, opts);
  }
}
