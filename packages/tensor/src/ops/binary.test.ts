import { describe, expect, it } from 'vitest';
import { add, div, engine, memory, mul, pow, sub, tensor } from '../index.js';

describe('binary ops: validation', () => {
  it('names the op and both shapes when they do not broadcast', () => {
    expect(() => add(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4]))).toThrow('add: shapes [2,3] and [4] cannot be broadcast together');
    expect(() => mul(tensor([[1, 2]]), tensor([[1], [2], [3]]).reshape([1, 3]))).toThrow('mul: shapes [1,2] and [1,3] cannot be broadcast together');
  });

  it('rejects non-tensor operands and disposed tensors', () => {
    expect(() => add(tensor([1]), 'x' as unknown as number)).toThrow('add: b must be a Tensor, got string x');
    expect(() => div(null as unknown as number, tensor([1]))).toThrow('div: a must be a Tensor, got null');
    const x = tensor([1, 2]);
    x.dispose();
    expect(() => sub(x, 1)).toThrow('sub: a (shape [2], float32) has been disposed');
    expect(() => sub(tensor([1, 2]), x)).toThrow('sub: b (shape [2], float32) has been disposed');
  });

  it('rejects bool - bool and bool ** bool as PyTorch does', () => {
    const b = tensor([true, false]);
    expect(() => sub(b, b)).toThrow('sub: a is a bool tensor (shape [2]); subtraction with a bool tensor is not supported');
    expect(() => pow(b, b)).toThrow('pow: both operands are bool');
  });

  it('frees scalar operands and casts it creates (memory stays flat)', () => {
    const x = tensor(new Int32Array([1, 2, 3]));
    const before = memory().numTensors;
    const ys = [add(x, 1), add(x, 1.5), div(x, x), mul(2, 3)];
    expect(memory().numTensors).toBe(before + ys.length);
    for (const y of ys) y.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('sends the kernel operands of one dtype (casting first)', () => {
    const seen: string[] = [];
    const stop = engine.addKernelListener((name, inputs) => seen.push(`${name}(${inputs.map((t) => t.dtype).join(',')})`));
    add(tensor(new Int32Array([1])), tensor([0.5]));
    div(tensor(new Int32Array([1])), 2);
    stop();
    expect(seen).toEqual(['Cast(int32)', 'Add(float32,float32)', 'Cast(int32)', 'Cast(int32)', 'Div(float32,float32)']);
  });

  it('is installed as methods', () => {
    const x = tensor([1, 2]);
    expect(x.add(1).arraySync()).toEqual([2, 3]);
    expect(x.sub(tensor([1, 1])).arraySync()).toEqual([0, 1]);
    expect(x.mul(3).arraySync()).toEqual([3, 6]);
    expect(x.div(2).arraySync()).toEqual([0.5, 1]);
    expect(x.pow(2).arraySync()).toEqual([1, 4]);
    expect(x.maximum(1.5).arraySync()).toEqual([1.5, 2]);
    expect(x.minimum(1.5).arraySync()).toEqual([1, 1.5]);
  });
});
