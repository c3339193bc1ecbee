import { describe, expect, it } from 'vitest';
import { argmax, argmin, max, mean, min, sum, tensor } from '../index.js';

describe('reductions: validation', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);

  it('rejects out-of-range, repeated and malformed dims', () => {
    expect(() => sum(x(), 2)).toThrow('sum: dim 2 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => mean(x(), -3)).toThrow('mean: dim -3 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => max(x(), [0, -2])).toThrow('max: dim [0,-2] repeats a dimension');
    expect(() => sum(x(), 0.5)).toThrow('sum: dim must be an integer, got 0.5');
    expect(() => sum(x(), '0' as unknown as number)).toThrow('sum: dim must be an integer, an array of integers or null, got string 0');
    expect(() => min(x(), 0, 1 as unknown as boolean)).toThrow('min: keepdim must be a boolean, got number 1');
  });

  it('max/min/argmax/argmin of an empty dimension are errors naming the op', () => {
    const e = tensor([], { shape: [0, 3] });
    expect(() => max(e, 0)).toThrow('max: cannot reduce over dim 0 of size 0 (shape [0,3])');
    expect(() => min(e)).toThrow('min: cannot reduce over dim 0 of size 0 (shape [0,3])');
    expect(() => argmax(e, 0)).toThrow('argmax: cannot reduce over dim 0 of size 0 (shape [0,3])');
    expect(() => argmin(e)).toThrow('argmin: cannot take the argmin of an empty tensor (shape [0,3]) without a dim');
    expect(argmax(e, 1).shape).toEqual([0]);
  });

  it('argmax takes a single dim', () => {
    expect(() => argmax(x(), [0] as unknown as number)).toThrow('argmax: dim must be a single integer or null, got an array');
    expect(() => argmin(x(), 5)).toThrow('argmin: dim 5 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => argmax(tensor(1), 1)).toThrow('argmax: dim 1 out of range for a tensor of rank 0 (expected -1..0)');
  });

  it('rejects disposed input', () => {
    const t = x();
    t.dispose();
    expect(() => sum(t)).toThrow('sum: x (shape [2,3], float32) has been disposed');
  });

  it('0-d tensors reduce to themselves', () => {
    const s = tensor(4);
    expect(sum(s, 0).arraySync()).toBe(4);
    expect(max(s, -1, true).shape).toEqual([]);
    expect(argmax(s, 0).arraySync()).toBe(0);
  });

  it('is installed as methods', () => {
    const t = x();
    expect(t.sum().item()).toBe(21);
    expect(t.mean(0).arraySync()).toEqual([2.5, 3.5, 4.5]);
    expect(t.max(1, true).arraySync()).toEqual([[3], [6]]);
    expect(t.min().item()).toBe(1);
    expect(t.argmax(1).arraySync()).toEqual([2, 2]);
    expect(t.argmin().item()).toBe(0);
  });
});
