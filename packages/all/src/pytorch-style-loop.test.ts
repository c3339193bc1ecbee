/**
 * A PyTorch-style training loop — batches from a DataLoader, forward, loss, backward, step, loss.item(), and no
 * tidy or dispose anywhere — keeps its memory flat: the DataLoader's step scopes free each step's tensors one
 * batch later (see DataLoaderOptions.stepScope). In a file of its own: tensors left to the garbage collector by
 * other tests would be finalized at random moments and make the live count drift.
 */
import { backward } from '@nn/autograd';
import { DataLoader, TensorDataset } from '@nn/data';
import { CrossEntropyLoss, Linear, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import { Generator, initBackend, memory, randint, randn, tidy, type Device } from '@nn/tensor';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';

/** `steps` steps of the loop, sampling memory every `every` steps; returns the samples and the mean loss. */
async function pytorchStyle(device: Device, steps: number, every: number) {
  const g = new Generator(0);
  const [xs, ys] = tidy(() => [randn([64, 20], { generator: g, device }), randint(0, 4, [64], { generator: g, device })]);
  const loader = new DataLoader(new TensorDataset(xs!, ys!), { batchSize: 16, shuffle: true, generator: g });
  const model = new Sequential(new Linear(20, 32, { generator: g }), new ReLU(), new Linear(32, 4, { generator: g }));
  if (device !== 'cpu') await model.toAsync(device);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const samples: { numTensors: number; numBytes: number; reserved: number }[] = [];
  let step = 0;
  let total = 0;
  while (step < steps)
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const output = model.call(x!);
      const loss = lossFn.call(output, y!);
      backward(loss);
      optimizer.step();
      total += device === 'cpu' ? loss.item() : (await loss.data())[0]!;
      if (++step % every === 0) {
        const m = memory();
        samples.push({ numTensors: m.numTensors, numBytes: m.numBytes, reserved: m.backends.cpu?.numBytesReserved ?? 0 });
      }
      if (step === steps) break;
    }
  return { samples, meanLoss: total / steps };
}

describe('a PyTorch-style loop without tidy or dispose', () => {
  it('keeps live tensors, bytes and the CPU heap flat over 10,000 steps [cpu]', async () => {
    const { samples, meanLoss } = await pytorchStyle('cpu', 10_000, 1000);
    expect(samples).toHaveLength(10);
    for (const s of samples) expect(s).toEqual(samples[0]);
    expect(Number.isFinite(meanLoss)).toBe(true);
  }, 120_000);

  // 2,000 steps on WebGPU: each step reads its loss back (~18 ms on SwiftShader, the CPU emulation CI runs),
  // and a leak of even one tensor per step would still add 200 between samples.
  const requireWebGpu = useWebGpu();
  it('keeps live tensors flat over 2,000 steps [webgpu]', async (ctx) => {
    requireWebGpu(ctx);
    await initBackend('webgpu');
    const { samples } = await pytorchStyle('webgpu', 2_000, 200);
    expect(samples).toHaveLength(10);
    for (const s of samples) expect(s.numTensors).toBe(samples[0]!.numTensors);
    for (const s of samples) expect(s.numBytes).toBe(samples[0]!.numBytes);
  }, 300_000);
});
