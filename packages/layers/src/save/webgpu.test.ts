/**
 * save / load with WebGPU tensors (Dawn on SwiftShader here): `save` names the async form, `saveAsync` reads
 * them back, `load` puts them on the GPU. Skipped where WebGPU cannot start, except in CI.
 */
import { dispose, tensor, type Tensor } from '@nn/tensor';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { load, save, saveAsync } from '../index.js';

const requireWebGpu = useWebGpu();

describe('save on webgpu', () => {
  it('save names saveAsync; saveAsync writes what save writes for the same values on the CPU', async (ctx) => {
    requireWebGpu(ctx);
    const values = new Float32Array([NaN, -0, 1.5, Infinity]);
    const gpu = { state: { m: [tensor(values, { device: 'webgpu' })] }, mask: tensor([true, false], { device: 'webgpu' }) };
    const cpu = { state: { m: [tensor(values, { device: 'cpu' })] }, mask: tensor([true, false], { device: 'cpu' }) };
    expect(() => save(gpu)).toThrow('save: the tensor at obj.state.m[0] is on webgpu, which can only be read asynchronously: use await saveAsync(obj)');
    const bytes = await saveAsync(gpu);
    expect(Array.from(bytes)).toEqual(Array.from(save(cpu)));
    const back = load(bytes, { device: 'webgpu' }) as typeof gpu;
    const m = back.state.m[0] as Tensor;
    expect(m.device).toBe('webgpu');
    expect(Array.from(new Uint8Array((await m.data()).buffer))).toEqual(Array.from(new Uint8Array(values.buffer)));
    dispose([gpu, cpu, back]);
  });
});
