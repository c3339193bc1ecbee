import { crossEntropy, Linear, ReLU, Sequential, BatchNorm1d } from '@nn/layers';
import { AdamW } from '@nn/optim';
import { DataLoader, TensorDataset } from '@nn/data';
import { dispose, Generator, manualSeed, memory } from '@nn/tensor';
import { collectGarbage, useWebGpu } from '@nn/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { spirals } from './spirals.test-util.js';

// fit with the model and data on WebGPU (Dawn on SwiftShader here): no synchronous read anywhere in the loop,
// checkpoints read the device asynchronously. Skipped where WebGPU cannot start, except in CI.
const requireWebGpu = useWebGpu();

describe('fit on webgpu', () => {
  it('trains, validates, checkpoints and resumes with flat memory and the same history as the CPU', async (ctx) => {
    requireWebGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'nn-fit-gpu-'));
    const cpuData = spirals(16, 1);
    const run = async (device: 'cpu' | 'webgpu', opts: { epochs: number; resume?: string; checkpoint?: string }) => {
      manualSeed(0);
      // No bias before BatchNorm: its gradient is zero up to rounding, which Adam would amplify differently per device.
      const model = new Sequential(new Linear(2, 8, { device, bias: false }), new BatchNorm1d(8, { device }), new ReLU(), new Linear(8, 2, { device }));
      const x = cpuData.x.to(device);
      const y = cpuData.y.to(device);
      const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 8, shuffle: true, generator: new Generator(1) });
      const counts: number[] = [];
      const optimizer = new AdamW(model.parameters(), { lr: 0.05 });
      const history = await fit(model, loader, {
        optimizer, loss: crossEntropy, epochs: opts.epochs, clipNorm: 1, progress: false,
        validation: { loader: new DataLoader(new TensorDataset(x, y), { batchSize: 16 }) },
        checkpoint: opts.checkpoint ? { path: opts.checkpoint } : undefined, resume: opts.resume,
        callbacks: [{ onEpochEnd: () => void counts.push(memory().numTensors) }],
      });
      const weight = Array.from(await model.parameters()[0]!.data());
      // Freed now rather than by the garbage collector, whose timing would make the counts of later runs drift.
      model.dispose();
      optimizer.dispose();
      if (device !== 'cpu') dispose([x, y]);
      return { history, counts, weight };
    };
    try {
      const cpu = await run('cpu', { epochs: 3 });
      const path = join(dir, 'gpu.safetensors');
      await run('webgpu', { epochs: 2, checkpoint: path });
      const gpu = await run('webgpu', { epochs: 3, resume: path });
      expect(gpu.history.epoch).toEqual([1, 2, 3]);
      for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy'])
        gpu.history[key]!.forEach((v, i) => expect(v).toBeCloseTo(cpu.history[key]![i]!, 4));
      gpu.weight.forEach((v, i) => expect(v).toBeCloseTo(cpu.weight[i]!, 4));
      // What the earlier runs left to the garbage collector goes now, not while the next run counts tensors.
      await collectGarbage();
      const full = await run('webgpu', { epochs: 3 });
      expect(new Set(full.counts).size).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
