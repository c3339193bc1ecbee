import { expect } from 'vitest';
import { clamp, tensor, where, type Tensor } from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';

describeBackends('where and clamp', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Where'], 'selects elementwise', async () => {
    const y = where(t([true, false, true]), t([1, 2, 3]), t([10, 20, 30]));
    expect(await vals(y)).toEqual([1, 20, 3]);
  });

  itKernel(device, ['Where'], 'broadcasts cond [3,1], a [1,4] and a scalar b', async () => {
    const cond = t([[true], [false], [true]]);
    const a = t([[1, 2, 3, 4]]);
    const y = where(cond, a, -1);
    expect(y.shape).toEqual([3, 4]);
    expect(await y.array()).toEqual([[1, 2, 3, 4], [-1, -1, -1, -1], [1, 2, 3, 4]]);
    const z = where(t([true, false]), t([[1, 2], [3, 4], [5, 6]]), t([[7], [8], [9]]));
    expect(await z.array()).toEqual([[1, 7], [3, 8], [5, 9]]);
  });

  itKernel(device, ['Where', 'Cast'], 'promotes a and b', async () => {
    const c = t([true, false]);
    const i = t([1, 2], 'int32');
    expect(where(c, i, 0).dtype).toBe('int32');
    const f = where(c, i, 0.5);
    expect(f.dtype).toBe('float32');
    expectClose(await vals(f), [1, 0.5]);
    const n = where(c, 1, 0);
    expect(n.dtype).toBe('int32');
    expect(await vals(n)).toEqual([1, 0]);
    expect(await vals(where(c, t([true, true]), t([false, false])))).toEqual([1, 0]);
    expect(await vals(i.where(c, 7))).toEqual([1, 7]);
  });

  itKernel(device, ['Where', 'Less', 'Greater'], 'clamp with numbers, one side or both', async () => {
    const x = t([-3, -1, 0, 0.5, 1, 4]);
    expectClose(await vals(clamp(x, -1, 1)), [-1, -1, 0, 0.5, 1, 1]);
    expectClose(await vals(clamp(x, 0)), [0, 0, 0, 0.5, 1, 4]);
    expectClose(await vals(clamp(x, null, 0)), [-3, -1, 0, 0, 0, 0]);
    expectClose(await vals(x.clamp(undefined, 0.5)), [-3, -1, 0, 0.5, 0.5, 0.5]);
    expectClose(await vals(clamp(t([1, 5]), 3, 2)), [2, 2]); // min > max gives max, as PyTorch
  });

  itKernel(device, ['Where', 'Less', 'Greater', 'Equal', 'NotEqual'], 'clamp: NaN in x stays, NaN bound gives NaN', async () => {
    expectClose(await vals(clamp(t([NaN, 2, -5]), -1, 1)), [NaN, 1, -1]);
    expectClose(await vals(clamp(t([0, 2]), NaN)), [NaN, NaN]);
    expectClose(await vals(clamp(t([0, 2]), t([NaN, 1]))), [NaN, 2]);
  });

  itKernel(device, ['Where', 'Less', 'Greater', 'NotEqual'], 'clamp with broadcast tensor bounds', async () => {
    const x = t([[0, 5, 10], [-5, 2, 20]]);
    const y = clamp(x, t([1, 2, 3]), t([[4], [6]]));
    expect(y.shape).toEqual([2, 3]);
    expectClose(await vals(y), [1, 4, 4, 1, 2, 6]);
  });

  itKernel(device, ['Where', 'Less', 'Cast'], 'clamp keeps int32 for integer bounds, float32 for fractional', async () => {
    const i = t([-2, 0, 3], 'int32');
    const a = clamp(i, 0);
    expect(a.dtype).toBe('int32');
    expect(await vals(a)).toEqual([0, 0, 3]);
    const b = clamp(i, 0.5);
    expect(b.dtype).toBe('float32');
    expectClose(await vals(b), [0.5, 0.5, 3]);
  });
});
