import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { describeOptimizer, groupHyper, param } from './testing/golden-harness.js';

describeOptimizer('adamw', AdamW);

describe('AdamW options', () => {
  it("has PyTorch's defaults (weight decay 1e-2)", () => {
    expect(groupHyper(new AdamW([param()]))).toEqual({
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false,
    });
  });

  it('names itself in errors', () => {
    expect(() => new AdamW([param()], { betas: [1.5, 0.9] })).toThrow('AdamW: betas[0] must be in [0, 1), got 1.5');
    expect(() => new AdamW([param()], { weightDecay: -1 })).toThrow('AdamW: weightDecay must be a non-negative number, got -1');
  });

  it('decays weights multiplicatively, unlike Adam with an L2 term', () => {
    const a = param([2, -4]);
    const b = param([2, -4]);
    const w = new AdamW([a], { lr: 0.1, weightDecay: 0.5 });
    const l2 = new Adam([b], { lr: 0.1, weightDecay: 0.5 });
    a.grad = param([0, 0]).detach();
    b.grad = param([0, 0]).detach();
    w.step();
    l2.step();
    // AdamW: θ(1 − lr·λ) = 0.95θ, and a zero gradient adds no Adam step.
    expect(Array.from(a.dataSync())).toEqual([Math.fround(2 * 0.95), Math.fround(-4 * 0.95)]);
    // Adam: the L2 gradient λθ is normalised away, a full lr step against the sign of θ.
    const got = Array.from(b.dataSync());
    expect(got[0]).toBeCloseTo(1.9, 6);
    expect(got[1]).toBeCloseTo(-3.9, 6);
  });
});
