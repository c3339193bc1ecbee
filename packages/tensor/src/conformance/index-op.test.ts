/** x.index(...) and indexPut on every backend (they are built on Slice, Reshape, Transpose, IndexSelect, ScatterAdd, Where). */
import { expect } from 'vitest';
import { arange, indexPut, tensor, type Device } from '../index.js';
import { describeBackends, itKernel } from '@nn/testing';

describeBackends('index', (device: Device) => {
  const i32 = (data: number[]) => tensor(data, { dtype: 'int32', device });
  const KERNELS = ['Slice', 'Reshape', 'Transpose', 'IndexSelect', 'ScatterAdd', 'Where', 'Add', 'Mul', 'Less', 'Greater'];

  itKernel(device, KERNELS, 'numbers, slices, steps, ellipsis, index tensors and a CPU mask', async () => {
    const y = arange(0, 120, { device }).reshape(2, 3, 4, 5);
    expect(Array.from(await y.index(1, [null, null, 2], -1, [1, null, 3]).data())).toEqual([76, 79, 116, 119]);
    // separated index tensors go first: [2] then the sliced dims [3, 4]... picked at (0, :, :, 4) and (1, :, :, 0)
    const s = y.index(i32([0, 1]), null, [2], i32([4, -5]));
    expect(s.shape).toEqual([2, 3, 2]);
    expect(Array.from(await s.data())).toEqual([14, 19, 34, 39, 54, 59, 70, 75, 90, 95, 110, 115]);
    const m = tensor([true, false, true], { device: 'cpu' });
    expect(Array.from(await y.index('...', 0, 0).index(null, m).data())).toEqual([0, 40, 60, 100]);
  });

  itKernel(device, KERNELS, 'indexPut replaces and accumulates', async () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { device });
    expect(Array.from(await indexPut(x, [i32([2, -3])], tensor([[10, 20], [30, 40]], { device })).data())).toEqual([30, 40, 3, 4, 10, 20]);
    expect(Array.from(await x.indexPut([i32([0, 0]), 1], tensor([1, 2], { device }), { accumulate: true }).data())).toEqual([1, 5, 3, 4, 5, 6]);
  });
});
