import { describe, expect, it } from 'vitest';
import { abs, exp, gelu, leakyRelu, memory, neg, relu, sigmoid, tensor, type Tensor } from '../index.js';

describe('unary ops: validation', () => {
  it('rejects non-tensors and disposed tensors, naming the op', () => {
    expect(() => exp(3 as unknown as Tensor)).toThrow('exp: x must be a Tensor, got number 3');
    const x = tensor([1, 2]);
    x.dispose();
    expect(() => sigmoid(x)).toThrow('sigmoid: x (shape [2], float32) has been disposed');
  });

  it('rejects bool where PyTorch does', () => {
    const b = tensor([true]);
    expect(() => neg(b)).toThrow('neg: x must have dtype float32 or int32, got bool');
    expect(() => abs(b)).toThrow('abs: x must have dtype float32 or int32, got bool');
    expect(() => relu(b)).toThrow('relu: x must have dtype float32 or int32, got bool');
  });

  it('validates leakyRelu and gelu options', () => {
    const x = tensor([1]);
    expect(() => leakyRelu(x, NaN)).toThrow('leakyRelu: negativeSlope must be a finite number, got number NaN');
    expect(() => leakyRelu(x, '0.1' as unknown as number)).toThrow('leakyRelu: negativeSlope must be a finite number, got string 0.1');
    expect(() => gelu(x, { approximate: 'erf' as 'none' })).toThrow("gelu: approximate must be 'none' or 'tanh', got string erf");
  });

  it('frees the float32 copy it makes of an int32 input', () => {
    const x = tensor(new Int32Array([1, 2]));
    const before = memory().numTensors;
    const y = exp(x);
    expect(memory().numTensors).toBe(before + 1);
    y.dispose();
  });

  it('is installed as methods', () => {
    const x = tensor([-1, 2]);
    expect(x.relu().arraySync()).toEqual([0, 2]);
    expect(x.leakyRelu(0.5).arraySync()).toEqual([-0.5, 2]);
    expect(x.gelu({ approximate: 'tanh' }).shape).toEqual([2]);
    expect(x.square().arraySync()).toEqual([1, 4]);
    expect(x.reciprocal().arraySync()).toEqual([-1, 0.5]);
    expect(x.erf().shape).toEqual([2]);
  });
});
