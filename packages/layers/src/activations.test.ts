import { gelu, leakyRelu, relu, sigmoid, softmax, tanh, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Flatten, Unflatten, GELU, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './index.js';

const x = tensor([[-2, -0.5, 0], [0.5, 1, 3]]);

describe('activation modules', () => {
  it('compute their ops', () => {
    expect(new ReLU().forward(x).dataSync()).toEqual(relu(x).dataSync());
    expect(new Sigmoid().forward(x).dataSync()).toEqual(sigmoid(x).dataSync());
    expect(new Tanh().forward(x).dataSync()).toEqual(tanh(x).dataSync());
    expect(new LeakyReLU().forward(x).arraySync()).toEqual(leakyRelu(x, 0.01).arraySync());
    expect(new LeakyReLU(0.2).forward(x).dataSync()).toEqual(leakyRelu(x, 0.2).dataSync());
    expect(new GELU().forward(x).dataSync()).toEqual(gelu(x).dataSync());
    expect(new GELU({ approximate: 'tanh' }).forward(x).dataSync()).toEqual(gelu(x, { approximate: 'tanh' }).dataSync());
    expect(new Softmax(0).forward(x).dataSync()).toEqual(softmax(x, 0).dataSync());
    expect(new Softmax().forward(x).dataSync()).toEqual(softmax(x, -1).dataSync());
    expect(new ReLU().forward(x).arraySync()).toEqual([[0, 0, 0], [0.5, 1, 3]]);
  });

  it('have no parameters and print their settings', () => {
    for (const m of [new ReLU(), new LeakyReLU(), new Sigmoid(), new Tanh(), new GELU(), new Softmax(1), new Identity(), new Flatten()]) {
      expect(m.parameters()).toEqual([]);
      expect(m.stateDict()).toEqual({});
    }
    expect(String(new LeakyReLU(0.2))).toBe('LeakyReLU(negativeSlope=0.2)');
    expect(String(new GELU({ approximate: 'tanh' }))).toBe("GELU(approximate='tanh')");
    expect(String(new Softmax(1))).toBe('Softmax(dim=1)');
    expect(String(new ReLU())).toBe('ReLU()');
    expect(String(new Flatten())).toBe('Flatten(startDim=1, endDim=-1)');
  });

  it('Identity returns its input; Flatten merges all but the batch dim by default', () => {
    expect(new Identity().forward(x)).toBe(x);
    const t = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(new Flatten().forward(t).shape).toEqual([2, 4]);
    expect(new Flatten(0).forward(t).shape).toEqual([8]);
    expect(new Flatten(0, 1).forward(t).arraySync()).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
  });

  it('Unflatten splits one dim into several, the inverse of Flatten', () => {
    const flat = tensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    expect(new Unflatten(1, [1, 2, 3]).forward(flat).shape).toEqual([2, 1, 2, 3]);
    expect(new Unflatten(-1, [3, -1]).forward(flat).arraySync()).toEqual([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    expect(String(new Unflatten(1, [1, 28, 28]))).toBe('Unflatten(dim=1, unflattenedSize=[1,28,28])');
    expect(() => new Unflatten(1, [4, 2]).forward(flat)).toThrow('Unflatten: unflattenedSize [4,2] does not match dim 1 of size 6 (input shape [2,6])');
    expect(() => new Unflatten(2, [2, 3]).forward(flat)).toThrow('Unflatten: dim 2 is out of range for input of shape [2,6]');
    expect(() => new Unflatten(1, [])).toThrow('Unflatten: unflattenedSize must be a non-empty array of sizes (one may be -1), got []');
  });

  it('validate their arguments', () => {
    expect(() => new LeakyReLU(Number.POSITIVE_INFINITY)).toThrow('LeakyReLU: negativeSlope must be a finite number, got Infinity');
    expect(() => new GELU({ approximate: 'fast' as never })).toThrow("GELU: approximate must be 'none' or 'tanh', got 'fast'");
    expect(() => new Softmax(0.5)).toThrow('Softmax: dim must be an integer, got 0.5');
    expect(() => new Flatten(1, 'x' as never)).toThrow("Flatten: endDim must be an integer, got 'x'");
    expect(() => new Softmax(2).forward(x)).toThrow('softmax: dim 2 out of range');
    expect(() => new ReLU().forward(null as never)).toThrow('ReLU: input must be a Tensor, got null');
  });
});
