import { expect } from 'vitest';
import { logSoftmax, logsumexp, softmax, std, sum, tensor, var as variance, type Tensor } from '../index.js';
import { describeBackends, expectClose, itKernel } from '@nn/testing';
import { golden, goldenNames } from './forward-golden.js';

const STATS = ['Sum', 'Sub', 'Square', 'Div', 'Sqrt', 'Cast'];
const SOFTMAX = ['Max', 'Sub', 'Exp', 'Sum', 'Div', 'Log'];
const LSE = [...SOFTMAX, 'Abs', 'Equal', 'Where', 'Add', 'Reshape'];

describeBackends('composite statistics', (device) => {
  const t = (data: Parameters<typeof tensor>[0]) => tensor(data, { device });
  const vals = async (x: Tensor) => Array.from(await x.data());
  const input = (name: string) => {
    const g = golden(name);
    return { g, x: t(g.x).reshape(g.shape) };
  };

  itKernel(device, STATS, 'var with correction 0, 1 (default) and 2 matches PyTorch', async () => {
    for (const name of goldenNames('var_')) {
      const { g, x } = input(name);
      const dim = g.args.dim as number[] | null;
      const keepdim = g.args.keepdim as boolean | undefined;
      const correction = g.args.correction as number;
      const a = variance(x, dim, keepdim, { correction });
      expect(a.shape, name).toEqual(g.outShape);
      expectClose(await vals(a), g.out, { atol: 1e-5, rtol: 2e-6 });
      expectClose(await vals(variance(x, dim, { correction, keepdim })), g.out, { atol: 1e-5, rtol: 2e-6 });
      if (correction === 1) expectClose(await vals(x.var(dim, keepdim)), g.out, { atol: 1e-5, rtol: 2e-6 });
    }
  });

  itKernel(device, STATS, 'std matches PyTorch; hand-computed var', async () => {
    for (const name of goldenNames('std_')) {
      const { g, x } = input(name);
      const y = std(x, g.args.dim as number[] | null, g.args.keepdim as boolean);
      expect(y.shape, name).toEqual(g.outShape);
      expectClose(await vals(y), g.out, { atol: 1e-5, rtol: 2e-6 });
    }
    const x = t([[1, 2, 3, 4], [2, 2, 2, 2]]);
    expectClose(await vals(variance(x, 1)), [5 / 3, 0]);
    expectClose(await vals(variance(x, 1, { correction: 0 })), [1.25, 0]);
    expectClose(await vals(std(x, -1, true, { correction: 0 })), [Math.sqrt(1.25), 0]);
    expectClose(await vals(variance(t([3]))), [NaN]); // N - correction = 0, as PyTorch
    expectClose(await vals(variance(t([1, 3]), null, { correction: 3 })), [Infinity]);
    expectClose(await vals(variance(tensor([1, 2, 3], { device, dtype: 'int32' }))), [1]);
  });

  itKernel(device, LSE, 'logsumexp matches PyTorch, including ±inf rows, huge values and NaN', async () => {
    for (const name of goldenNames('logsumexp_')) {
      const { g, x } = input(name);
      const y = logsumexp(x, g.args.dim as number[] | null, g.args.keepdim as boolean);
      expect(y.shape, name).toEqual(g.outShape);
      expectClose(await vals(y), g.out, { atol: 1e-5, rtol: 1e-6 });
    }
    expectClose(await vals(logsumexp(t([0, 0]))), [Math.LN2]);
    expectClose(await vals(logsumexp(tensor([], { device, shape: [2, 0] }), 1)), [-Infinity, -Infinity]);
  });

  itKernel(device, SOFTMAX, 'softmax and logSoftmax match PyTorch along either dim', async () => {
    for (const dim of [-1, 0]) {
      for (const [name, op] of [['softmax', softmax], ['logSoftmax', logSoftmax]] as const) {
        const { g, x } = input(`${name}_${dim}`);
        const y = op(x, dim);
        expect(y.shape).toEqual(g.outShape);
        expectClose(await vals(y), g.out, { atol: 1e-6, rtol: 1e-5 });
      }
    }
  });

  itKernel(device, SOFTMAX, 'softmax rows sum to 1; extreme logits stay finite', async () => {
    const { g, x } = input('softmax_extreme');
    expectClose(await vals(softmax(x, 1)), g.out, { atol: 1e-6, rtol: 1e-5 });
    expectClose(await vals(logSoftmax(x, 1)), golden('logSoftmax_extreme').out, { atol: 1e-6, rtol: 1e-5 });
    const big = t([[1e4, -1e4, 0], [-1e4, 1e4, 1e4], [5, 5, 5]]);
    expectClose(await vals(sum(softmax(big, -1), -1)), [1, 1, 1]);
    const ls = await vals(logSoftmax(big, 1));
    expect(ls.every(Number.isFinite)).toBe(true);
    expectClose(ls, [0, -20000, -10000, -20000 - Math.LN2, -Math.LN2, -Math.LN2, -Math.log(3), -Math.log(3), -Math.log(3)], { atol: 1e-3, rtol: 1e-6 });
    expectClose(await vals(softmax(t([[-Infinity, -Infinity]]), 1)), [NaN, NaN]); // as PyTorch
    expectClose(await vals(softmax(t(3), 0)), [1]);
  });
});
