import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('adagrad', Adagrad);

describe('Adagrad options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new Adagrad([param()]))).toEqual({
      lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
    });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new Adagrad([param()], { lrDecay: -1 })).toThrow('Adagrad: lrDecay must be a non-negative number, got -1');
    expect(() => new Adagrad([param()], { initialAccumulatorValue: -0.1 })).toThrow(
      'Adagrad: initialAccumulatorValue must be a non-negative number, got -0.1',
    );
    expect(() => new Adagrad([param()], { eps: -1e-10 })).toThrow('Adagrad: eps must be a non-negative number, got -1e-10');
  });

  it('starts the accumulator at initialAccumulatorValue and decays the learning rate', () => {
    const p = param([0, 0]);
    const opt = new Adagrad([p], { lr: 1, lrDecay: 1, initialAccumulatorValue: 3, eps: 0 });
    p.grad = param([1, -1]).detach();
    opt.step(); // sum = 3 + 1 = 4; step = 1·g/2
    expect(Array.from(p.dataSync())).toEqual([-0.5, 0.5]);
    opt.step(); // sum = 5; lr 1/(1 + 1) = 0.5; step = 0.5·g/√5
    expect(p.dataSync()[0]).toBeCloseTo(-0.5 - 0.5 / Math.sqrt(5), 6);
  });
});
