import { describe, expect, it } from 'vitest';
import { Generator } from '@nn/tensor';
import { kaimingUniform, orthogonal, truncNormal } from '@nn/init';
import { useWebGpu } from '@nn/testing';

// Initializers sample on the host, so `device: 'webgpu'` must give exactly the CPU values. Skipped where WebGPU
// cannot start (Dawn on SwiftShader here), except in CI.
const requireWebGpu = useWebGpu();

describe('initializers on webgpu', () => {
  it('give the same values as on the cpu for the same generator state', async (ctx) => {
    requireWebGpu(ctx);
    for (const init of [kaimingUniform, orthogonal, truncNormal]) {
      const gpu = init([6, 4], { device: 'webgpu', generator: new Generator(1), requiresGrad: true });
      expect(gpu.device).toBe('webgpu');
      expect(gpu.requiresGrad).toBe(true);
      const cpu = init([6, 4], { generator: new Generator(1) });
      expect(await gpu.data()).toEqual(cpu.dataSync());
    }
  });
});
