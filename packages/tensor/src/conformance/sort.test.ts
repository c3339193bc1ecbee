/** ArgSort conformance (and sort/topk built on it), on every backend: stable order, NaN largest, any dim, dtypes. */
import { expect } from 'vitest';
import { argsort, sort, tensor, topk, type DType, type Device } from '../index.js';
import { describeBackends, itKernel, seededValues } from '@nn/testing';

/** The stable argsort of each row of `values` (rows of length n, along the last dim), computed by hand. */
function argsortRef(values: number[], n: number, descending: boolean): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const out: number[] = [];
  for (let r = 0; r < values.length / n; r++) {
    const row = values.slice(r * n, (r + 1) * n);
    const order = row.map((_, i) => i);
    order.sort((a, b) => {
      const [ka, kb] = [key(row[a]!), key(row[b]!)];
      const nanA = Number.isNaN(row[a]!);
      const nanB = Number.isNaN(row[b]!);
      const c = nanA || nanB ? Number(nanA) - Number(nanB) : ka < kb ? -1 : ka > kb ? 1 : 0;
      return (descending ? -c : c) || a - b;
    });
    out.push(...order);
  }
  return out;
}

describeBackends('sort', (device: Device) => {
  const t = (data: number[], shape: number[], dtype: DType = 'float32') => tensor(data, { shape, dtype, device });

  itKernel(device, ['ArgSort', 'Gather'], 'ties and NaN along the last dim, both directions', async () => {
    const data = [3, 1, NaN, 1, -2, 3, 0, -0, 2, 2, NaN, -1, NaN, NaN, 5, -Infinity, Infinity, 5];
    const x = t(data, [3, 6]);
    for (const descending of [false, true]) {
      const s = sort(x, -1, { descending });
      expect(Array.from(await s.indices.data())).toEqual(argsortRef(data, 6, descending));
      expect(s.indices.dtype).toBe('int32');
    }
    expect(Array.from(await sort(x).values.data())).toEqual([-2, 1, 1, 3, 3, NaN, -1, 0, -0, 2, 2, NaN, -Infinity, 5, 5, Infinity, NaN, NaN]);
  });

  itKernel(device, ['ArgSort', 'Gather'], 'along a middle dim, int32 and bool', async () => {
    const x = t([4, 1, 9, 2, 4, 0, 1, 1, 7, 3, 4, 8], [2, 3, 2], 'int32');
    const s = sort(x, 1);
    expect(Array.from(await s.indices.data())).toEqual([0, 2, 2, 0, 1, 1, 0, 0, 2, 1, 1, 2]);
    expect(Array.from(await s.values.data())).toEqual([4, 0, 4, 1, 9, 2, 1, 1, 4, 3, 7, 8]);
    const b = t([1, 0, 1, 0], [4], 'bool');
    expect(Array.from(await argsort(b, 0, { descending: true }).data())).toEqual([0, 2, 1, 3]);
  });

  itKernel(device, ['ArgSort', 'Gather', 'Slice'], 'topk on seeded values matches the reference', async () => {
    const data = Array.from(seededValues(5 * 33, 7), (v) => v).map((v) => Math.round(v * 4) / 4); // rounding makes ties
    const x = t(data, [5, 33]);
    const k = topk(x, 4, 1, { largest: false });
    const ref = argsortRef(data, 33, false);
    const want = Array.from({ length: 5 }, (_, r) => ref.slice(r * 33, r * 33 + 4)).flat();
    expect(Array.from(await k.indices.data())).toEqual(want);
    expect(Array.from(await k.values.data())).toEqual(want.map((j, i) => data[Math.floor(i / 4) * 33 + j]!));
  });
});
