import { describe, expect, it } from 'vitest';
import { cast, clone, tensor, type DType, type Tensor } from '../index.js';

describe('cast and clone: validation', () => {
  it('rejects unknown dtypes and non-tensors', () => {
    expect(() => cast(tensor([1]), 'float64' as DType)).toThrow('cast: dtype must be one of float32, float16, int32, bool, got float64');
    expect(() => cast(1 as unknown as Tensor, 'int32')).toThrow('cast: x must be a Tensor, got number 1');
    const x = tensor([1]);
    x.dispose();
    expect(() => clone(x)).toThrow('clone: x (shape [1], float32) has been disposed');
  });

  it('is installed as methods', () => {
    const x = tensor([1.5, -2.5]);
    expect(x.cast('int32').arraySync()).toEqual([1, -2]);
    const y = x.clone();
    expect(y).not.toBe(x);
    expect(y.arraySync()).toEqual([1.5, -2.5]);
  });
});
