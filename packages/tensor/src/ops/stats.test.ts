import { describe, expect, it } from 'vitest';
import { engine, logSoftmax, logsumexp, memory, softmax, std, tensor, var as variance, type Tensor } from '../index.js';

describe('statistics: validation', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 7]]);

  it('validates var/std options', () => {
    expect(() => variance(x(), 1, false, { correction: -1 })).toThrow('var: correction must be a non-negative finite number, got number -1');
    expect(() => std(x(), 1, { correction: 1 }, { correction: 0 })).toThrow('std: options given twice (as keepdim and as opts)');
    expect(() => std(x(), 1, true, { keepdim: false })).toThrow('std: keepdim given twice (as an argument and in opts)');
    expect(() => variance(x(), 2)).toThrow('var: dim 2 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => variance(x(), 0, 'yes' as unknown as boolean)).toThrow('var: keepdim must be a boolean, got string yes');
  });

  it('var accepts keepdim inside the options', () => {
    expect(variance(x(), 1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(x().std(0, { correction: 0 }).arraySync()).toEqual([1.5, 1.5, 2]);
    expect(x().var().shape).toEqual([]);
  });

  it('softmax and logSoftmax need an integer dim in range', () => {
    expect(() => softmax(x(), undefined as unknown as number)).toThrow('softmax: dim must be an integer, got undefined');
    expect(() => logSoftmax(x(), 2)).toThrow('logSoftmax: dim 2 out of range for a tensor of rank 2 (expected -2..1)');
    expect(() => logsumexp(x(), [0, 0])).toThrow('logsumexp: dim [0,0] repeats a dimension');
  });

  it('are built from primitive kernels, with a detached max', () => {
    const calls: { name: string; inputs: readonly Tensor[]; out: Tensor }[] = [];
    const stop = engine.addKernelListener((name, inputs, _attrs, out) => calls.push({ name, inputs, out }));
    const input = x();
    softmax(input, 1);
    stop();
    expect(calls.map((c) => c.name)).toEqual(['Max', 'Sub', 'Exp', 'Sum', 'Div']);
    expect(calls[1]!.inputs[0]).toBe(input);
    // Sub sees a detached copy of the max, not Max's output, so autograd treats it as a constant.
    expect(calls[1]!.inputs[1]).not.toBe(calls[0]!.out);
  });

  it('free their intermediates', () => {
    const t = x();
    const before = memory().numTensors;
    const outs = [variance(t, 1), std(t), logsumexp(t, 1), softmax(t, 0), logSoftmax(t, -1)];
    expect(memory().numTensors).toBe(before + outs.length);
  });

  it('are installed as methods', () => {
    const t = x();
    expect(t.softmax(1).sum(1).arraySync()).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
    expect(t.logSoftmax(1).shape).toEqual([2, 3]);
    expect(t.logsumexp(1, true).shape).toEqual([2, 1]);
    expect(t.std(1).shape).toEqual([2]);
  });
});
