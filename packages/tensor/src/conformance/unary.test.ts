import { expect } from 'vitest';
import {
  abs, cos, erf, exp, gelu, leakyRelu, log, neg, reciprocal, relu, rsqrt, sigmoid, sign, sin, sqrt, square, tanh,
  tensor, type Tensor,
} from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';
import { golden } from './forward-golden.js';

describeBackends('unary kernels', (device) => {
  const t = (data: Parameters<typeof tensor>[0], dtype?: 'float32' | 'int32' | 'bool') => tensor(data, { device, dtype });
  const vals = async (x: Tensor) => Array.from(await x.data());

  itKernel(device, ['Neg', 'Abs', 'Sign', 'Square', 'Reciprocal'], 'neg, abs, sign, square, reciprocal on floats', async () => {
    const x = t([[-2.5, -0, 0], [1.5, NaN, -Infinity]]);
    expectClose(await vals(neg(x)), [2.5, 0, 0, -1.5, NaN, Infinity]);
    expectClose(await vals(abs(x)), [2.5, 0, 0, 1.5, NaN, Infinity]);
    expectClose(await vals(sign(x)), [-1, 0, 0, 1, 0, -1]);
    expectClose(await vals(square(x)), [6.25, 0, 0, 2.25, NaN, Infinity]);
    expectClose(await vals(reciprocal(t([2, -4, 0, Infinity]))), [0.5, -0.25, Infinity, 0]);
    expect(neg(x).shape).toEqual([2, 3]);
  });

  itKernel(device, ['Exp', 'Log', 'Sqrt', 'Rsqrt', 'Sin', 'Cos', 'Tanh'], 'exp, log, sqrt, rsqrt, sin, cos, tanh at known points', async () => {
    expectClose(await vals(exp(t([0, 1, -Infinity, 89, -104]))), [1, Math.E, 0, Infinity, 0]);
    expectClose(await vals(log(t([1, Math.E, 0, -1, Infinity]))), [0, 1, -Infinity, NaN, Infinity]);
    expectClose(await vals(sqrt(t([4, 2, 0, -1]))), [2, Math.SQRT2, 0, NaN]);
    expectClose(await vals(rsqrt(t([4, 0.25, 0]))), [0.5, 2, Infinity]);
    expectClose(await vals(sin(t([0, Math.PI / 2, -Math.PI / 6]))), [0, 1, -0.5]);
    expectClose(await vals(cos(t([0, Math.PI, Math.PI / 3]))), [1, -1, 0.5]);
    expectClose(await vals(tanh(t([0, 1, -30, 30]))), [0, Math.tanh(1), -1, 1]);
  });

  itKernel(device, ['Sigmoid'], 'sigmoid is stable and exact in both tails', async () => {
    const y = await vals(sigmoid(t([0, 2, -2, 100, -100, -200, Infinity, -Infinity])));
    expectClose(y, [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2)), 1, Math.fround(Math.exp(-100)), 0, 1, 0], { atol: 0, rtol: 1e-6 });
    expect(y[4]).toBeGreaterThan(0);
  });

  itKernel(device, ['Relu', 'LeakyRelu'], 'relu and leakyRelu (default slope 0.01), NaN passes through', async () => {
    const x = t([-2, -0.5, 0, 3, NaN]);
    expectClose(await vals(relu(x)), [0, 0, 0, 3, NaN]);
    expectClose(await vals(leakyRelu(x)), [-0.02, -0.005, 0, 3, NaN]);
    expectClose(await vals(leakyRelu(x, 0.2)), [-0.4, -0.1, 0, 3, NaN]);
  });

  itKernel(device, ['Erf'], 'erf matches PyTorch across every branch and saturates', async () => {
    const g = golden('erf');
    expectClose(await vals(erf(t(g.x))), g.out, { atol: 1e-7, rtol: 1e-6 });
    expectClose(await vals(erf(t([Infinity, -Infinity, NaN, 0]))), [1, -1, NaN, 0]);
  });

  itKernel(device, ['Gelu'], 'gelu exact and tanh forms match PyTorch', async () => {
    for (const [name, approximate] of [['geluNone', 'none'], ['geluTanh', 'tanh']] as const) {
      const g = golden(name);
      expectClose(await vals(gelu(t(g.x), { approximate })), g.out, { atol: 1e-6, rtol: 1e-5 });
    }
    expectClose(await vals(gelu(t([-1, 0, 1]))), [-0.15865525393145707, 0, 0.8413447460685429]);
  });

  itKernel(device, ['Sigmoid', 'Tanh', 'Exp', 'Sin', 'Cos', 'Log', 'Rsqrt', 'LeakyRelu'], 'float functions match PyTorch goldens', async () => {
    const ops: Record<string, (x: Tensor) => Tensor> = { sigmoid, tanh, exp, sin, cos, log, rsqrt, leakyRelu: (x) => leakyRelu(x, 0.2) };
    for (const [name, op] of Object.entries(ops)) {
      const g = golden(name);
      const scale = (g.args.scale as number | undefined) ?? 1;
      expectClose(await vals(op(t(g.x.map((v) => Math.fround(v * scale))))), g.out, { atol: 1e-7, rtol: 2e-6 });
    }
  });

  itKernel(device, ['Neg', 'Abs', 'Sign', 'Square', 'Relu'], 'neg, abs, sign, square, relu keep int32', async () => {
    const x = t([-3, 0, 2, -46340], 'int32');
    for (const [op, expected] of [
      [neg, [3, 0, -2, 46340]],
      [abs, [3, 0, 2, 46340]],
      [sign, [-1, 0, 1, -1]],
      [square, [9, 0, 4, 2147395600]],
      [relu, [0, 0, 2, 0]],
    ] as const) {
      const y = op(x);
      expect(y.dtype).toBe('int32');
      expect(await vals(y)).toEqual(expected);
    }
    // A result outside int32 is an error on the CPU; a GPU kernel cannot raise one, so there it wraps.
    if (device === 'cpu') {
      expect(() => square(t([46341], 'int32'))).toThrow(/square: int32 overflow: 46341 gives 2147488281/);
      expect(() => neg(t([-2147483648], 'int32'))).toThrow(/neg: int32 overflow/);
    } else expect(await vals(square(t([46341], 'int32')))).toEqual([-2147479015]);
  });

  itKernel(device, ['Exp', 'Cast'], 'float functions of int32 and bool give float32', async () => {
    const y = exp(t([0, 1], 'int32'));
    expect(y.dtype).toBe('float32');
    expectClose(await vals(y), [1, Math.E]);
    const s = sigmoid(t([true, false]));
    expect(s.dtype).toBe('float32');
    expectClose(await vals(s), [1 / (1 + Math.exp(-1)), 0.5]);
  });

  itKernel(device, ['Clone', 'Square', 'Cast'], 'bool: sign is a copy, square is int32', async () => {
    const b = t([true, false]);
    const s = sign(b);
    expect(s.dtype).toBe('bool');
    expect(await vals(s)).toEqual([1, 0]);
    const q = square(b);
    expect(q.dtype).toBe('int32');
    expect(await vals(q)).toEqual([1, 0]);
  });

  itKernel(device, ['Exp', 'Neg'], 'empty and 0-d tensors', async () => {
    const e = exp(tensor([], { device, shape: [0, 3] }));
    expect(e.shape).toEqual([0, 3]);
    expect(await vals(e)).toEqual([]);
    const s = neg(t(2));
    expect(s.shape).toEqual([]);
    expect(await vals(s)).toEqual([-2]);
  });
});
