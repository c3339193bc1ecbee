/** The attention layers on WebGPU (Dawn on SwiftShader here, slow: tiny sizes) compute what they compute on the CPU. */
import { backward } from '@nn/autograd';
import { Generator, mul, randn, sum, tensor, type Device } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention, TransformerEncoderLayer } from '../index.js';

const requireWebGpu = useWebGpu();
const TOL = { rtol: 1e-4, atol: 1e-5 };

describe('attention on webgpu', () => {
  it('scaledDotProductAttention with a causal mask', async (ctx) => {
    requireWebGpu(ctx);
    const g = new Generator(1);
    const [q, k, v] = [randn([2, 3, 4], { generator: g }), randn([2, 3, 4], { generator: g }), randn([2, 3, 2], { generator: g })];
    const y = scaledDotProductAttention(q.to('webgpu'), k.to('webgpu'), v.to('webgpu'), { isCausal: true });
    expect(y.device).toBe('webgpu');
    expectClose(await y.data(), scaledDotProductAttention(q, k, v, { isCausal: true }).dataSync(), { ...TOL, label: 'sdpa' });
  });

  it('TransformerEncoderLayer with masks: output and gradients', async (ctx) => {
    requireWebGpu(ctx);
    const layer = (device: Device) => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, normFirst: true, device });
    const cpu = layer('cpu');
    const gpu = layer('webgpu');
    gpu.loadStateDict(cpu.stateDict());
    const g = new Generator(2);
    const x = randn([3, 2, 4], { generator: g });
    const dy = randn([3, 2, 4], { generator: g });
    const srcMask = tensor([[false, true, true], [false, false, true], [false, false, false]]);
    const srcKeyPaddingMask = tensor([[false, false, true], [false, false, false]]);
    const run = (m: TransformerEncoderLayer, device: Device) => {
      const y = m.forward(x.to(device), { srcMask: srcMask.to(device), srcKeyPaddingMask: srcKeyPaddingMask.to(device) });
      backward(sum(mul(y, dy.to(device))));
      return y;
    };
    const yc = run(cpu, 'cpu');
    const yg = run(gpu, 'webgpu');
    expectClose(await yg.data(), yc.dataSync(), { ...TOL, label: 'output' });
    const pc = cpu.namedParameters();
    for (const [i, [name, p]] of gpu.namedParameters().entries())
      expectClose(await p.grad!.data(), pc[i]![1].grad!.dataSync(), { ...TOL, label: `grad of ${name}` });
  });
});
