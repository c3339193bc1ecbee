/** Movement conformance (Reshape, Transpose, Expand, Concat, Slice, Pad and the ops built on them), on every backend. */
import { expect } from 'vitest';
import {
  cat, concat, expand, flatten, narrow, pad, permute, reshape, slice, squeeze, stack, tensor, transpose, unsqueeze,
  type DType, type Device,
} from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';

const iota = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Reference permute: out[j] = x[i] where out index j_d = i_perm[d]. */
function permuteRef(x: number[], shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, d) => prod(shape.slice(d + 1)));
  const out: number[] = [];
  for (let t = 0; t < prod(outShape); t++) {
    let rest = t;
    let off = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      off += (rest % outShape[d]!) * inStrides[perm[d]!]!;
      rest = Math.floor(rest / outShape[d]!);
    }
    out.push(x[off]!);
  }
  return out;
}

describeBackends('movement', (device: Device) => {
  const t = (data: number[], shape: number[], dtype: DType = 'float32') => tensor(data, { shape, dtype, device });

  itKernel(device, ['Reshape'], 'reshape infers one -1 and keeps the element order', async () => {
    const x = t(iota(24), [2, 3, 4]);
    const r = reshape(x, [4, -1]);
    expect(r.shape).toEqual([4, 6]);
    expectClose(await r.data(), iota(24));
    expect(x.reshape(-1).shape).toEqual([24]);
    expect(x.reshape(2, -1, 2).shape).toEqual([2, 6, 2]);
    expect(reshape(t([5], [1]), []).shape).toEqual([]);
    expect(reshape(t([], [0, 3]), [-1, 3]).shape).toEqual([0, 3]);
    expect(reshape(t([], [0, 3]), [3, 0]).shape).toEqual([3, 0]);
  });

  itKernel(device, ['Reshape'], 'flatten, squeeze and unsqueeze change only the shape', async () => {
    const x = t(iota(24), [2, 3, 4]);
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, -2).shape).toEqual([6, 4]);
    expect(flatten(x, -1).shape).toEqual([2, 3, 4]);
    expect(flatten(t([7], [])).shape).toEqual([1]);
    const y = t(iota(6), [1, 2, 1, 3, 1]);
    expect(squeeze(y).shape).toEqual([2, 3]);
    expect(squeeze(y, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(y, -1).shape).toEqual([1, 2, 1, 3]);
    expect(squeeze(y, 1).shape).toEqual([1, 2, 1, 3, 1]); // size 2: left alone, as PyTorch
    expect(squeeze(y, [0, 2, 3]).shape).toEqual([2, 3, 1]);
    expect(squeeze(t([3], [1])).shape).toEqual([]);
    expectClose(await squeeze(y).data(), iota(6));
    const v = t([1, 2, 3], [3]);
    expect(unsqueeze(v, 0).shape).toEqual([1, 3]);
    expect(unsqueeze(v, 1).shape).toEqual([3, 1]);
    expect(unsqueeze(v, -1).shape).toEqual([3, 1]);
    expect(unsqueeze(v, -2).shape).toEqual([1, 3]);
    expect(unsqueeze(t([4], []), 0).shape).toEqual([1]);
    expectClose(await unsqueeze(v, 1).data(), [1, 2, 3]);
  });

  itKernel(device, ['Transpose'], 'transpose of a matrix, computed by hand', async () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = transpose(x, 0, 1);
    expect(y.shape).toEqual([3, 2]);
    expectClose(await y.data(), [1, 4, 2, 5, 3, 6]);
    expectClose(await transpose(x, -1, -2).data(), [1, 4, 2, 5, 3, 6]);
  });

  const perms: [number[], number[]][] = [
    [[2, 3, 4], [2, 0, 1]],
    [[2, 3, 4], [1, 2, 0]],
    [[2, 3, 4], [0, 2, 1]],
    [[2, 3, 4, 5], [3, 1, 2, 0]],
    [[2, 3, 4, 5], [0, 2, 1, 3]], // attention-style head swap
    [[1, 3, 1, 2], [3, 2, 1, 0]],
    [[70, 45], [1, 0]], // larger than one copy tile
    [[3, 0, 2], [2, 1, 0]],
  ];
  for (const [shape, perm] of perms) {
    itKernel(device, ['Transpose', 'Reshape'], `permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}`, async () => {
      const data = iota(prod(shape));
      const y = permute(t(data, shape), perm);
      expect(y.shape).toEqual(perm.map((p) => shape[p]));
      expectClose(await y.data(), permuteRef(data, shape, perm));
    });
  }

  itKernel(device, ['Transpose', 'Reshape'], 'permute takes negative dims; transpose keeps int32 and bool', async () => {
    const x = t(iota(6), [1, 2, 3]);
    expectClose(await permute(x, [-1, 0, -2]).data(), permuteRef(iota(6), [1, 2, 3], [2, 0, 1]));
    expectClose(await x.permute(2, 1, 0).data(), permuteRef(iota(6), [1, 2, 3], [2, 1, 0]));
    const xi = transpose(t([1, -2, 3, -4], [2, 2], 'int32'), 0, 1);
    expect(xi.dtype).toBe('int32');
    expect(Array.from(await xi.data())).toEqual([1, 3, -2, -4]);
    const xb = transpose(t([1, 0, 0, 1, 1, 0], [3, 2], 'bool'), 0, 1);
    expect(xb.dtype).toBe('bool');
    expect(Array.from(await xb.data())).toEqual([1, 0, 1, 0, 1, 0]);
  });

  itKernel(device, ['Expand'], 'expand repeats size-1 dims, keeps -1 and adds leading dims', async () => {
    const x = t([1, 2, 3], [3, 1]);
    const y = expand(x, [2, -1, 4]);
    expect(y.shape).toEqual([2, 3, 4]);
    expectClose(await y.data(), [...[1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], ...[1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]]);
    const r = t([1, 2], [1, 2]).expand(3, 2);
    expectClose(await r.data(), [1, 2, 1, 2, 1, 2]);
    const s = expand(t([7], [], 'int32'), [2, 2]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([7, 7, 7, 7]);
    expect(expand(t([1], [1]), [0]).shape).toEqual([0]);
    expect(expand(x, [3, 1]).shape).toEqual([3, 1]);
  });

  itKernel(device, ['Concat'], 'concat of three tensors along dim 1, along dim 0 and dim -1', async () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [2, 1]);
    const c = t([7, 8, 9, 10, 11, 12], [2, 3]);
    const y = concat([a, b, c], 1);
    expect(y.shape).toEqual([2, 6]);
    expectClose(await y.data(), [1, 2, 5, 7, 8, 9, 3, 4, 6, 10, 11, 12]);
    expectClose(await cat([a, b, c], -1).data(), [1, 2, 5, 7, 8, 9, 3, 4, 6, 10, 11, 12]);
    const z = concat([a, t([9, 9], [1, 2]), a]);
    expect(z.shape).toEqual([5, 2]);
    expectClose(await z.data(), [1, 2, 3, 4, 9, 9, 1, 2, 3, 4]);
    const e = concat([t([], [2, 0]), b], 1);
    expect(e.shape).toEqual([2, 1]);
    expectClose(await e.data(), [5, 6]);
    expectClose(await concat([a]).data(), [1, 2, 3, 4]);
  });

  itKernel(device, ['Concat', 'Cast'], 'concat promotes mixed dtypes like torch.cat', async () => {
    const y = concat([t([1, 2], [2], 'int32'), t([0.5], [1])]);
    expect(y.dtype).toBe('float32');
    expectClose(await y.data(), [1, 2, 0.5]);
    const z = concat([t([1, 0], [2], 'bool'), t([3], [1], 'int32')]);
    expect(z.dtype).toBe('int32');
    expect(Array.from(await z.data())).toEqual([1, 0, 3]);
  });

  itKernel(device, ['Concat', 'Reshape'], 'stack inserts a new dim at 0, in the middle and at the end', async () => {
    const a = t([1, 2, 3], [3]);
    const b = t([4, 5, 6], [3]);
    const s0 = stack([a, b]);
    expect(s0.shape).toEqual([2, 3]);
    expectClose(await s0.data(), [1, 2, 3, 4, 5, 6]);
    const s1 = stack([a, b], 1);
    expect(s1.shape).toEqual([3, 2]);
    expectClose(await s1.data(), [1, 4, 2, 5, 3, 6]);
    expectClose(await stack([a, b], -1).data(), [1, 4, 2, 5, 3, 6]);
    const m = t(iota(4), [2, 2]);
    const s2 = stack([m, m, m], 1);
    expect(s2.shape).toEqual([2, 3, 2]);
    expectClose(await s2.data(), [0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3]);
    expect(stack([t([1], []), t([2], [])]).shape).toEqual([2]);
  });

  itKernel(device, ['Slice'], 'slice with Python semantics: negatives, clamping, empty results', async () => {
    const x = t(iota(10), [10]);
    expectClose(await slice(x, 0, 2, 5).data(), [2, 3, 4]);
    expectClose(await slice(x, 0, -3).data(), [7, 8, 9]);
    expectClose(await slice(x, 0, 0, -8).data(), [0, 1]);
    expectClose(await slice(x, 0, -100, 3).data(), [0, 1, 2]);
    expectClose(await slice(x, 0, 8, 100).data(), [8, 9]);
    expect(slice(x, 0, 5, 2).shape).toEqual([0]);
    expect(slice(x, 0, 12).shape).toEqual([0]);
    const m = t(iota(24), [2, 3, 4]);
    const s = slice(m, 1, 1);
    expect(s.shape).toEqual([2, 2, 4]);
    expectClose(await s.data(), [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]);
    const l = m.slice(-1, 1, 3);
    expect(l.shape).toEqual([2, 3, 2]);
    expectClose(await l.data(), [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]);
    expectClose(await slice(m, 0, 1).data(), iota(12, 12));
  });

  itKernel(device, ['Slice'], 'narrow takes start (negative from the end) and length', async () => {
    const m = t(iota(12), [3, 4]);
    const n = narrow(m, 1, 1, 2);
    expect(n.shape).toEqual([3, 2]);
    expectClose(await n.data(), [1, 2, 5, 6, 9, 10]);
    expectClose(await narrow(m, 0, -1, 1).data(), [8, 9, 10, 11]);
    expect(narrow(m, 0, 3, 0).shape).toEqual([0, 4]);
  });

  itKernel(device, ['Pad'], 'pad pairs start from the last dim, as F.pad', async () => {
    const v = pad(t([1, 2], [2]), [1, 2]);
    expect(v.shape).toEqual([5]);
    expectClose(await v.data(), [0, 1, 2, 0, 0]);
    const m = t([1, 2, 3, 4], [2, 2]);
    const p = pad(m, [1, 0, 0, 2], -1);
    expect(p.shape).toEqual([4, 3]);
    expectClose(await p.data(), [-1, 1, 2, -1, 3, 4, -1, -1, -1, -1, -1, -1]);
    const q = m.pad([0, 1]);
    expectClose(await q.data(), [1, 2, 0, 3, 4, 0]);
    const i = pad(t([5], [1], 'int32'), [1, 1], 2.7);
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([2, 5, 2]);
    const e = pad(t([], [0, 2]), [1, 1, 1, 0], 3);
    expect(e.shape).toEqual([1, 4]);
    expectClose(await e.data(), [3, 3, 3, 3]);
    const x3 = pad(t(iota(8), [2, 2, 2]), [0, 0, 0, 0, 1, 0]);
    expect(x3.shape).toEqual([3, 2, 2]);
    expectClose(await x3.data(), [0, 0, 0, 0, ...iota(8)]);
  });
});
