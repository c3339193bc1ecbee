import { describe, expect, it } from 'vitest';
import { eq, ge, gt, le, lt, ne, tensor } from '../index.js';

describe('compare ops: validation', () => {
  it('names the op in broadcast and operand errors', () => {
    expect(() => eq(tensor([1, 2]), tensor([1, 2, 3]))).toThrow('eq: shapes [2] and [3] cannot be broadcast together');
    expect(() => lt(tensor([1]), [1] as unknown as number)).toThrow('lt: b must be a Tensor, got an array');
    const x = tensor([1]);
    x.dispose();
    expect(() => ge(x, 0)).toThrow('ge: a (shape [1], float32) has been disposed');
  });

  it('is installed as methods', () => {
    const x = tensor([1, 2, 3]);
    expect(x.eq(2).arraySync()).toEqual([false, true, false]);
    expect(x.ne(2).arraySync()).toEqual([true, false, true]);
    expect(x.lt(2).arraySync()).toEqual([true, false, false]);
    expect(x.le(2).arraySync()).toEqual([true, true, false]);
    expect(x.gt(2).arraySync()).toEqual([false, false, true]);
    expect(x.ge(2).arraySync()).toEqual([false, true, true]);
    expect(gt(x, x).dtype).toBe('bool');
    expect(le(2, x).arraySync()).toEqual([false, true, true]);
    expect(ne(x, x).arraySync()).toEqual([false, false, false]);
  });
});
