/** MatMul conformance: values against a float64 reference written here, on every backend. */
import { expect } from 'vitest';
import { engine, matmul, tensor, type Device } from '../index.js';
import { describeBackends, expectClose, itKernel, seededValues } from '@nn/testing';

/**
 * Reference batched matmul in float64: a [...A, m, k] @ b [...B, k, n] with broadcast batch dims, operands
 * optionally stored transposed (their last two dims swapped).
 */
function reference(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], tA = false, tB = false) {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [m, k] = tA ? [ac, ar] : [ar, ac];
  const n = tB ? br : bc;
  const aB = aShape.slice(0, -2);
  const bB = bShape.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const pad = (s: number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const pa = pad(aB);
  const pb = pad(bB);
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const count = batch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(count * m * n);
  for (let t = 0; t < count; t++) {
    // Unravel t over batch, then ravel over each operand's (broadcast) batch shape.
    let rest = t;
    let oa = 0;
    let ob = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      oa += (pa[d] === 1 ? 0 : i) * sa;
      ob += (pb[d] === 1 ? 0 : i) * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = a[oa * m * k + (tA ? p * m + i : i * k + p)]!;
          const bv = b[ob * k * n + (tB ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out[t * m * n + i * n + j] = acc;
      }
  }
  return { out, shape: [...batch, m, n] };
}

describeBackends('matmul', (device: Device) => {
  const t = (data: Float32Array | number[], shape: number[]) => tensor(data instanceof Float32Array ? data : Float32Array.from(data), { shape, device });

  itKernel(device, ['MatMul'], '2-D values computed by hand', async () => {
    const c = matmul(t([1, 2, 3, 4, 5, 6], [2, 3]), t([7, 8, 9, 10, 11, 12], [3, 2]));
    expect(c.shape).toEqual([2, 2]);
    expectClose(await c.data(), [58, 64, 139, 154]);
  });

  itKernel(device, ['MatMul', 'Reshape'], '1-D operands: dot, row vector, column vector', async () => {
    const dot = matmul(t([1, 2, 3], [3]), t([4, 5, 6], [3]));
    expect(dot.shape).toEqual([]);
    expectClose(await dot.data(), [32]);
    const vm = matmul(t([1, 2], [2]), t([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(vm.shape).toEqual([3]);
    expectClose(await vm.data(), [9, 12, 15]);
    const mv = matmul(t([1, 2, 3, 4, 5, 6], [2, 3]), t([1, 0, -1], [3]));
    expect(mv.shape).toEqual([2]);
    expectClose(await mv.data(), [-2, -2]);
    // 1-D against a batch: the vector broadcasts over the batch and its dim is removed.
    const bv = matmul(t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), t([1, -1], [2]));
    expect(bv.shape).toEqual([2, 2]);
    expectClose(await bv.data(), [-1, -1, -1, -1]);
    const vb = matmul(t([1, -1], [2]), t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]));
    expect(vb.shape).toEqual([2, 2]);
    expectClose(await vb.data(), [-2, -2, -2, -2]);
  });

  const cases: [string, number[], number[]][] = [
    ['odd sizes 37×53 @ 53×29', [37, 53], [53, 29]],
    ['several blocks 70×300 @ 300×130', [70, 300], [300, 130]],
    ['batched broadcast [2,1,3,4] @ [5,4,2]', [2, 1, 3, 4], [5, 4, 2]],
    ['matrix @ batch [3,4] @ [2,4,5]', [3, 4], [2, 4, 5]],
    ['batch of equal shapes [4,6,7] @ [4,7,3]', [4, 6, 7], [4, 7, 3]],
    ['single row and column 1×64 @ 64×1', [1, 64], [64, 1]],
    ['outer product 9×1 @ 1×11', [9, 1], [1, 11]],
  ];
  for (const [name, aShape, bShape] of cases) {
    itKernel(device, ['MatMul'], name, async () => {
      const av = seededValues(aShape.reduce((x, y) => x * y, 1), 1);
      const bv = seededValues(bShape.reduce((x, y) => x * y, 1), 2);
      const c = matmul(t(av, aShape), t(bv, bShape));
      const ref = reference(av, aShape, bv, bShape);
      expect(c.shape).toEqual(ref.shape);
      expectClose(await c.data(), ref.out, { atol: 1e-4, rtol: 1e-4 });
    });
  }

  itKernel(device, ['MatMul'], 'empty dims: m = 0, k = 0 (zeros), batch = 0', async () => {
    const e1 = matmul(t([], [0, 3]), t(seededValues(12, 3), [3, 4]));
    expect(e1.shape).toEqual([0, 4]);
    expect((await e1.data()).length).toBe(0);
    const e2 = matmul(t([], [2, 0]), t([], [0, 3]));
    expect(e2.shape).toEqual([2, 3]);
    expectClose(await e2.data(), [0, 0, 0, 0, 0, 0]);
    const e3 = matmul(t([], [0, 2, 3]), t(seededValues(6, 4), [3, 2]));
    expect(e3.shape).toEqual([0, 2, 2]);
  });

  // Autograd computes dA = dC·Bᵀ and dB = Aᵀ·dC with the kernel's transpose flags.
  // m = 1 and n = 1 take the matrix-vector path on the CPU.
  const flags = [[false, false], [true, false], [false, true], [true, true]] as const;
  const sizes = [[5, 7, 6], [1, 9, 6], [5, 9, 1]] as const;
  for (const [[tA, tB], [m, k, n]] of flags.flatMap((f) => sizes.map((s) => [f, s] as const))) {
    itKernel(device, ['MatMul'], `kernel attrs transposeA=${tA} transposeB=${tB}, m=${m} k=${k} n=${n}, batched with broadcast`, async () => {
      const aShape = tA ? [2, 1, k, m] : [2, 1, m, k];
      const bShape = tB ? [3, n, k] : [3, k, n];
      const av = seededValues(2 * m * k, 5);
      const bv = seededValues(3 * k * n, 6);
      const c = engine.runKernel('MatMul', [t(av, aShape), t(bv, bShape)], { transposeA: tA, transposeB: tB });
      const ref = reference(av, aShape, bv, bShape, tA, tB);
      expect(c.shape).toEqual([2, 3, m, n]);
      expectClose(await c.data(), ref.out, { atol: 1e-5, rtol: 1e-5 });
    });
  }
});
