import { describe, expect, it } from 'vitest';
import { Adadelta } from './adadelta.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('adadelta', Adadelta);

describe('Adadelta options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new Adadelta([param()]))).toEqual({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new Adadelta([param()], { rho: 1.1 })).toThrow('Adadelta: rho must be in [0, 1], got 1.1');
    expect(() => new Adadelta([param()], { rho: -0.1 })).toThrow('Adadelta: rho must be in [0, 1], got -0.1');
    expect(() => new Adadelta([param()], { lr: -1 })).toThrow('Adadelta: lr must be a non-negative number, got -1');
    expect(() => new Adadelta([param()], { rho: 1 })).not.toThrow();
  });
});
