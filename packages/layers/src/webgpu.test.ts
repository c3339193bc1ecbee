/**
 * The layers on WebGPU (Dawn on SwiftShader here): same results as on the CPU, state dicts moving between
 * devices, and safetensors' async path. Skipped where WebGPU cannot start, except in CI.
 */
import { backward } from '@nn/autograd';
import { Generator, randint, randn, tensor, type Device, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, crossEntropy, Dropout, Linear, loadSafetensors, ReLU, saveSafetensors, saveSafetensorsAsync, Sequential } from './index.js';

const requireWebGpu = useWebGpu();

const model = (device: Device) =>
  new Sequential(new Linear(4, 8, { device }), new BatchNorm1d(8, { device }), new ReLU(), new Dropout(0.25, { generator: new Generator(5) }), new Linear(8, 3, { device }));

describe('layers on webgpu', () => {
  it('train like on the cpu: outputs, gradients and running statistics', async (ctx) => {
    requireWebGpu(ctx);
    const cpu = model('cpu');
    const gpu = model('webgpu');
    gpu.loadStateDict(cpu.stateDict()); // cpu → webgpu
    expect(gpu.parameters().every((p) => p.device === 'webgpu')).toBe(true);
    const g = new Generator(1);
    const x = randn([6, 4], { generator: g });
    const y = randint(0, 3, [6], { generator: g });
    const run = (m: Sequential, device: Device) => {
      const loss = crossEntropy(m.call(x.to(device)), y.to(device), { labelSmoothing: 0.1 });
      backward(loss);
      return loss;
    };
    const lc = run(cpu, 'cpu');
    const lg = run(gpu, 'webgpu');
    expect(lg.device).toBe('webgpu');
    expectClose(await lg.data(), lc.dataSync(), { rtol: 1e-4, atol: 1e-5, label: 'loss' });
    const pc = cpu.namedParameters();
    for (const [i, [name, p]] of gpu.namedParameters().entries()) expectClose(await p.grad!.data(), pc[i]![1].grad!.dataSync(), { rtol: 1e-4, atol: 1e-5, label: `grad ${name}` });
    const bc = cpu.namedBuffers();
    for (const [i, [name, b]] of gpu.namedBuffers().entries()) expectClose(await b.data(), bc[i]![1].dataSync(), { rtol: 1e-4, atol: 1e-5, label: name });
    cpu.eval();
    gpu.eval();
    expectClose(await gpu.call(x.to('webgpu')).data(), cpu.call(x).dataSync(), { rtol: 1e-4, atol: 1e-5, label: 'eval output' });
  });

  it('save safetensors asynchronously; the sync form names the async one', async (ctx) => {
    requireWebGpu(ctx);
    const cpu = model('cpu');
    const gpu = model('webgpu');
    gpu.loadStateDict(cpu.stateDict());
    expect(() => saveSafetensors(gpu.stateDict())).toThrow(
      "saveSafetensors: '0.bias' is on webgpu, which can only be read asynchronously: use await saveSafetensorsAsync(tensors, metadata)",
    );
    const bytes = await saveSafetensorsAsync(gpu.stateDict());
    expect(Array.from(bytes)).toEqual(Array.from(saveSafetensors(cpu.stateDict())));
    const loaded = loadSafetensors(bytes, { device: 'webgpu' });
    expect(loaded['1.num_batches_tracked']!.device).toBe('webgpu');
    expect(Array.from(await loaded['0.weight']!.data())).toEqual(Array.from((cpu.at(0) as Linear).weight.dataSync()));
    // A webgpu state dict cannot be read synchronously into a cpu model: the error says how to move it.
    expect(() => cpu.loadStateDict(loaded)).toThrow("loadStateDict: 0.weight is on webgpu but the model's tensor is on cpu; move it first");
  });

  it('draw the same dropout mask as the cpu for the same generator state', async (ctx) => {
    requireWebGpu(ctx);
    const ones = (device: Device): Tensor => tensor(new Float32Array(64).fill(1), { device });
    const a = new Dropout(0.5, { generator: new Generator(2) }).forward(ones('cpu')).dataSync();
    const b = await new Dropout(0.5, { generator: new Generator(2) }).forward(ones('webgpu')).data();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
