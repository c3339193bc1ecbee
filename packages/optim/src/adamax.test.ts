import { describe, expect, it } from 'vitest';
import { Adamax } from './adamax.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('adamax', Adamax);

describe('Adamax options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new Adamax([param()]))).toEqual({ lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new Adamax([param()], { betas: [0.9, 1.01] })).toThrow('Adamax: betas[1] must be in [0, 1), got 1.01');
    expect(() => new Adamax([param()], { eps: -1 })).toThrow('Adamax: eps must be a non-negative number, got -1');
  });

  it('tracks the exponentially weighted infinity norm', () => {
    const p = param([0, 0]);
    const opt = new Adamax([p], { betas: [0.9, 0.5], eps: 0 });
    p.grad = param([4, -2]).detach();
    opt.step();
    p.grad = param([1, -1]).detach();
    opt.step(); // u = max(0.5·|g1|, |g2|) = [2, 1]
    expect(Array.from(opt.state.get(p)!.expInf.dataSync())).toEqual([2, 1]);
  });
});
