/**
 * The convolution, pooling, group-norm and embedding functions against PyTorch (scripts/golden_conv.py):
 * outputs and the gradients of sum(output · g) for every input.
 */
import { backward } from '@nn/autograd';
import { mul, sum, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { decode, expectGolden, FLOAT32 } from '../testing/golden.js';
import { CALLS, FUNCTIONAL_CASES, type FunctionalCase, type Inputs } from './functional-cases.test-util.js';

/** Runs a case on the CPU: decoded inputs (float ones requiring grad), output and gradients checked. */
function runCase(c: FunctionalCase, check: (y: Tensor, inputs: Inputs, indices: Tensor | null) => void): void {
  const inputs: Inputs = {};
  for (const [k, e] of Object.entries(c.inputs)) inputs[k] = decode(e, { requiresGrad: (e.dtype ?? 'float32') === 'float32' });
  const out = CALLS[c.fn]!(inputs, c);
  const [y, indices] = Array.isArray(out) ? out : [out, null];
  backward(sum(mul(y, decode(c.g))));
  check(y, inputs, indices);
}

describe('convolution, pooling, groupNorm and embedding against PyTorch', () => {
  it('covers every function', () => {
    expect(new Set(FUNCTIONAL_CASES.map((c) => c.fn))).toEqual(new Set(Object.keys(CALLS)));
  });
  for (const c of FUNCTIONAL_CASES) {
    it(c.name, () =>
      runCase(c, (y, inputs, indices) => {
        expectGolden(y, c.y, 'y', FLOAT32);
        if (c.indices) expectGolden(indices!, c.indices, 'indices', { rtol: 0, atol: 0 });
        for (const [k, g] of Object.entries(c.grads)) expectGolden(inputs[k]!.grad!, g, `d${k}`, FLOAT32);
        // Inputs that do not reach the output (embedding indices) get no gradient.
        for (const k of Object.keys(inputs)) if (!(k in c.grads)) expect(inputs[k]!.grad).toBeNull();
      }),
    );
  }
});
