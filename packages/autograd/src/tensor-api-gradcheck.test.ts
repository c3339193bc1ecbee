/**
 * Central-difference checks of the Tensor API's gradients (index, indexPut, sort, topk, in-place ops): they are
 * compositions of existing kernels, so this checks the compositions, including repeated indices and masks.
 */
import { indexPut, sort, tensor, topk, type Tensor } from '@nn/tensor';
import { seededValues } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { gradcheck } from './index.js';

const rand = (shape: number[], seed: number) => tensor(Array.from(seededValues(shape.reduce((a, b) => a * b, 1), seed)), { shape });
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });
const mask = (data: boolean[]) => tensor(data, { dtype: 'bool' });

describe('gradcheck of the Tensor API', () => {
  it('index: slices, steps, numbers, repeated and broadcast index tensors, masks', () => {
    expect(gradcheck((x) => x.index(1, [null, null, 2], [-3]), [rand([3, 4, 5], 1)])).toBe(true);
    expect(gradcheck((x) => x.index(i32([2, 0, 2, -1])), [rand([3, 4], 2)])).toBe(true);
    expect(gradcheck((x) => x.index(i32([[0], [2]]), null, i32([1, 1, 3])), [rand([3, 2, 4], 3)])).toBe(true);
    expect(gradcheck((x) => x.index('...', mask([true, false, true, true])), [rand([2, 3, 4], 4)])).toBe(true);
  });

  it('indexPut with respect to x and values, with and without accumulate', () => {
    const idx = i32([3, 0, 3]);
    expect(gradcheck((x, v) => indexPut(x, [null, i32([1, 2])], v!), [rand([4, 3], 5), rand([4, 2], 6)])).toBe(true);
    expect(gradcheck((x, v) => indexPut(x, [idx], v!, { accumulate: true }), [rand([5, 2], 7), rand([3, 2], 8)])).toBe(true);
    expect(gradcheck((x, v) => x.indexPut([mask([true, false, true])], v!), [rand([3], 9), rand([1], 10)])).toBe(true);
  });

  it('sort and topk values', () => {
    expect(gradcheck((x) => sort(x, 1).values, [rand([3, 5], 11)])).toBe(true);
    expect(gradcheck((x) => sort(x, 0, { descending: true }).values, [rand([4, 3], 12)])).toBe(true);
    expect(gradcheck((x) => topk(x, 2, -1, { largest: false }).values, [rand([3, 6], 13)])).toBe(true);
  });

  it('in-place ops on a non-leaf', () => {
    const f = (a: Tensor, b?: Tensor) => {
      const x = a.mul(1.5);
      const z = x.exp(); // saves its output, not x, so x may change afterwards
      x.mul_(b!).add_(b!, { alpha: -2 }).div_(b!.abs().add(1)).clamp_(-0.6, 0.6);
      return x.add(z);
    };
    expect(gradcheck(f, [rand([2, 3], 14), rand([3], 15)])).toBe(true);
  });
});
