import { describe, expect, it } from 'vitest';
import { RMSprop } from './rmsprop.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('rmsprop', RMSprop);

describe('RMSprop options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new RMSprop([param()]))).toEqual({
      lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
    });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new RMSprop([param()], { alpha: -0.5 })).toThrow('RMSprop: alpha must be a non-negative number, got -0.5');
    expect(() => new RMSprop([param()], { momentum: -0.9 })).toThrow('RMSprop: momentum must be a non-negative number, got -0.9');
    expect(() => new RMSprop([param()], { centered: null as unknown as boolean })).toThrow('RMSprop: centered must be a boolean, got null');
  });

  it('creates only the state its options need', () => {
    const p = param();
    const opt = new RMSprop([p], { centered: true });
    p.grad = param([1, 1, 1]).detach();
    opt.step();
    expect(Object.keys(opt.state.get(p)!).sort()).toEqual(['gradAvg', 'squareAvg', 'step']);
    opt.paramGroups[0]!.momentum = 0.9;
    opt.step();
    expect(Object.keys(opt.state.get(p)!).sort()).toEqual(['gradAvg', 'momentumBuffer', 'squareAvg', 'step']);
  });
});
