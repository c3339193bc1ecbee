import { cos, memory, mul, sub, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck } from './index.js';
import { RULES, type GradRule } from './rules/index.js';

/** Runs `body` with the rule of `kernel` replaced, restoring it afterwards. */
function withRule(kernel: string, rule: GradRule, body: () => void): void {
  const saved = RULES[kernel]!;
  RULES[kernel] = rule;
  try {
    body();
  } finally {
    RULES[kernel] = saved;
  }
}

const x23 = () => tensor([[0.3, -1.1, 0.8], [2.0, -0.4, 1.3]]);

describe('gradcheck', () => {
  it('returns true for correct rules, for scalar and non-scalar outputs', () => {
    expect(gradcheck((w) => w.tanh().sum(), [tensor([0.1, -0.4, 0.7])])).toBe(true);
    expect(gradcheck((a, b) => a.mul(b!).sin(), [x23(), tensor([0.5, -2, 1])])).toBe(true);
  });

  it('fails on a deliberately wrong rule, naming the worst element', () => {
    // 5% too large: d sin = 1.05·cos.
    const scaled: GradRule = { saveInputs: [0], backward: (dy, { inputs: [x] }) => [mul(mul(dy, cos(x!)), 1.05)] };
    withRule('Sin', scaled, () => {
      expect(() => gradcheck((x) => x.sin().sum(), [x23()])).toThrow(
        /^gradcheck: gradient mismatch for input 0 \(shape \[2,3\]\) at index \[0,0\]: analytic [-\d.e]+, numeric [-\d.e]+, \|diff\| [\d.e-]+ > atol 0\.001 \+ rtol 0\.01·\|numeric\|; 6 of 6 elements mismatch \(eps 0\.001\)$/,
      );
      // Also through a non-scalar output (checked via a random projection of it) and among other inputs.
      expect(() => gradcheck((a, b) => a.mul(b!).sin(), [x23(), tensor([0.5, -2, 1])])).toThrow('gradcheck: gradient mismatch for input');
    });
    // The textbook slip: dσ = y(1 + y) instead of y(1 - y).
    const sigmoid: GradRule = { saveOutput: true, backward: (dy, { output: y }) => [mul(dy, mul(y, sub(2, sub(1, y))))] };
    withRule('Sigmoid', sigmoid, () => {
      expect(() => gradcheck((x) => x.sigmoid(), [x23()])).toThrow('6 of 6 elements mismatch');
    });
    expect(gradcheck((x) => x.sigmoid(), [x23()])).toBe(true);
  });

  it('passes int inputs through as constants and respects custom tolerances', () => {
    const index = tensor([[0, 2], [1, 1]], { dtype: 'int32' });
    expect(gradcheck((x, i) => x.gather(1, i!).exp(), [tensor([[1, 2, 3], [4, 5, 6]]).mul(0.3), index])).toBe(true);
    // d sin at 1.05 scale passes with rtol 0.1: tolerances are honoured.
    withRule('Sin', { saveInputs: [0], backward: (dy, { inputs: [x] }) => [mul(mul(dy, cos(x!)), 1.05)] }, () => {
      expect(gradcheck((x) => x.sin().sum(), [x23()], { rtol: 0.1 })).toBe(true);
    });
  });

  it('leaves no tensors behind and does not touch .grad', () => {
    const x = x23();
    x.requiresGrad = true;
    const before = memory().numTensors;
    gradcheck((t) => t.exp().mul(t).sum(), [x]);
    expect(memory().numTensors).toBe(before);
    expect(x.grad).toBeNull();
  });

  it('validates its arguments', () => {
    const f = (t: Tensor) => t.sum();
    expect(() => gradcheck(f, [x23()], { eps: 0 })).toThrow('gradcheck: eps must be a positive finite number, got 0');
    expect(() => gradcheck(f, [x23()], { atol: -1 })).toThrow('gradcheck: atol must be a non-negative finite number, got -1');
    expect(() => gradcheck(f, x23() as unknown as Tensor[])).toThrow('gradcheck: inputs must be an array of Tensors, got Tensor');
    expect(() => gradcheck(f, [tensor([1], { dtype: 'int32' })])).toThrow('gradcheck: no float32 input to differentiate');
    expect(() => gradcheck((t) => t.gt(0), [x23()])).toThrow('gradcheck: f must return a float32 Tensor, got bool');
    expect(() => gradcheck(f, [3 as unknown as Tensor])).toThrow('gradcheck: inputs[0] must be a Tensor, got number 3');
  });
});
