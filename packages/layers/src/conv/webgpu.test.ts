/**
 * The convolution family's PyTorch golden cases (golden.test.ts) run again on WebGPU (Dawn on SwiftShader
 * here): the same outputs and gradients, read back asynchronously. Skipped where WebGPU cannot start, except in CI.
 */
import { backward } from '@nn/autograd';
import { mul, sum, type Tensor } from '@nn/tensor';
import { decodeNumber, expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { decode, type Encoded } from '../testing/golden.js';
import { CALLS, FUNCTIONAL_CASES } from './functional-cases.test-util.js';

const TOL = { rtol: 1e-4, atol: 1e-5 };

async function expectGoldenAsync(t: Tensor, e: Encoded, label: string): Promise<void> {
  expect(t.device, label).toBe('webgpu');
  expect(t.shape, label).toEqual(e.shape);
  expectClose(await t.data(), e.data.map(decodeNumber), { ...TOL, label });
}

describe('convolution, pooling, groupNorm and embedding against PyTorch [webgpu]', () => {
  const requireWebGpu = useWebGpu();
  for (const c of FUNCTIONAL_CASES) {
    it(c.name, async (ctx) => {
      requireWebGpu(ctx);
      const inputs: Record<string, Tensor> = {};
      for (const [k, e] of Object.entries(c.inputs))
        inputs[k] = decode(e, { requiresGrad: (e.dtype ?? 'float32') === 'float32' }).to('webgpu');
      for (const t of Object.values(inputs)) if (t.dtype === 'float32') t.requiresGrad = true;
      const out = CALLS[c.fn]!(inputs, c);
      const [y, indices] = Array.isArray(out) ? out : [out, null];
      backward(sum(mul(y, decode(c.g).to('webgpu'))));
      await expectGoldenAsync(y, c.y, 'y');
      if (c.indices) await expectGoldenAsync(indices!, c.indices, 'indices');
      for (const [k, g] of Object.entries(c.grads)) await expectGoldenAsync(inputs[k]!.grad!, g, `d${k}`);
    });
  }
});
