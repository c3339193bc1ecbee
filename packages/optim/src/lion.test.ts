import { describe, expect, it } from 'vitest';
import { Lion } from './lion.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('lion', Lion);

describe('Lion options', () => {
  it('has the paper’s defaults', () => {
    expect(groupHyper(new Lion([param()]))).toEqual({ lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new Lion([param()], { betas: [0.9, 1.5] })).toThrow('Lion: betas[1] must be in [0, 1), got 1.5');
    expect(() => new Lion([param()], { weightDecay: -0.1 })).toThrow('Lion: weightDecay must be a non-negative number, got -0.1');
    expect(() => new Lion([param()], { eps: 1e-8 } as never)).toThrow("Lion: unknown option 'eps' (options: lr, betas, weightDecay, maximize)");
  });

  it('moves every coordinate by exactly lr, after decoupled decay', () => {
    const p = param([1, -1, 2]);
    const opt = new Lion([p], { lr: 0.25, weightDecay: 0.5 });
    p.grad = param([0.001, 0.3, 0]).detach();
    opt.step(); // θ(1 − 0.125) − 0.25·sign(g)
    expect(Array.from(p.dataSync())).toEqual([0.875 - 0.25, -0.875 - 0.25, 1.75]);
  });
});
