import { backward } from '@nn/autograd';
import { Generator, ones, tensor, tidy } from '@nn/tensor';
import { expectMoments } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { Embedding, embedding } from './index.js';

const idx = (data: number | number[] | number[][], shape?: number[]) => tensor(data, { dtype: 'int32', shape });

describe('Embedding', () => {
  it('is a [numEmbeddings, embeddingDim] table initialised N(0, 1), the padding row zero', () => {
    const e = new Embedding(500, 40, { generator: new Generator(1) });
    expect(Object.keys(e.stateDict())).toEqual(['weight']);
    expect(e.weight.shape).toEqual([500, 40]);
    expectMoments(e.weight.dataSync(), 0, 1);
    const p = new Embedding(6, 3, { paddingIdx: -2 });
    expect(p.paddingIdx).toBe(4);
    expect(p.weight.arraySync()).toContainEqual([0, 0, 0]);
    expect((p.weight.arraySync() as number[][])[4]).toEqual([0, 0, 0]);
    expect(String(p)).toBe('Embedding(6, 3, paddingIdx=4)');
  });

  it('looks up indices of any shape, [..., embeddingDim]', () => {
    const e = new Embedding(4, 2);
    e.weight.assign(tensor([[0, 1], [2, 3], [4, 5], [6, 7]]));
    expect(e.call(idx([[3, 0, 0], [1, 2, 3]])).arraySync()).toEqual([[[6, 7], [0, 1], [0, 1]], [[2, 3], [4, 5], [6, 7]]]);
    expect(e.call(idx(2, [])).arraySync()).toEqual([4, 5]);
    expect(e.call(idx([], [2, 0])).shape).toEqual([2, 0, 2]);
  });

  it('sums the gradients of repeated indices and passes none to the padding row (whose value it still reads)', () => {
    const e = new Embedding(4, 2, { paddingIdx: 1 });
    e.weight.assign(tensor([[0, 1], [5, 5], [4, 5], [6, 7]]));
    const y = e.call(idx([1, 2, 2, 1, 0]));
    expect(y.arraySync()).toEqual([[5, 5], [4, 5], [4, 5], [5, 5], [0, 1]]);
    backward(y.sum());
    expect(e.weight.grad!.arraySync()).toEqual([[1, 1], [0, 0], [2, 2], [0, 0]]);
  });

  it('rejects out-of-range indices, float indices and bad settings, naming the layer', () => {
    const e = new Embedding(10, 3);
    expect(() => e.call(idx([[1, 2], [10, 0]]))).toThrow('Embedding: index 10 is out of range for 10 embeddings (input shape [2,2], position 2)');
    expect(() => e.call(idx([-1]))).toThrow('Embedding: index -1 is out of range for 10 embeddings');
    expect(() => e.call(tensor([1, 2]))).toThrow('Embedding: input must have dtype int32, got float32');
    expect(() => new Embedding(10, 3, { paddingIdx: 10 })).toThrow('Embedding: paddingIdx must be an integer in [-10, 10) (numEmbeddings 10), got 10');
    expect(() => new Embedding(0, 3)).toThrow('Embedding: numEmbeddings must be an integer >= 1, got 0');
    expect(() => new Embedding(3, 3, { maxNorm: 1 } as never)).toThrow("Embedding: unknown option 'maxNorm'");
    expect(() => embedding(idx([0]), ones([3]))).toThrow('embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape [3]');
    expect(tidy(() => embedding(idx([2]), ones([3, 2])).shape)).toEqual([1, 2]);
  });
});
