/** Indexing conformance (Gather, IndexSelect, ScatterAdd, and oneHot built on primitives), on every backend. */
import { expect } from 'vitest';
import { gather, indexSelect, oneHot, scatterAdd, tensor, type DType, type Device } from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: readonly number[]) => s.map((_, d) => prod(s.slice(d + 1)));

/** Calls fn(position, flatIndex) for each position of `shape` in row-major order. */
function forEachIndex(shape: readonly number[], fn: (pos: number[], t: number) => void): void {
  for (let t = 0; t < prod(shape); t++) {
    const pos: number[] = [];
    let rest = t;
    for (let d = shape.length - 1; d >= 0; d--) {
      pos[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    fn(pos, t);
  }
}

const at = (shape: readonly number[], pos: readonly number[]) => pos.reduce((o, p, d) => o + p * strides(shape)[d]!, 0);

function gatherRef(x: number[], xShape: number[], dim: number, index: number[], iShape: number[]): number[] {
  const out: number[] = [];
  forEachIndex(iShape, (pos, t) => {
    const p = pos.slice();
    p[dim] = index[t]!;
    out.push(x[at(xShape, p)]!);
  });
  return out;
}

function scatterAddRef(x: number[], xShape: number[], dim: number, index: number[], iShape: number[], src: number[], sShape: number[]): number[] {
  const out = x.slice();
  forEachIndex(iShape, (pos, t) => {
    const p = pos.slice();
    p[dim] = index[t]!;
    out[at(xShape, p)]! += src[at(sShape, pos)]!;
  });
  return out;
}

describeBackends('indexing', (device: Device) => {
  const t = (data: number[], shape: number[], dtype: DType = 'float32') => tensor(data, { shape, dtype, device });
  const idx = (data: number[], shape: number[]) => t(data, shape, 'int32');

  itKernel(device, ['Gather'], 'gather along dims 0 and 1, computed by hand (duplicates, smaller index)', async () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const g1 = gather(x, 1, idx([2, 0, 0, 1, 1, 1], [2, 3]));
    expect(g1.shape).toEqual([2, 3]);
    expectClose(await g1.data(), [3, 1, 1, 5, 5, 5]);
    const g0 = gather(x, 0, idx([1, 0, 1, 1], [2, 2]));
    expectClose(await g0.data(), [4, 2, 4, 5]);
    const wide = x.gather(-1, idx([0, 0, 0, 0, 2, 2, 2, 2], [2, 4])); // larger than x along dim
    expect(wide.shape).toEqual([2, 4]);
    expectClose(await wide.data(), [1, 1, 1, 1, 6, 6, 6, 6]);
    const gi = gather(t([10, 20, 30], [3], 'int32'), 0, idx([2, 2, 0], [3]));
    expect(gi.dtype).toBe('int32');
    expect(Array.from(await gi.data())).toEqual([30, 30, 10]);
    expect(gather(x, 1, idx([], [2, 0])).shape).toEqual([2, 0]);
  });

  for (const dim of [0, 1, 2]) {
    itKernel(device, ['Gather'], `gather on a 3-D tensor along dim ${dim} against a reference`, async () => {
      const xShape = [3, 4, 5];
      const x = Array.from({ length: 60 }, (_, i) => i * 0.5 - 7);
      const iShape = xShape.map((n, d) => (d === dim ? n + 2 : n - 1));
      const index = Array.from({ length: prod(iShape) }, (_, i) => (i * 7 + 3) % xShape[dim]!);
      const g = gather(t(x, xShape), dim, idx(index, iShape));
      expect(g.shape).toEqual(iShape);
      expectClose(await g.data(), gatherRef(x, xShape, dim, index, iShape));
    });
  }

  itKernel(device, ['ScatterAdd'], 'scatterAdd accumulates duplicates, computed by hand', async () => {
    const x = t([0, 0, 0, 0, 0, 0], [2, 3]);
    const s1 = scatterAdd(x, 1, idx([0, 0, 2, 1, 1, 1], [2, 3]), t([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(s1.shape).toEqual([2, 3]);
    expectClose(await s1.data(), [3, 0, 3, 0, 15, 0]);
    const s0 = scatterAdd(t([1, 1, 1, 1, 1, 1], [2, 3]), 0, idx([1, 1], [1, 2]), t([10, 20, 30, 40, 50, 60], [2, 3]));
    expectClose(await s0.data(), [1, 1, 1, 11, 21, 1]);
    const si = scatterAdd(t([1, 2, 3], [3], 'int32'), 0, idx([2, 2, 0, 2], [4]), t([5, 6, 7, 8], [4], 'int32'));
    expect(si.dtype).toBe('int32');
    expect(Array.from(await si.data())).toEqual([8, 2, 22]);
  });

  for (const dim of [0, 1, 2]) {
    itKernel(device, ['ScatterAdd'], `scatterAdd on a 3-D tensor along dim ${dim} against a reference`, async () => {
      const xShape = [3, 4, 5];
      const x = Array.from({ length: 60 }, (_, i) => (i % 7) - 3);
      const sShape = [4, 4, 6];
      const src = Array.from({ length: prod(sShape) }, (_, i) => i * 0.25);
      const iShape = xShape.map((n, d) => (d === dim ? 4 : n - 1));
      const index = Array.from({ length: prod(iShape) }, (_, i) => (i * 5 + 1) % xShape[dim]!);
      const s = scatterAdd(t(x, xShape), dim, idx(index, iShape), t(src, sShape));
      expect(s.shape).toEqual(xShape);
      expectClose(await s.data(), scatterAddRef(x, xShape, dim, index, iShape, src, sShape));
    });
  }

  itKernel(device, ['IndexSelect'], 'indexSelect along dims 0, 1 and -1 with repeats', async () => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]);
    const r = indexSelect(x, 0, idx([2, 0, 2], [3]));
    expect(r.shape).toEqual([3, 4]);
    expectClose(await r.data(), [9, 10, 11, 12, 1, 2, 3, 4, 9, 10, 11, 12]);
    const c = x.indexSelect(1, idx([3, 1], [2]));
    expect(c.shape).toEqual([3, 2]);
    expectClose(await c.data(), [4, 2, 8, 6, 12, 10]);
    expectClose(await indexSelect(x, -1, idx([0], [1])).data(), [1, 5, 9]);
    expect(indexSelect(x, 0, idx([], [0])).shape).toEqual([0, 4]);
    const v = indexSelect(t([5, 6, 7], [3]), 0, idx([1, 1], [2]));
    expectClose(await v.data(), [6, 6]);
    const x3 = t(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    expectClose(await indexSelect(x3, 1, idx([2, 0], [2])).data(), [8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15]);
  });

  for (const dim of [0, 1, 2])
    itKernel(device, ['IndexSelect'], `indexSelect on a 3-D tensor along dim ${dim} against a reference (block copies and short rows)`, async () => {
      const xShape = [5, 4, 20];
      const x = Array.from({ length: prod(xShape) }, (_, i) => i * 0.5 - 100);
      const index = [3, 0, 3, 1, 2].map((v) => v % xShape[dim]!);
      const iShape = xShape.map((n, d) => (d === dim ? index.length : n));
      // indexSelect is gather with the index broadcast across the other dims.
      const spread: number[] = [];
      forEachIndex(iShape, (pos) => spread.push(index[pos[dim]!]!));
      const r = indexSelect(t(x, xShape), dim, idx(index, [index.length]));
      expect(r.shape).toEqual(iShape);
      expect(Array.from(await r.data())).toEqual(gatherRef(x, xShape, dim, spread, iShape));
    });

  itKernel(device, ['IndexSelect'], 'indexSelect keeps int32 and bool values, takes a 0-d index, and gives empty results', async () => {
    const xi = t([10, 20, 30, 40, 50, 60], [3, 2], 'int32');
    const ri = indexSelect(xi, 0, idx([2, 2, 0], [3]));
    expect(ri.dtype).toBe('int32');
    expect(Array.from(await ri.data())).toEqual([50, 60, 50, 60, 10, 20]);
    const xb = t([1, 0, 0, 1, 1, 0], [2, 3], 'bool');
    const rb = indexSelect(xb, 1, idx([2, 0], [2]));
    expect(rb.dtype).toBe('bool');
    expect(Array.from(await rb.data())).toEqual([0, 1, 0, 1]);
    const r0 = indexSelect(xi, 1, idx([1], []));
    expect(r0.shape).toEqual([3, 1]);
    expect(Array.from(await r0.data())).toEqual([20, 40, 60]);
    expect(indexSelect(t([], [0, 3]), 1, idx([2, 1], [2])).shape).toEqual([0, 2]);
  });

  if (device === 'cpu')
    itKernel(device, ['IndexSelect'], 'indexSelect names an out-of-range index on the CPU (negative or too large)', () => {
      const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(() => indexSelect(x, 0, idx([1, 2], [2]))).toThrow('indexSelect: index 2 is out of bounds for dim 0 with size 2');
      expect(() => indexSelect(x, -1, idx([0, -1], [2]))).toThrow('indexSelect: index -1 is out of bounds for dim 1 with size 3');
    });

  itKernel(device, ['Equal', 'Cast', 'Reshape'], 'oneHot gives int32 rows with a 1 at each class', async () => {
    const h = oneHot(idx([0, 2, 1], [3]), 3);
    expect(h.shape).toEqual([3, 3]);
    expect(h.dtype).toBe('int32');
    expect(Array.from(await h.data())).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    const h2 = idx([1, 0, 3, 3], [2, 2]).oneHot(5);
    expect(h2.shape).toEqual([2, 2, 5]);
    expect(Array.from(await h2.data())).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(oneHot(idx([], [0]), 4).shape).toEqual([0, 4]);
    if (device === 'cpu') {
      const inferred = oneHot(idx([1, 4], [2]));
      expect(inferred.shape).toEqual([2, 5]);
      expect(Array.from(await inferred.data())).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    } else {
      expect(() => oneHot(idx([1, 4], [2]))).toThrow(`oneHot: numClasses must be given on device '${device}'`);
    }
  });
});
