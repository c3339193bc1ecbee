import { expect } from 'vitest';
import { argmax, argmin, max, mean, min, sum, tensor, Generator, randn, type Tensor } from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';
import { golden, goldenNames } from './forward-golden.js';

/** Naive reduction reference: for each output position, folds every input element that maps to it. */
function reference(x: ArrayLike<number>, shape: number[], dims: number[], f: (acc: number, v: number) => number) {
  const outShape = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const out = new Map<number, number>();
  const size = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < size; i++) {
    let rem = i, o = 0, stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const idx = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      o += (dims.includes(d) ? 0 : idx) * stride;
      stride *= outShape[d]!;
    }
    out.set(o, out.has(o) ? f(out.get(o)!, x[i]!) : x[i]!);
  }
  return Array.from({ length: out.size }, (_, i) => out.get(i)!);
}

describeBackends('reduction kernels', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());
  const x23 = () => t([[1, 5, 3], [4, 2, 6]]);

  itKernel(device, ['Sum'], 'sum over all, one dim, negative dims, lists, keepdim', async () => {
    const x = x23();
    const all = sum(x);
    expect(all.shape).toEqual([]);
    expect(await vals(all)).toEqual([21]);
    expect(await vals(sum(x, 0))).toEqual([5, 7, 9]);
    expect(await vals(sum(x, -1))).toEqual([9, 12]);
    expect(sum(x, 1, true).shape).toEqual([2, 1]);
    expect(sum(x, [0, 1], true).shape).toEqual([1, 1]);
    expect(await vals(sum(x, [-1, 0]))).toEqual([21]);
    expect(await vals(x.sum(null, true))).toEqual([21]);
    expect(x.sum(null, true).shape).toEqual([1, 1]);
    // An empty dim list reduces every dim, as torch.sum(x, dim=[]).
    const all2 = sum(x, []);
    expect(all2.shape).toEqual([]);
    expect(await vals(all2)).toEqual([21]);
  });

  itKernel(device, ['Sum', 'Max', 'Min'], 'every dim subset of a 4-d tensor matches a naive reference', async () => {
    const shape = [3, 1, 4, 5];
    const x = randn(shape, { generator: new Generator(11), device });
    const xv = await vals(x);
    const subsets = Array.from({ length: 16 }, (_, m) => [0, 1, 2, 3].filter((d) => m & (1 << d)));
    for (const dims of subsets.slice(1)) {
      const msg = `dims ${JSON.stringify(dims)}`;
      expectClose(await vals(sum(x, dims)), reference(xv, shape, dims, (a, v) => a + v), { atol: 1e-5, rtol: 1e-5 });
      expect(await vals(max(x, dims)), msg).toEqual(reference(xv, shape, dims, Math.max));
      expect(await vals(min(x, dims, true)), msg).toEqual(reference(xv, shape, dims, Math.min));
      expect(max(x, dims, true).shape, msg).toEqual(shape.map((d, i) => (dims.includes(i) ? 1 : d)));
    }
  });

  itKernel(device, ['Sum'], 'sum matches PyTorch goldens (float64 accumulation)', async () => {
    for (const name of goldenNames('sum_')) {
      const g = golden(name);
      const y = sum(t(g.x).reshape(g.shape), g.args.dim as number[] | null, g.args.keepdim as boolean);
      expect(y.shape, name).toEqual(g.outShape);
      expectClose(await vals(y), g.out, { atol: 1e-5, rtol: 1e-6 });
    }
  });

  itKernel(device, ['Sum', 'Div', 'Cast'], 'mean, also of int32 (float32 result); mean goldens', async () => {
    expectClose(await vals(mean(x23(), 1)), [3, 4]);
    const m = mean(t([1, 2], 'int32'));
    expect(m.dtype).toBe('float32');
    expectClose(await vals(m), [1.5]);
    expectClose(await vals(mean(t([true, false, false, false]))), [0.25]);
    for (const name of goldenNames('mean_')) {
      const g = golden(name);
      const y = mean(t(g.x).reshape(g.shape), g.args.dim as number[] | null, g.args.keepdim as boolean);
      expect(y.shape, name).toEqual(g.outShape);
      expectClose(await vals(y), g.out, { atol: 1e-6, rtol: 1e-6 });
    }
  });

  itKernel(device, ['Sum', 'Div'], 'empty reductions: sum is 0, mean is NaN', async () => {
    const e = tensor([], { device, shape: [0, 3] });
    expect(await vals(sum(e))).toEqual([0]);
    expect(await vals(sum(e, 0))).toEqual([0, 0, 0]);
    expect(sum(e, 1).shape).toEqual([0]);
    expectClose(await vals(mean(e, 0)), [NaN, NaN, NaN]);
  });

  itKernel(device, ['Sum'], 'int32 and bool sum to int32', async () => {
    const s = sum(t([[1, 2], [3, 4]], 'int32'), 0);
    expect(s.dtype).toBe('int32');
    expect(await vals(s)).toEqual([4, 6]);
    const b = sum(t([true, true, false]));
    expect(b.dtype).toBe('int32');
    expect(await vals(b)).toEqual([2]);
  });

  itKernel(device, ['Max', 'Min'], 'max/min values (amax/amin), NaN propagates, int32 and bool kept', async () => {
    const x = x23();
    expect(await vals(max(x))).toEqual([6]);
    expect(await vals(max(x, 1))).toEqual([5, 6]);
    expect(await vals(min(x, 0, true))).toEqual([1, 2, 3]);
    expect(min(x, 0, true).shape).toEqual([1, 3]);
    expectClose(await vals(max(t([[1, NaN, 3], [-Infinity, -Infinity, -Infinity]]), 1)), [NaN, -Infinity]);
    expectClose(await vals(min(t([[NaN, 1], [2, 3]]), 0)), [NaN, 1]);
    const i = max(t([[-5, -2], [7, 1]], 'int32'), 0);
    expect(i.dtype).toBe('int32');
    expect(await vals(i)).toEqual([7, 1]);
    expect(await vals(max(t([false, true])))).toEqual([1]);
    expect(max(t([false, true])).dtype).toBe('bool');
    expect(await vals(max(t(3)))).toEqual([3]);
    expect(max(tensor([], { device, shape: [0, 3] }), 1).shape).toEqual([0]);
  });

  itKernel(device, ['ArgMax', 'ArgMin'], 'argmax/argmin: first index on ties, flattened when dim is null', async () => {
    const x = t([[1, 7, 7], [9, 0, 9]]);
    const a = argmax(x);
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([]);
    expect(await vals(a)).toEqual([3]);
    expect(await vals(argmax(x, 1))).toEqual([1, 0]);
    expect(await vals(argmin(x, 0))).toEqual([0, 1, 0]);
    expect(await vals(argmin(x, -1))).toEqual([0, 1]);
    expect(argmax(x, 1, true).shape).toEqual([2, 1]);
    expect(argmax(x, null, true).shape).toEqual([1, 1]);
    expect(await vals(argmin(x))).toEqual([4]);
    expect(await vals(argmax(t([[[1, 2], [3, 0]], [[0, 5], [4, 4]]]), 1))).toEqual([1, 0, 1, 0]);
    expect(await vals(argmax(t(3)))).toEqual([0]);
    expect(await vals(argmax(t([3, -1, 8], 'int32')))).toEqual([2]);
  });

  itKernel(device, ['ArgMax', 'ArgMin'], 'argmax/argmin treat NaN as the extreme (first NaN wins), like PyTorch', async () => {
    expect(await vals(argmax(t([1, NaN, 3, NaN])))).toEqual([1]);
    expect(await vals(argmin(t([1, NaN, 0])))).toEqual([1]);
    expect(await vals(argmax(t([[NaN, 5], [0, NaN]]), 0))).toEqual([0, 1]);
  });
});
