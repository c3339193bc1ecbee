import { describe, expect, it } from 'vitest';
import { memory, tensor } from '@nn/tensor';
import { clipGradNorm, clipGradValue, globalNorm } from '@nn/clip';
import { expectClose, useWebGpu } from '@nn/testing';
import golden from './golden/clip.json' with { type: 'json' };
import { goldenParams } from './test-params.test-util.js';

// Same golden checks with the gradients on WebGPU (Dawn on SwiftShader here): the norm stays on the device and
// is read only by the test, asynchronously. Skipped where WebGPU cannot start, except in CI.
const requireWebGpu = useWebGpu();

describe('clipping on webgpu', () => {
  it('clipGradNorm matches PyTorch for p = 2, inf, 3 without a synchronous read', async (ctx) => {
    requireWebGpu(ctx);
    for (const c of golden.clipGradNorm.filter((x) => x.maxNorm === 0.05 && x.normType !== 0.5 && x.normType !== 1)) {
      const params = goldenParams('webgpu');
      const total = clipGradNorm(params, c.maxNorm, { normType: c.normType as number | 'inf' });
      expect(total.device).toBe('webgpu');
      expectClose(await total.data(), [c.total], { rtol: 1e-5, atol: 0, label: `p=${c.normType}` });
      for (const [i, want] of c.clipped.entries())
        if (want !== null) expectClose(await params[i]!.grad!.data(), want, { rtol: 1e-5, atol: 1e-12, label: `p=${c.normType} grad ${i}` });
    }
  });
  it('clipGradValue and globalNorm run on the device and free their intermediates', async (ctx) => {
    requireWebGpu(ctx);
    const params = goldenParams('webgpu');
    const before = memory().numTensors;
    clipGradValue(params, golden.clipGradValue.clipValue);
    expect(memory().numTensors).toBe(before);
    expectClose(await params[1]!.grad!.data(), golden.clipGradValue.clipped[1]!, { rtol: 0, atol: 0 });
    const n = globalNorm([tensor([3, 0], { device: 'webgpu' }), tensor([4], { device: 'webgpu' })]);
    expect(n.device).toBe('webgpu');
    expectClose(await n.data(), [5], { rtol: 1e-6, atol: 1e-12 });
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).toThrow('clipGradNorm: errorIfNonfinite reads the norm synchronously');
  });
});
