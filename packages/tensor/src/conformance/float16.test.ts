/**
 * float16 on every backend against PyTorch (golden/float16.json, scripts/gen-float16-goldens.py): the rounding of
 * float32 to half (ties to even, overflow to inf, subnormals), arithmetic that rounds each result once, dtypes
 * through promotion, and 2-byte storage.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { describeBackends, itKernel } from '@nn/testing';
import {
  add, cast, concat, div, exp, matmul, memory, mul, ones, randn, relu, sigmoid, sqrt, sub, sum, tanh, tensor, tidy, zeros, type Tensor,
} from '../index.js';

type Num = number | 'inf' | '-inf' | 'nan';
const G = JSON.parse(readFileSync(new URL('./golden/float16.json', import.meta.url), 'utf8')) as {
  conversion: { input: Num[]; bits: number[]; values: Num[] };
  inputs: Record<'a' | 'b' | 'm', Num[]>;
  ops: Record<string, { shape: number[]; values: Num[] }>;
};
const num = (v: Num) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);
const nums = (vs: Num[]) => vs.map(num);

describeBackends('float16', (device) => {
  const half = (values: number[], shape?: number[]) => tensor(values, { device, dtype: 'float16', shape });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Cast'], 'float32 → float16 rounds as PyTorch: ties to even, ±inf beyond 65519.99, subnormals, NaN', async () => {
    const x = tensor(nums(G.conversion.input), { device });
    const h = cast(x, 'float16');
    expect(h.dtype).toBe('float16');
    expect(await vals(h)).toEqual(nums(G.conversion.values));
    // The same values straight from numbers, and back to float32 exactly.
    expect(await vals(half(nums(G.conversion.input)))).toEqual(nums(G.conversion.values));
    expect(await vals(cast(h, 'float32'))).toEqual(nums(G.conversion.values));
  });

  itKernel(device, ['Cast'], 'float16 ↔ int32 and bool', async () => {
    const h = half([1.7, -2.5, 0, -0, 300.4, NaN]);
    expect(await vals(cast(h, 'bool'))).toEqual([1, 1, 0, 0, 1, 1]);
    expect(await vals(cast(half([1.7, -2.5, 300.4]), 'int32'))).toEqual([1, -2, 300]);
    const fromInt = cast(tensor([2049, -7, 70000], { device, dtype: 'int32' }), 'float16');
    expect([fromInt.dtype, await vals(fromInt)]).toEqual(['float16', [2048, -7, Infinity]]);
    expect(await vals(cast(tensor([true, false], { device }), 'float16'))).toEqual([1, 0]);
  });

  const ops: Record<string, (a: Tensor, b: Tensor, m: Tensor) => Tensor> = {
    add: (a, b) => add(a, b), sub: (a, b) => sub(a, b), mul: (a, b) => mul(a, b), div: (a, b) => div(a, b),
    exp: (a) => exp(a), tanh: (a) => tanh(a), sigmoid: (a) => sigmoid(a), sqrtAbs: (a) => sqrt(a.abs()),
    matmul: (a, _b, m) => matmul(a, m), sum1: (a) => sum(a, 1), relu: (a) => relu(a), mulBig: (a) => mul(a, 30000),
  };
  for (const [name, f] of Object.entries(ops)) {
    itKernel(device, ['Cast'], `${name} of float16 is float16, matching PyTorch`, async () => {
      const a = half(nums(G.inputs.a), [3, 4]);
      const b = half(nums(G.inputs.b), [3, 4]);
      const m = half(nums(G.inputs.m), [4, 5]);
      const y = f(a, b, m);
      const want = G.ops[name]!;
      expect(y.dtype).toBe('float16');
      expect(y.shape).toEqual(want.shape);
      const got = await vals(y);
      const expected = nums(want.values);
      // Transcendental functions may differ from PyTorch's by their last float32 bit, which can move the
      // half by one unit in the last place (2^-10 relative); everything else is exact.
      const exact = !['exp', 'tanh', 'sigmoid', 'sqrtAbs', 'matmul', 'sum1'].includes(name);
      got.forEach((v, i) => {
        if (exact || !Number.isFinite(expected[i]!)) expect(v).toBe(expected[i]);
        else expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) * 2 ** -10 + 1e-7);
      });
    });
  }

  itKernel(device, ['Cast'], 'promotion: float16 with a number stays float16, with float32 becomes float32', async () => {
    const h = half([1, 2]);
    expect(add(h, 0.5).dtype).toBe('float16');
    expect(add(h, 3).dtype).toBe('float16');
    expect(add(h, tensor([1, 1], { device })).dtype).toBe('float32');
    expect(add(h, tensor([1, 1], { device, dtype: 'int32' })).dtype).toBe('float16');
    expect(matmul(half([1, 2], [1, 2]), half([3, 4], [2, 1])).dtype).toBe('float16');
    expect(await vals(add(h, tensor([0.25, 0.25], { device })))).toEqual([1.25, 2.25]);
  });

  itKernel(device, ['Cast'], 'creation, movement and 2 bytes an element', async () => {
    expect(await vals(ones([3], { device, dtype: 'float16' }))).toEqual([1, 1, 1]);
    expect(randn([4], { device, dtype: 'float16' }).dtype).toBe('float16');
    const x = half([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(await x.transpose(0, 1).array()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(await concat([x, x], 0).slice(0, 1, 3).array()).toEqual([[4, 5, 6], [1, 2, 3]]);
    const bytes = (dtype: 'float16' | 'float32') => {
      const before = memory().numBytes;
      const big = zeros([4001], { device, dtype });
      const n = memory().numBytes - before;
      big.dispose();
      return n;
    };
    // 2 bytes an element (the WebGPU buffer pool rounds sizes up alike for both dtypes).
    if (device === 'cpu') expect(bytes('float16')).toBe(8002);
    expect(bytes('float16')).toBeLessThanOrEqual(bytes('float32') / 2);
  });

  itKernel(device, ['Cast'], 'widening temporaries are freed', async () => {
    const a = half([1, 2, 3, 4], [2, 2]);
    const before = memory().numTensors;
    const bytes = memory().numBytes;
    tidy(() => void matmul(a, a).add(1).exp().sum());
    expect(memory().numTensors).toBe(before);
    expect(memory().numBytes).toBe(bytes);
  });
});

describeBackends('float16 between devices', (device) => {
  itKernel(device, ['Cast'], 'moves to and from the CPU bit for bit (odd lengths too)', async () => {
    const values = [1, -2.5, 65504, 1e-7, NaN, 0.1, 3];
    const cpu = tensor(values, { dtype: 'float16' });
    const there = cpu.to(device);
    expect(there.dtype).toBe('float16');
    const back = await there.toAsync('cpu');
    expect(Array.from(back.dataSync())).toEqual(Array.from(cpu.dataSync()));
  });
});
