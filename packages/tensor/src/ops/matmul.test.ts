import { describe, expect, it } from 'vitest';
import { matmul, memory, ones, tensor, tidy, zeros } from '../index.js';

describe('matmul validation', () => {
  it('names the shapes when the inner dims differ', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: inner dimensions differ: [2,3] @ [4,5]');
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: inner dimensions differ: [3] @ [4]');
    expect(() => matmul(zeros([2, 3]), zeros([2]))).toThrow('matmul: inner dimensions differ: [2,3] @ [2]');
  });
  it('rejects batch dims that do not broadcast', () => {
    expect(() => matmul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow(
      'matmul: batch dims [2] and [3] cannot be broadcast together: [2,3,4] @ [3,4,5]',
    );
  });
  it('needs float32 operands of rank >= 1', () => {
    expect(() => matmul(zeros([2, 2], { dtype: 'int32' }), zeros([2, 2]))).toThrow(
      'matmul: both operands must be float32, got a int32 and b float32',
    );
    expect(() => matmul(tensor(2), zeros([2]))).toThrow('matmul: both operands must have at least 1 dim, got shapes [] @ [2]');
    expect(() => matmul(zeros([2]), [1, 2] as never)).toThrow('matmul: b must be a Tensor, got an array');
  });
  it('frees the reshaped temporaries of 1-D operands', () => {
    const a = ones([3]);
    const b = ones([3, 2]);
    const before = memory().numTensors;
    const c = matmul(a, b);
    expect(c.arraySync()).toEqual([3, 3]);
    expect(memory().numTensors).toBe(before + 1);
    const dot = tidy(() => matmul(a, a));
    expect(dot.item()).toBe(3);
    expect(memory().numTensors).toBe(before + 2);
  });
});
