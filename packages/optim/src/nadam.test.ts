import { describe, expect, it } from 'vitest';
import { NAdam } from './nadam.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('nadam', NAdam);

describe('NAdam options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new NAdam([param()]))).toEqual({
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false,
    });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new NAdam([param()], { momentumDecay: -4e-3 })).toThrow('NAdam: momentumDecay must be a non-negative number, got -0.004');
    expect(() => new NAdam([param()], { betas: [1, 0.999] })).toThrow('NAdam: betas[0] must be in [0, 1), got 1');
    expect(() => new NAdam([param()], { decoupledWeightDecay: 'no' as unknown as boolean })).toThrow(
      'NAdam: decoupledWeightDecay must be a boolean, got "no"',
    );
  });

  it('keeps the momentum product as PyTorch does, in float32', () => {
    const p = param([1]);
    const opt = new NAdam([p]);
    p.grad = param([1]).detach();
    opt.step();
    opt.step();
    const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3));
    const product = Math.fround(Math.fround(Math.fround(mu(1))) * Math.fround(mu(2)));
    expect(opt.state.get(p)!.muProduct).toBe(product);
  });
});
