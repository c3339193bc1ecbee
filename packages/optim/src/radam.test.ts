import { describe, expect, it } from 'vitest';
import { RAdam } from './radam.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('radam', RAdam);

describe('RAdam options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new RAdam([param()]))).toEqual({
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false,
    });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new RAdam([param()], { betas: [0.9, -0.5] })).toThrow('RAdam: betas[1] must be in [0, 1), got -0.5');
    expect(() => new RAdam([param()], { lr: -1 })).toThrow('RAdam: lr must be a non-negative number, got -1');
  });

  it('takes plain momentum steps while rho_t ≤ 5', () => {
    const p = param([1]);
    const opt = new RAdam([p], { lr: 0.1 });
    p.grad = param([2]).detach();
    opt.step(); // rho_1 = 1 ≤ 5: θ − lr·m̂ = 1 − 0.1·2
    expect(p.dataSync()[0]).toBeCloseTo(0.8, 6);
  });
});
