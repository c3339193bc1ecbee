import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { clipGradNorm, clipGradValue, globalNorm } from '@nn/clip';
import golden from './golden/clip.json' with { type: 'json' };
import { expectClose } from './test-params.test-util.js';

// Same golden checks with the gradients on WebGPU (Dawn on SwiftShader here): the norm stays on the device and
// is read only by the test, asynchronously. Skipped where WebGPU cannot start, except in CI.
let unavailable: string | null = null;
beforeAll(async () => {
  try {
    await initBackend('webgpu');
  } catch (e) {
    unavailable = (e as Error).message;
    if (process.env.CI) throw e;
  }
});

function gpuParams(): Tensor[] {
  return golden.shapes.map((shape, i) => {
    const p = zeros(shape, { requiresGrad: true, device: 'webgpu' });
    const g = golden.grads[i];
    p.grad = g ? tensor(g, { shape, device: 'webgpu' }) : null;
    return p;
  });
}

describe('clipping on webgpu', () => {
  it('clipGradNorm matches PyTorch for p = 2, inf, 3 without a synchronous read', async (ctx) => {
    if (unavailable !== null) return ctx.skip();
    for (const c of golden.clipGradNorm.filter((x) => x.maxNorm === 0.05 && x.normType !== 0.5 && x.normType !== 1)) {
      const params = gpuParams();
      const total = clipGradNorm(params, c.maxNorm, { normType: c.normType as number | 'inf' });
      expect(total.device).toBe('webgpu');
      expectClose(await total.data(), [c.total], 1e-5, 0, `p=${c.normType}`);
      for (const [i, want] of c.clipped.entries())
        if (want !== null) expectClose(await params[i]!.grad!.data(), want, 1e-5, 1e-12, `p=${c.normType} grad ${i}`);
    }
  });
  it('clipGradValue and globalNorm run on the device and free their intermediates', async (ctx) => {
    if (unavailable !== null) return ctx.skip();
    const params = gpuParams();
    const before = memory().numTensors;
    clipGradValue(params, golden.clipGradValue.clipValue);
    expect(memory().numTensors).toBe(before);
    expectClose(await params[1]!.grad!.data(), golden.clipGradValue.clipped[1]!, 0, 0);
    const n = globalNorm([tensor([3, 0], { device: 'webgpu' }), tensor([4], { device: 'webgpu' })]);
    expect(n.device).toBe('webgpu');
    expectClose(await n.data(), [5], 1e-6);
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).toThrow('clipGradNorm: errorIfNonfinite reads the norm synchronously');
  });
});
