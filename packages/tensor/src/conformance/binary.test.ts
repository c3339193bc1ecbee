import { expect } from 'vitest';
import { add, div, maximum, minimum, mul, pow, sub, tensor, Generator, rand, type Tensor } from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';

/** Naive broadcasting reference: decomposes every output index (slow, obviously right). */
function reference(a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[], f: (x: number, y: number) => number) {
  const rank = Math.max(as.length, bs.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const pa = pad(as), pb = pad(bs);
  const shape = pa.map((d, i) => Math.max(d, pb[i]!));
  const size = shape.reduce((x, y) => x * y, 1);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    let rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      ia += (pa[d] === 1 ? 0 : idx) * sa;
      ib += (pb[d] === 1 ? 0 : idx) * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    out.push(f(a[ia]!, b[ib]!));
  }
  return { shape, out };
}

describeBackends('binary kernels', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Add', 'Sub', 'Mul', 'Div'], 'same-shape arithmetic', async () => {
    const a = t([[1, 2, 3], [4, 5, 6]]);
    const b = t([[0.5, -1, 2], [8, 0, -3]]);
    expectClose(await vals(add(a, b)), [1.5, 1, 5, 12, 5, 3]);
    expectClose(await vals(sub(a, b)), [0.5, 3, 1, -4, 5, 9]);
    expectClose(await vals(mul(a, b)), [0.5, -2, 6, 32, 0, -18]);
    expectClose(await vals(div(a, b)), [2, -2, 1.5, 0.5, Infinity, -2]);
    expect(add(a, b).shape).toEqual([2, 3]);
  });

  itKernel(device, ['Add'], 'broadcasts [2,1,3] + [4,1] to [2,4,3]', async () => {
    const a = t([[[1, 2, 3]], [[4, 5, 6]]]);
    const b = t([[10], [20], [30], [40]]);
    const y = add(a, b);
    expect(y.shape).toEqual([2, 4, 3]);
    expect(await y.array()).toEqual([
      [[11, 12, 13], [21, 22, 23], [31, 32, 33], [41, 42, 43]],
      [[14, 15, 16], [24, 25, 26], [34, 35, 36], [44, 45, 46]],
    ]);
  });

  itKernel(device, ['Add', 'Sub', 'Mul', 'Div', 'Maximum', 'Minimum', 'Pow'], 'broadcasting matches a naive reference', async () => {
    const g = new Generator(3);
    const pairs: [number[], number[]][] = [
      [[5, 4], [4]], [[4], [5, 4]], [[3, 1, 5], [1, 4, 1]], [[2, 3, 4, 5], [3, 1, 5]], [[6, 1], [1, 7]], [[1], [3, 2]],
      [[2, 1, 2, 1], [1, 3, 1, 4]], [[7, 8], [7, 1]], [[], [2, 2]], [[2, 3], []], [[1, 1, 3], [2, 1, 1]],
    ];
    const fns = { add: [add, (x: number, y: number) => x + y], sub: [sub, (x: number, y: number) => x - y], mul: [mul, (x: number, y: number) => x * y],
      div: [div, (x: number, y: number) => x / y], maximum: [maximum, Math.max], minimum: [minimum, Math.min], pow: [pow, Math.pow] } as const;
    for (const [as, bs] of pairs) {
      const a = rand(as, { generator: g, device });
      const b = rand(bs, { generator: g, device }).add(0.5);
      const av = await vals(a), bv = await vals(b);
      for (const [name, [op, f]] of Object.entries(fns)) {
        const ref = reference(av, as, bv, bs, (x, y) => Math.fround(f(x, y)));
        const y = op(a, b);
        expect(y.shape, `${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`).toEqual(ref.shape);
        expectClose(await vals(y), ref.out, { atol: 0, rtol: 1e-6 });
      }
    }
  });

  itKernel(device, ['Add', 'Sub', 'Mul', 'Div'], 'numbers on either side', async () => {
    const x = t([1, 2, 4]);
    expectClose(await vals(add(x, 1)), [2, 3, 5]);
    expectClose(await vals(sub(10, x)), [9, 8, 6]);
    expectClose(await vals(mul(0.5, x)), [0.5, 1, 2]);
    expectClose(await vals(div(1, x)), [1, 0.5, 0.25]);
    expectClose(await vals(x.sub(1)), [0, 1, 3]);
    const s = add(2, 3);
    expect(s.shape).toEqual([]);
    expect(await vals(s)).toEqual([5]);
  });

  itKernel(device, ['Add', 'Mul', 'Div', 'Cast'], 'dtype promotion: int32, bool and float32', async () => {
    const i = t([1, 2, 3], 'int32');
    const b = t([true, false, true]);
    const f = t([0.5, 0.5, 0.5]);
    const cases: [Tensor, string, number[]][] = [
      [add(i, i), 'int32', [2, 4, 6]],
      [add(i, 2), 'int32', [3, 4, 5]],
      [add(i, 1.5), 'float32', [2.5, 3.5, 4.5]],
      [add(i, f), 'float32', [1.5, 2.5, 3.5]],
      [add(b, i), 'int32', [2, 2, 4]],
      [add(b, b), 'bool', [1, 0, 1]],
      [mul(b, t([true, true, false])), 'bool', [1, 0, 0]],
      [add(b, 1), 'int32', [2, 1, 2]],
      [add(b, 0.5), 'float32', [1.5, 0.5, 1.5]],
      [div(i, t([2, 2, 2], 'int32')), 'float32', [0.5, 1, 1.5]],
      [div(t([1, -1, 0], 'int32'), 0), 'float32', [Infinity, -Infinity, NaN]],
      [mul(t([46340, -3], 'int32'), t([46340, 5], 'int32')), 'int32', [2147395600, -15]],
    ];
    for (const [y, dtype, expected] of cases) {
      expect(y.dtype).toBe(dtype);
      expectClose(await vals(y), expected);
    }
  });

  itKernel(device, ['Pow'], 'pow follows C/PyTorch at the edges', async () => {
    expectClose(await vals(pow(t([2, 4, -8, 0, 1, 1, -1, NaN]), t([3, 0.5, 1 / 3, 0, NaN, Infinity, -Infinity, 0]))), [8, 2, NaN, 1, 1, 1, 1, 1]);
    expectClose(await vals(pow(t([3]), 2)), [9]);
    expectClose(await vals(pow(2, t([0.5]))), [Math.SQRT2]);
    const ip = pow(t([2, -3, 2, 1, -1, 0], 'int32'), t([10, 3, -1, -5, -3, 0], 'int32'));
    expect(ip.dtype).toBe('int32');
    expect(await vals(ip)).toEqual([1024, -27, 0, 1, -1, 1]);
  });

  itKernel(device, ['Maximum', 'Minimum'], 'maximum/minimum propagate NaN and work on ints', async () => {
    expectClose(await vals(maximum(t([1, NaN, 3]), t([2, 0, NaN]))), [2, NaN, NaN]);
    expectClose(await vals(minimum(t([1, NaN, -Infinity]), 0)), [0, NaN, -Infinity]);
    const m = maximum(t([1, 5], 'int32'), t([3, 2], 'int32'));
    expect(m.dtype).toBe('int32');
    expect(await vals(m)).toEqual([3, 5]);
  });

  itKernel(device, ['Add'], 'empty shapes broadcast', async () => {
    const y = add(tensor([], { device, shape: [0, 3] }), t([1, 2, 3]));
    expect(y.shape).toEqual([0, 3]);
    expect(await vals(y)).toEqual([]);
  });
});
