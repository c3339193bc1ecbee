import { backward } from '@nn/autograd';
import { ones, randn, tensor, Generator, zeros } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { conv2d, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, convTranspose2d } from '../index.js';

describe('Conv2d / Conv1d / ConvTranspose2d / ConvTranspose1d layers', () => {
  it('own weight and bias with PyTorch shapes and keys, initialised U(−1/√fanIn, 1/√fanIn)', () => {
    const conv = new Conv2d(6, 8, [3, 2], { groups: 2, generator: new Generator(0) });
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(conv.weight.shape).toEqual([8, 3, 3, 2]);
    expect(conv.bias!.shape).toEqual([8]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const p of [conv.weight, conv.bias!]) {
      const v = Array.from(p.dataSync());
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.7);
    }
    expect(new Conv1d(4, 2, 5).weight.shape).toEqual([2, 4, 5]);
    const t = new ConvTranspose2d(4, 6, 3, { groups: 2, bias: false });
    expect(t.weight.shape).toEqual([4, 3, 3, 3]);
    expect(Object.keys(t.stateDict())).toEqual(['weight']);
    // ConvTranspose's fanIn is weight.shape[1]·kh·kw, PyTorch's computation on its [in, out/groups, kh, kw] weight.
    const tb = Math.max(...Array.from(new ConvTranspose1d(2, 50, 4).weight.dataSync()).map(Math.abs));
    expect(tb).toBeLessThanOrEqual(1 / Math.sqrt(200));
    expect(tb).toBeGreaterThan(0.7 / Math.sqrt(200));
  });

  it('compute what the functional forms compute, with the settings given', () => {
    const g = new Generator(3);
    const conv = new Conv2d(2, 3, 3, { stride: [2, 1], padding: 1, dilation: [1, 2] });
    const x = randn([2, 2, 7, 6], { generator: g });
    const expected = conv2d(x, conv.weight, conv.bias, { stride: [2, 1], padding: 1, dilation: [1, 2] });
    expect(Array.from(conv.call(x).dataSync())).toEqual(Array.from(expected.dataSync()));
    const up = new ConvTranspose2d(3, 2, 4, { stride: 2, padding: 1 });
    const y = up.call(conv.call(x));
    expect(y.shape).toEqual([2, 2, 8, 8]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(convTranspose2d(conv.call(x), up.weight, up.bias, { stride: 2, padding: 1 }).dataSync()));
    expect(new Conv1d(2, 4, 3, { padding: 'same' }).call(randn([3, 2, 10], { generator: g })).shape).toEqual([3, 4, 10]);
    expect(new ConvTranspose1d(2, 4, 3, { stride: 2, outputPadding: 1 }).call(ones([1, 2, 5])).shape).toEqual([1, 4, 12]);
  });

  it('print their settings as PyTorch does, in camelCase', () => {
    expect(String(new Conv2d(1, 32, 3, { padding: 1, bias: false }))).toBe('Conv2d(1, 32, kernelSize=[3,3], stride=[1,1], padding=[1,1], bias=false)');
    expect(String(new Conv2d(4, 4, [3, 5], { padding: 'same', groups: 4, dilation: 2 }))).toBe(
      "Conv2d(4, 4, kernelSize=[3,5], stride=[1,1], padding='same', dilation=[2,2], groups=4)",
    );
    expect(String(new Conv1d(2, 3, 4, { stride: 2 }))).toBe('Conv1d(2, 3, kernelSize=4, stride=2)');
    expect(String(new ConvTranspose2d(8, 4, 2, { stride: 2, outputPadding: 1 }))).toBe(
      'ConvTranspose2d(8, 4, kernelSize=[2,2], stride=[2,2], outputPadding=[1,1])',
    );
    const c = new Conv1d(2, 3, 5, { padding: 2 });
    expect([c.kernelSize, c.stride, c.padding, c.dilation]).toEqual([[5], [1], [2], [1]]);
  });

  it('accept unbatched inputs and learn: gradients reach weight and bias', () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1 });
    const x = randn([2, 5, 5], { generator: new Generator(1) });
    const y = conv.call(x);
    expect(y.shape).toEqual([3, 5, 5]);
    backward(y.sum());
    expect(conv.weight.grad!.shape).toEqual([3, 2, 3, 3]);
    // d/db of Σ y is the number of output positions.
    expectClose(conv.bias!.grad!.dataSync(), [25, 25, 25]);
  });

  it('reject bad settings and inputs with the layer, the argument and the shapes', () => {
    expect(() => new Conv2d(5, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels (5) must be divisible by groups (2)');
    expect(() => new Conv2d(4, 5, 3, { groups: 2 })).toThrow('Conv2d: outChannels (5) must be divisible by groups (2)');
    expect(() => new Conv2d(1, 1, 0)).toThrow('Conv2d: kernelSize must be an integer >= 1 or a pair [h, w] of them, got 0');
    expect(() => new Conv2d(1, 1, [3, 3, 3] as never)).toThrow('Conv2d: kernelSize must be an integer >= 1 or a pair [h, w] of them, got [3,3,3]');
    expect(() => new Conv2d(1, 1, 3, { stride: 2, padding: 'same' })).toThrow("Conv2d: padding 'same' is not supported for strided convolutions (stride [2,2])");
    expect(() => new Conv2d(1, 1, 3, { padding: 'full' as never })).toThrow("Conv2d: padding must be a number, a pair, 'same' or 'valid', got 'full'");
    expect(() => new Conv1d(1, 1, 3, { stride: [1, 2] as never })).toThrow('Conv1d: stride must be an integer >= 1 (or [n]), got [1,2]');
    expect(() => new Conv2d(1, 1, 3, { strides: 2 } as never)).toThrow("Conv2d: unknown option 'strides'");
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(
      'ConvTranspose2d: outputPadding must be smaller than either stride or dilation, got outputPadding [2,2], stride [2,2], dilation [1,1]',
    );
    const conv = new Conv2d(3, 4, 3);
    expect(() => conv.call(ones([2, 3, 5]))).toThrow('Conv2d: expected input with 3 channels (weight [4,3,3,3], groups 1), got input of shape [2,3,5]');
    expect(() => conv.call(ones([3, 5]))).toThrow('Conv2d: expected input of shape [N, C, H, W] or [C, H, W], got [3,5]');
    expect(() => conv.call(ones([1, 1, 3, 3, 5]))).toThrow('Conv2d: expected input of shape [N, C, H, W] or [C, H, W], got [1,1,3,3,5]');
    expect(() => conv.call(ones([2, 4, 5, 5]))).toThrow('Conv2d: expected input with 3 channels (weight [4,3,3,3], groups 1), got input of shape [2,4,5,5]');
    expect(() => conv.call(ones([1, 3, 2, 5]))).toThrow('Conv2d: kernel size [3,3] (dilated) is larger than the padded input [2,5] (input shape [1,3,2,5])');
    expect(() => new Conv2d(3, 4, 3, { dilation: 3, padding: 1 }).call(ones([1, 3, 4, 4]))).toThrow(
      'Conv2d: kernel size [7,7] (dilated) is larger than the padded input [6,6] (input shape [1,3,4,4])',
    );
    expect(() => conv.call(ones([1, 3, 5, 5], { dtype: 'int32' }))).toThrow('Conv2d: input must have dtype float32, got int32');
    expect(() => conv2d(ones([1, 4, 5, 5]), zeros([6, 2, 3, 3]), null, { groups: 4 })).toThrow(
      "conv2d: weight's output channels (6, shape [6,2,3,3]) must be divisible by groups (4)",
    );
    expect(() => conv2d(ones([1, 3, 5, 5]), zeros([4, 3, 3]))).toThrow('conv2d: weight must be 4-d [outChannels, inChannels/groups, kh, kw], got shape [4,3,3]');
    expect(() => conv2d(ones([1, 3, 5, 5]), zeros([4, 3, 3, 3]), zeros([3]))).toThrow('conv2d: bias must have shape [4] (output channels), got [3]');
    expect(() => new Conv1d(2, 2, 3).call(tensor([[[1, 2, 3, 4]]]))).toThrow('Conv1d: expected input with 2 channels (weight [2,2,3], groups 1), got input of shape [1,1,4]');
  });
});
