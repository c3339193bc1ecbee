import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, initBackend } from '@nn/tensor';
import { kaimingUniform, orthogonal, truncNormal } from '@nn/init';

// Initializers sample on the host, so `device: 'webgpu'` must give exactly the CPU values. Skipped where WebGPU
// cannot start (Dawn on SwiftShader here), except in CI.
let unavailable: string | null = null;
beforeAll(async () => {
  try {
    await initBackend('webgpu');
  } catch (e) {
    unavailable = (e as Error).message;
    if (process.env.CI) throw e;
  }
});

describe('initializers on webgpu', () => {
  it('give the same values as on the cpu for the same generator state', async (ctx) => {
    if (unavailable !== null) return ctx.skip();
    for (const init of [kaimingUniform, orthogonal, truncNormal]) {
      const gpu = init([6, 4], { device: 'webgpu', generator: new Generator(1), requiresGrad: true });
      expect(gpu.device).toBe('webgpu');
      expect(gpu.requiresGrad).toBe(true);
      const cpu = init([6, 4], { generator: new Generator(1) });
      expect(await gpu.data()).toEqual(cpu.dataSync());
    }
  });
});
