/**
 * A small CNN as PyTorch builds it (scripts/golden_conv.py): its state dict, saved by PyTorch as safetensors,
 * loads into the same network here and gives PyTorch's outputs, loss, gradients and running statistics; a
 * training loop in `tidy` keeps the live tensor count flat; WebGPU computes what the CPU computes.
 */
import { backward } from '@nn/autograd';
import { SGD } from '@nn/optim';
import { Generator, manualSeed, memory, randint, randn, tidy, type Device, type Tensor } from '@nn/tensor';
import { backendUnavailable, collectGarbage, expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d, BatchNorm2d, Conv2d, crossEntropy, Flatten, GroupNorm, Linear, MaxPool2d, ReLU, Sequential,
} from '../index.js';
import { expectSameAsPytorch, readGolden, readGoldenBytes, type TrainedModelGolden } from '../testing/golden.js';

const golden = readGolden<{ cnn: TrainedModelGolden }>('conv.json').cnn;

/** nn.Sequential(Conv2d(1,4,3,padding=1,bias=False), BatchNorm2d(4), ReLU(), MaxPool2d(2), Conv2d(4,6,3,groups=2,padding='same'), GroupNorm(3,6), ReLU(), AdaptiveAvgPool2d(2), Flatten(), Linear(24,3)). */
const cnn = (device: Device = 'cpu') =>
  new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, bias: false, device }), new BatchNorm2d(4, { device }), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 6, 3, { groups: 2, padding: 'same', device }), new GroupNorm(3, 6, { device }), new ReLU(),
    new AdaptiveAvgPool2d(2), new Flatten(), new Linear(24, 3, { device }),
  );

describe('a PyTorch CNN state dict (safetensors)', () => {
  it('has the keys of our CNN, in order', () => {
    expect(Object.keys(cnn().stateDict())).toEqual(golden.keys);
  });

  it("loads strictly and gives PyTorch's eval output, then its training loss, gradients and running statistics", () => {
    expectSameAsPytorch(cnn(), readGoldenBytes('cnn.safetensors'), golden);
  });
});

/** A few SGD steps of the CNN inside `tidy` on `device`; returns the live tensor count after each step and the losses. */
async function train(device: Device, steps: number): Promise<{ counts: number[]; losses: number[]; model: Sequential }> {
  manualSeed(7); // the same initial weights on every device
  const model = cnn(device);
  const g = new Generator(4);
  const x = randn([6, 1, 8, 8], { generator: g, device });
  const y = randint(0, 3, [6], { generator: g, device });
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const counts: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = crossEntropy(model.call(x), y);
      backward(l);
      opt.step();
      return l;
    });
    losses.push((await loss.data())[0]!);
    loss.dispose();
    counts.push(memory().numTensors);
  }
  return { counts, losses, model };
}

describe('CNN training loop', () => {
  const requireWebGpu = useWebGpu();

  it('keeps memory().numTensors flat in tidy and lowers the loss [cpu]', async () => {
    await collectGarbage();
    const { counts, losses } = await train('cpu', 6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('keeps memory().numTensors flat in tidy and matches the cpu [webgpu]', async (ctx) => {
    requireWebGpu(ctx);
    expect(await backendUnavailable('webgpu')).toBeNull();
    // Tensors the cpu test left to the garbage collector must not be finalized in the middle of the count.
    await collectGarbage();
    const gpu = await train('webgpu', 4);
    expect(new Set(gpu.counts.slice(1)).size).toBe(1);
    const cpu = await train('cpu', 4);
    expectClose(gpu.losses, cpu.losses, { rtol: 1e-4, atol: 1e-5, label: 'losses' });
    const cpuParams = cpu.model.namedParameters();
    for (const [i, [name, p]] of gpu.model.namedParameters().entries())
      expectClose(await (p as Tensor).data(), cpuParams[i]![1].dataSync(), { rtol: 1e-3, atol: 1e-4, label: name });
  });
});
