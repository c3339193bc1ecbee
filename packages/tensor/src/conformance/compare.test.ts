import { expect } from 'vitest';
import { eq, ge, gt, le, lt, ne, tensor, type Tensor } from '../index.js';
import { describeBackends, itKernel } from '@nn/testing';

describeBackends('compare kernels', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'], 'all six comparisons, NaN unequal to everything', async () => {
    const a = t([1, 2, 3, NaN, -Infinity]);
    const b = t([2, 2, 2, NaN, -Infinity]);
    const expected: [(x: Tensor, y: Tensor) => Tensor, number[]][] = [
      [eq, [0, 1, 0, 0, 1]],
      [ne, [1, 0, 1, 1, 0]],
      [lt, [1, 0, 0, 0, 0]],
      [le, [1, 1, 0, 0, 1]],
      [gt, [0, 0, 1, 0, 0]],
      [ge, [0, 1, 1, 0, 1]],
    ];
    for (const [op, e] of expected) {
      const y = op(a, b);
      expect(y.dtype).toBe('bool');
      expect(await vals(y)).toEqual(e);
    }
  });

  itKernel(device, ['Greater', 'Less'], 'broadcasting and number operands', async () => {
    const y = gt(t([[1], [5]]), t([0, 2, 6]));
    expect(y.shape).toEqual([2, 3]);
    expect(await y.array()).toEqual([[true, false, false], [true, true, false]]);
    expect(await vals(t([-1, 0, 1]).gt(0))).toEqual([0, 0, 1]);
    expect(await vals(lt(0, t([-1, 0, 1])))).toEqual([0, 0, 1]);
  });

  itKernel(device, ['Equal', 'Less', 'Cast'], 'int32 against floats and bools promotes first', async () => {
    const i = t([1, 2, 3], 'int32');
    expect(await vals(eq(i, 2))).toEqual([0, 1, 0]);
    expect(await vals(lt(i, 2.5))).toEqual([1, 1, 0]);
    expect(await vals(eq(i, t([1.5, 2, 3.0001])))).toEqual([0, 1, 0]);
    expect(await vals(eq(t([true, false]), t([true, true])))).toEqual([1, 0]);
    expect(await vals(eq(t([true, false]), 1))).toEqual([1, 0]);
  });
});
