import { describe, expect, it } from 'vitest';
import { gather, indexSelect, memory, oneHot, scatterAdd, tensor, zeros } from '../index.js';

const idx = (data: number[], shape = [data.length]) => tensor(data, { shape, dtype: 'int32' });

describe('indexing validation', () => {
  const x = zeros([2, 3]);
  it('gather needs an int32 index of x rank, no larger than x outside dim', () => {
    expect(() => gather(x, 1, zeros([2, 3]))).toThrow('gather: index must have dtype int32, got float32');
    expect(() => gather(x, 1, idx([0, 1]))).toThrow('gather: index must have the same rank as x, got index shape [2] and x shape [2,3]');
    expect(() => gather(x, 1, idx([0, 0, 0, 0, 0, 0], [3, 2]))).toThrow(
      'gather: index shape [3,2] is larger than x shape [2,3] at dim 0 (only dim 1 may be larger)',
    );
    expect(() => gather(x, 2, idx([0], [1, 1]))).toThrow('gather: dim 2 out of range for a tensor of rank 2');
  });
  it('gather and scatterAdd name an index value out of range (checked on the CPU)', () => {
    expect(() => gather(x, 1, idx([0, 3], [1, 2]))).toThrow('gather: index 3 is out of bounds for dim 1 with size 3');
    expect(() => gather(x, 0, idx([-1], [1, 1]))).toThrow('gather: index -1 is out of bounds for dim 0 with size 2');
    expect(() => scatterAdd(x, 0, idx([2], [1, 1]), zeros([1, 1]))).toThrow('scatterAdd: index 2 is out of bounds for dim 0 with size 2');
  });
  it('scatterAdd checks dtypes and shapes', () => {
    expect(() => scatterAdd(x, 0, idx([0], [1, 1]), zeros([1, 1], { dtype: 'int32' }))).toThrow(
      "scatterAdd: src must have x's dtype float32, got int32",
    );
    expect(() => scatterAdd(x, 0, zeros([1, 1]), zeros([1, 1]))).toThrow('scatterAdd: index must have dtype int32, got float32');
    expect(() => scatterAdd(zeros([2], { dtype: 'bool' }), 0, idx([0]), zeros([1], { dtype: 'bool' }))).toThrow(
      'scatterAdd: x must have dtype float32 or float16 or int32, got bool',
    );
    expect(() => scatterAdd(x, 0, idx([0, 0], [1, 2]), zeros([1, 1]))).toThrow(
      'scatterAdd: index shape [1,2] is larger than src shape [1,1] at dim 1',
    );
    expect(() => scatterAdd(x, 1, idx([0, 0, 0], [3, 1]), zeros([3, 1]))).toThrow(
      'scatterAdd: index shape [3,1] is larger than x shape [2,3] at dim 0 (only dim 1 may be larger)',
    );
    expect(() => scatterAdd(x, 0, idx([0]), zeros([1]))).toThrow('scatterAdd: x, index and src must have the same rank');
  });
  it('indexSelect needs a 1-D int32 index in range', () => {
    expect(() => indexSelect(x, 0, idx([0, 1], [1, 2]))).toThrow('indexSelect: index must be 1-D, got shape [1,2]');
    expect(() => indexSelect(x, 1, idx([0, 3]))).toThrow('indexSelect: index 3 is out of bounds for dim 1 with size 3');
    expect(() => indexSelect(x, 0, zeros([1]))).toThrow('indexSelect: index must have dtype int32, got float32');
    expect(() => indexSelect(tensor(1), 0, idx([0]))).toThrow('indexSelect: x must have at least 1 dim');
  });
  it('indexSelect accepts a 0-d index and frees its temporaries', () => {
    const before = memory().numTensors;
    const r = indexSelect(tensor([[1, 2], [3, 4]]), 1, tensor(1, { dtype: 'int32' }));
    expect(r.arraySync()).toEqual([[2], [4]]);
    expect(memory().numTensors).toBe(before + 3);
  });
  it('oneHot checks dtype, class values and numClasses', () => {
    expect(() => oneHot(zeros([2]))).toThrow('oneHot: indices must have dtype int32, got float32');
    expect(() => oneHot(idx([0, 3]), 3)).toThrow('oneHot: class value 3 must be smaller than numClasses 3');
    expect(() => oneHot(idx([-1, 0]))).toThrow('oneHot: class values must be non-negative, got -1');
    expect(() => oneHot(idx([]))).toThrow('oneHot: cannot infer numClasses from an empty tensor; pass numClasses');
    expect(() => oneHot(idx([0]), -2)).toThrow('oneHot: numClasses must be a non-negative integer or -1, got number -2');
    expect(oneHot(idx([2, 0])).arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
  });
});
