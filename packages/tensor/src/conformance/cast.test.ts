import { expect } from 'vitest';
import { cast, clone, tensor, type Tensor } from '../index.js';
import { describeBackends, itKernel } from '@nn/testing';

describeBackends('cast and clone', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Cast'], 'float32 → int32 truncates toward zero', async () => {
    const y = cast(t([1.7, -1.7, -0.5, 2, -3.99, 1e6]), 'int32');
    expect(y.dtype).toBe('int32');
    expect(await vals(y)).toEqual([1, -1, 0, 2, -3, 1000000]);
  });

  itKernel(device, ['Cast'], '→ bool is x != 0 (NaN is true)', async () => {
    const y = cast(t([0, -0, 2, -0.1, NaN, Infinity]), 'bool');
    expect(y.dtype).toBe('bool');
    expect(await y.array()).toEqual([false, false, true, true, true, true]);
    expect(await vals(cast(t([0, 5, -1], 'int32'), 'bool'))).toEqual([0, 1, 1]);
  });

  itKernel(device, ['Cast'], 'bool and int32 → float32, bool → int32', async () => {
    const f = cast(t([true, false]), 'float32');
    expect(f.dtype).toBe('float32');
    expect(await vals(f)).toEqual([1, 0]);
    expect(await vals(cast(t([true, false]), 'int32'))).toEqual([1, 0]);
    expect(await vals(cast(t([-7, 2147483647], 'int32'), 'float32'))).toEqual([-7, 2147483648]);
  });

  itKernel(device, ['Cast'], 'a cast to the same dtype is a new tensor', async () => {
    const x = t([[1, 2]]);
    const y = x.cast('float32');
    expect(y).not.toBe(x);
    x.dispose();
    expect(y.shape).toEqual([1, 2]);
    expect(await vals(y)).toEqual([1, 2]);
  });

  itKernel(device, ['Clone'], 'clone copies into independent storage', async () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = t([[1, 0, 1]], dtype);
      const y = clone(x);
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual([1, 3]);
      x.dispose();
      expect(await vals(y)).toEqual([1, 0, 1]);
    }
  });
});
