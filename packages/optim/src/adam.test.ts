import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('adam', Adam);

describe('Adam options', () => {
  it("has PyTorch's defaults", () => {
    expect(groupHyper(new Adam([param()]))).toEqual({
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false,
    });
  });

  it('rejects invalid hyperparameters with the argument and value', () => {
    expect(() => new Adam([param()], { betas: [0.9, 1.2] })).toThrow('Adam: betas[1] must be in [0, 1), got 1.2');
    expect(() => new Adam([param()], { betas: [-0.1, 0.9] })).toThrow('Adam: betas[0] must be in [0, 1), got -0.1');
    expect(() => new Adam([param()], { betas: [0.9, 1] })).toThrow('Adam: betas[1] must be in [0, 1), got 1');
    expect(() => new Adam([param()], { betas: [0.9] as unknown as [number, number] })).toThrow(
      'Adam: betas must be a pair [beta1, beta2], got [0.9]',
    );
    expect(() => new Adam([param()], { lr: -1e-3 })).toThrow('Adam: lr must be a non-negative number, got -0.001');
    expect(() => new Adam([param()], { eps: -1 })).toThrow('Adam: eps must be a non-negative number, got -1');
    expect(() => new Adam([param()], { weightDecay: -0.1 })).toThrow('Adam: weightDecay must be a non-negative number, got -0.1');
    expect(() => new Adam([param()], { amsgrad: 'yes' as unknown as boolean })).toThrow('Adam: amsgrad must be a boolean, got "yes"');
    expect(() => new Adam([{ params: [param()], betas: [0.5, 2] }])).toThrow('Adam: paramGroups[0].betas[1] must be in [0, 1), got 2');
  });

  it('takes a bias-corrected first step of size lr', () => {
    const p = param([1, -1, 0.5]);
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = param([3, -0.5, 0]).detach();
    opt.step(); // m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps): ±lr, and 0 where g = 0
    const got = Array.from(p.dataSync());
    expect(got[0]).toBeCloseTo(0.9, 6);
    expect(got[1]).toBeCloseTo(-0.9, 6);
    expect(got[2]).toBe(0.5);
  });

  it('creates the AMSGrad maximum when amsgrad is switched on mid-run', () => {
    const p = param([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = param([1, 1]).detach();
    opt.step();
    expect(opt.state.get(p)!.maxExpAvgSq).toBeUndefined();
    opt.paramGroups[0]!.amsgrad = true;
    opt.step();
    const s = opt.state.get(p)!;
    expect(Array.from(s.maxExpAvgSq!.dataSync())).toEqual(Array.from(s.expAvgSq.dataSync()));
  });
});
