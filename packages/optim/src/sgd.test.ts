import { describe, expect, it } from 'vitest';
import { tensor } from '@nn/tensor';
import { SGD } from './sgd.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('sgd', SGD);

describe('SGD options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new SGD([param()], { lr: 0.1 }))).toEqual({
      lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
    });
  });

  it('requires lr, in the options or in every group', () => {
    expect(() => new SGD([param()])).toThrow('SGD: paramGroups[0].lr is required: pass it in the options or in every parameter group');
    const a = param();
    const b = param();
    const opt = new SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2 }]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expect(() => new SGD([{ params: [a], lr: 0.1 }, { params: [b] }])).toThrow('SGD: paramGroups[1].lr is required');
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new SGD([param()], { lr: -0.1 })).toThrow('SGD: lr must be a non-negative number, got -0.1');
    expect(() => new SGD([param()], { lr: 0.1, momentum: -0.9 })).toThrow('SGD: momentum must be a non-negative number, got -0.9');
    expect(() => new SGD([param()], { lr: 0.1, weightDecay: -1 })).toThrow('SGD: weightDecay must be a non-negative number, got -1');
    expect(() => new SGD([param()], { lr: NaN })).toThrow('SGD: lr must be a non-negative number, got NaN');
    expect(() => new SGD([param()], { lr: 0.1, dampening: Infinity })).toThrow('SGD: dampening must be a finite number, got Infinity');
    expect(() => new SGD([param()], { lr: 0.1, maximize: 1 as unknown as boolean })).toThrow('SGD: maximize must be a boolean, got 1');
    expect(() => new SGD([param()], { lr: tensor(0.1) as never })).toThrow('SGD: lr must be a non-negative number, got a Tensor (shape [], float32)');
  });

  it('rejects Nesterov without momentum or with dampening', () => {
    expect(() => new SGD([param()], { lr: 0.1, nesterov: true })).toThrow(
      'SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0, dampening 0',
    );
    expect(() => new SGD([param()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      'SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0.9, dampening 0.1',
    );
    expect(() => new SGD([{ params: [param()], nesterov: true }], { lr: 0.1 })).toThrow(
      'SGD: paramGroups[0].nesterov requires momentum > 0 and dampening = 0',
    );
  });

  it('computes θ − γ(g + λθ) and keeps a momentum buffer', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.5, weightDecay: 0.25 });
    p.grad = param([1, -1]).detach();
    opt.step(); // d = g + 0.25p = [1.25, -0.5]; buf = d; p = p - 0.5 d
    expect(Array.from(p.dataSync())).toEqual([0.375, 2.25]);
    expect(Array.from(opt.state.get(p)!.momentumBuffer!.dataSync())).toEqual([1.25, -0.5]);
    opt.step(); // d = [1, -1] + 0.25 [0.375, 2.25] = [1.09375, -0.4375]; buf = 0.5 buf + d
    expect(Array.from(opt.state.get(p)!.momentumBuffer!.dataSync())).toEqual([1.71875, -0.6875]);
    expect(Array.from(p.dataSync())).toEqual([0.375 - 0.859375, 2.25 + 0.34375]);
  });
});
