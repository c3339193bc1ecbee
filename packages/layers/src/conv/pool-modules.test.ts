import { backward } from '@nn/autograd';
import { arange, ones, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, avgPool2d, AvgPool1d, AvgPool2d, maxPool2d, MaxPool1d, MaxPool2d,
} from '../index.js';

const image = (h: number, w: number) => arange(0, h * w).cast('float32').reshape(1, 1, h, w);

describe('pooling layers', () => {
  it('default the stride to the kernel size and pool like their functions', () => {
    const x = image(4, 6);
    expect(new MaxPool2d(2).call(x).arraySync()).toEqual([[[[7, 9, 11], [19, 21, 23]]]]);
    expect(new AvgPool2d([2, 3]).call(x).arraySync()).toEqual([[[[4, 7], [16, 19]]]]);
    expect(new MaxPool1d(3, { stride: 2 }).call(tensor([[[1, 5, 2, 8, 3, 0, 4]]])).arraySync()).toEqual([[[5, 8, 4]]]);
    expect(new AvgPool1d(2).call(tensor([[[1, 3, 5, 7, 9]]])).arraySync()).toEqual([[[2, 6]]]);
    expect(new AdaptiveAvgPool2d([1, 2]).call(x).arraySync()).toEqual([[[[10, 13]]]]);
    expect(new AdaptiveAvgPool1d(1).call(tensor([[1, 2, 6]])).arraySync()).toEqual([[3]]);
  });

  it('print their settings', () => {
    expect(String(new MaxPool2d(2))).toBe('MaxPool2d(kernelSize=[2,2], stride=[2,2], padding=[0,0], dilation=[1,1], ceilMode=false)');
    expect(String(new MaxPool1d(3, { stride: 1, padding: 1 }))).toBe('MaxPool1d(kernelSize=3, stride=1, padding=1, dilation=1, ceilMode=false)');
    expect(String(new AvgPool2d(3, { stride: 2, ceilMode: true, countIncludePad: false }))).toBe(
      'AvgPool2d(kernelSize=[3,3], stride=[2,2], padding=[0,0], ceilMode=true, countIncludePad=false)',
    );
    expect(String(new AdaptiveAvgPool2d([7, null]))).toBe('AdaptiveAvgPool2d(outputSize=[7,null])');
  });

  it('max pooling returns PyTorch\'s indices on request and sends each gradient to the window\'s maximum', () => {
    const x = tensor([[[[1, 9, 2, 2], [3, 4, 2, 2]]]], { requiresGrad: true });
    const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
    expect(y.arraySync()).toEqual([[[[9, 2]]]]);
    expect(idx.dtype).toBe('int32');
    expect(idx.arraySync()).toEqual([[[[1, 2]]]]); // the first of the tied 2s
    backward(y.sum());
    expect(x.grad!.arraySync()).toEqual([[[[0, 1, 1, 0], [0, 0, 0, 0]]]]);
  });

  it('average pooling divides by the padded or the valid window; ±inf stays in its own windows', () => {
    const x = ones([1, 1, 3, 3]);
    expect(avgPool2d(x, 2, { stride: 1, padding: 1 }).arraySync()).toEqual([[[[0.25, 0.5, 0.5, 0.25], [0.5, 1, 1, 0.5], [0.5, 1, 1, 0.5], [0.25, 0.5, 0.5, 0.25]]]]);
    expect(avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }).arraySync()).toEqual([[[[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]]]);
    const inf = tensor([[[[Infinity, 1, 1, 1, 1], [1, 1, 1, 1, 1]]]]);
    expect(avgPool2d(inf, 2, { stride: 1 }).arraySync()).toEqual([[[[Infinity, 1, 1, 1]]]]);
    // Windows of 2 of 5 columns overlap: [0,2), [1,4), [3,5).
    expect(adaptiveAvgPool2d(inf, [1, 3]).arraySync()).toEqual([[[[Infinity, 1, 1]]]]);
  });

  it('reject bad settings and inputs, naming the layer, the argument and the sizes', () => {
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow('MaxPool2d: padding should be at most half of kernelSize, got padding [2,2] and kernelSize [2,2]');
    expect(() => new AvgPool2d(0)).toThrow('AvgPool2d: kernelSize must be an integer >= 1 or a pair [h, w] of them, got 0');
    expect(() => new MaxPool2d(2, { stride: 0 })).toThrow('MaxPool2d: stride must be an integer >= 1 or a pair [h, w] of them, got 0');
    expect(() => new AvgPool1d(2, { dilation: 2 } as never)).toThrow("AvgPool1d: unknown option 'dilation'");
    expect(() => new AvgPool2d(2, { ceilMode: 1 } as never)).toThrow('AvgPool2d: ceilMode must be a boolean, got 1');
    expect(() => new AdaptiveAvgPool2d(0)).toThrow('AdaptiveAvgPool2d: outputSize must be a positive integer or a pair [h, w] of them (null keeps that size), got 0');
    expect(() => new MaxPool2d(3).call(ones([1, 2, 2, 5]))).toThrow(
      'MaxPool2d: output size is too small: input [2,2,5] gives output [2,0,1] (kernelSize [3,3], stride [3,3], padding [0,0])',
    );
    expect(() => new MaxPool1d(2).call(ones([2, 3, 4, 4]))).toThrow('MaxPool1d: expected input of shape [N, C, L] or [C, L], got [2,3,4,4]');
    expect(() => new AvgPool2d(2).call(ones([4, 4]))).toThrow('AvgPool2d: expected input of shape [N, C, H, W] or [C, H, W], got [4,4]');
    expect(() => avgPool2d(ones([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisorOverride must be an integer >= 1, got 0');
    expect(() => maxPool2d(ones([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow('maxPool2d: input must have dtype float32, got int32');
  });
});
