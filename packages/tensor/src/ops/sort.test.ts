import { describe, expect, it } from 'vitest';
import { argsort, sort, tensor, topk, type Tensor } from '../index.js';

const vals = (t: Tensor) => Array.from(t.dataSync());

describe('sort, argsort, topk', () => {
  const x = tensor([[3, 1, NaN, 1, -2, 3], [0, -0, 2, 2, NaN, -1]]);

  it('sort is stable (ties keep their order in both directions) and puts NaN above every number', () => {
    const s = sort(x);
    expect(vals(s.values)).toEqual([-2, 1, 1, 3, 3, NaN, -1, 0, -0, 2, 2, NaN]);
    expect(s.indices.dtype).toBe('int32');
    expect(vals(s.indices)).toEqual([4, 1, 3, 0, 5, 2, 5, 0, 1, 2, 3, 4]);
    const d = x.sort(-1, { descending: true });
    expect(vals(d.values)).toEqual([NaN, 3, 3, 1, 1, -2, NaN, 2, 2, 0, -0, -1]);
    expect(vals(d.indices)).toEqual([2, 0, 5, 1, 3, 4, 4, 2, 3, 0, 1, 5]);
    expect(vals(argsort(x, 1, { descending: true }))).toEqual(vals(d.indices));
    expect(vals(x.argsort())).toEqual(vals(s.indices));
  });

  it('sorts along any dim, int32 and bool too, 0-d as is', () => {
    const m = tensor([[3, 1], [1, 2], [2, 0]]);
    const s = m.sort(0);
    expect(vals(s.values)).toEqual([1, 0, 2, 1, 3, 2]);
    expect(vals(s.indices)).toEqual([1, 2, 2, 0, 0, 1]);
    const n = sort(tensor([5, -1, 5, 0], { dtype: 'int32' }), 0, { descending: true });
    expect(n.values.dtype).toBe('int32');
    expect(vals(n.values)).toEqual([5, 5, 0, -1]);
    expect(vals(n.indices)).toEqual([0, 2, 3, 1]);
    expect(vals(sort(tensor([true, false, true])).values)).toEqual([0, 1, 1]);
    const z = sort(tensor(4));
    expect(z.values.shape).toEqual([]);
    expect(vals(z.indices)).toEqual([0]);
    expect(sort(tensor([], { shape: [2, 0] })).values.shape).toEqual([2, 0]);
  });

  it('topk: the k largest (or smallest), sorted, NaN largest, ties in position order', () => {
    const t = topk(x, 3);
    expect(t.values.shape).toEqual([2, 3]);
    expect(vals(t.values)).toEqual([NaN, 3, 3, NaN, 2, 2]);
    expect(vals(t.indices)).toEqual([2, 0, 5, 4, 2, 3]);
    const s = x.topk(2, 1, { largest: false });
    expect(vals(s.values)).toEqual([-2, 1, -1, 0]);
    expect(vals(s.indices)).toEqual([4, 1, 5, 0]);
    expect(topk(x, 0).values.shape).toEqual([2, 0]);
    expect(vals(topk(tensor([[1, 5], [7, 2]]), 1, 0).indices)).toEqual([1, 0]);
    expect(vals(topk(x, 6, -1, { sorted: false }).values)).toEqual(vals(x.sort(-1, { descending: true }).values));
  });

  it('rejects bad arguments', () => {
    expect(() => topk(x, 7)).toThrow('topk: k must be an integer in [0, 6] (the size of dim 1 of shape [2,6]), got number 7');
    expect(() => topk(x, -1)).toThrow('topk: k must be an integer in [0, 6]');
    expect(() => topk(x, 1, 2)).toThrow('topk: dim 2 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => sort(x, 0, { descending: 'yes' as unknown as boolean })).toThrow('sort: descending must be a boolean, got string yes');
    expect(() => sort(x, 0, { decending: true } as object)).toThrow("sort: unknown option 'decending' (options: descending, stable)");
    expect(() => topk(x, 1, -1, { largest: 1 as unknown as boolean })).toThrow('topk: largest must be a boolean, got number 1');
    expect(() => argsort(x, 5)).toThrow('argsort: dim 5 out of range');
  });
});
