/**
 * Mixed precision through the layers: PyTorch's autocast lists for linear, conv, norms and losses, one training
 * step of an MLP against PyTorch (golden/autocast.json, scripts/golden_autocast.py), GradScaler skipping a step
 * whose float16 gradients overflow, and float16 tensors in files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '@nn/autograd';
import { add, autocast, Generator, matmul, memory, ones, randn, relu, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { GradScaler, SGD } from '@nn/optim';
import {
  binaryCrossEntropyWithLogits, conv1d, conv2d, Conv2d, crossEntropy, GroupNorm, LayerNorm, linear, Linear, loadPt, loadSafetensors,
  mseLoss, nllLoss, ReLU, saveSafetensors, savePt, Sequential,
} from './index.js';

const G = JSON.parse(readFileSync(new URL('./golden/autocast.json', import.meta.url), 'utf8')) as {
  x: number[]; target: number[]; params: Record<string, number[]>; logits: number[]; hidden: number[]; loss: number;
  grads: Record<string, number[]>; dtypes: Record<string, 'lower' | 'float32'>;
};

function mlp(): { m: Sequential; l1: Linear; l2: Linear } {
  const [l1, l2] = [new Linear(6, 8), new Linear(8, 3)];
  const m = new Sequential(l1, new ReLU(), l2);
  const sd = m.stateDict();
  m.loadStateDict(Object.fromEntries(Object.entries(G.params).map(([k, v]) => [k, tensor(v, { shape: sd[k]!.shape })])));
  return { m, l1, l2 };
}

describe('autocast through the layers', () => {
  it('gives the output dtypes PyTorch autocast gives (golden: its CPU autocast, where that list agrees with CUDA\'s)', () => {
    const r = (shape: number[]) => randn(shape, { generator: new Generator(shape.length) });
    const target = tensor([0, 2, 1], { dtype: 'int32' });
    autocast(() => {
      const low = matmul(r([3, 4]), r([4, 3]));
      const ops: Record<string, () => Tensor> = {
        matmul: () => matmul(r([3, 4]), r([4, 5])),
        bmm: () => matmul(r([1, 3, 4]), r([1, 4, 5])),
        linear: () => linear(r([3, 4]), r([5, 4]), zeros([5])),
        conv2d: () => conv2d(r([1, 2, 5, 5]), r([3, 2, 3, 3])),
        conv1d: () => conv1d(r([1, 2, 7]), r([3, 2, 3])),
        'mse_loss(lower)': () => mseLoss(low, low.float()),
        'cross_entropy(lower)': () => crossEntropy(low, target),
        'nll_loss(lower)': () => nllLoss(low, target),
        'bce_with_logits(lower)': () => binaryCrossEntropyWithLogits(low, zeros([3, 3])),
        'add(lower, float32)': () => add(low, ones([3, 3])),
        'relu(lower)': () => relu(low),
      };
      expect(Object.keys(ops).sort()).toEqual(Object.keys(G.dtypes).sort());
      for (const [name, op] of Object.entries(ops)) expect([name, op().dtype]).toEqual([name, G.dtypes[name] === 'lower' ? 'float16' : 'float32']);
    });
  });

  it('runs linear and conv in float16 and norms and losses in float32, with float32 parameters', () => {
    const x = tensor(Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.sin(i)), { shape: [2, 3, 4, 4] });
    autocast(() => {
      expect(new Linear(4, 5).forward(x).dtype).toBe('float16');
      const c = new Conv2d(3, 4, 3).forward(x);
      expect(c.dtype).toBe('float16');
      expect(new GroupNorm(2, 4).forward(c).dtype).toBe('float32');
      expect(new LayerNorm(2).forward(c).dtype).toBe('float32');
      expect(mseLoss(c, c.float()).dtype).toBe('float32');
    });
    expect(new Linear(4, 5).forward(x).dtype).toBe('float32');
  });

  it('outside autocast, float16 input to float32 weights is a clear error', () => {
    expect(() => new Linear(4, 2).forward(tensor([[1, 2, 3, 4]]).half())).toThrow(
      'linear: weight is float32 but x is float16; run the model inside autocast() or cast them to one dtype',
    );
  });

  it('one MLP step matches PyTorch: float16 activations, float32 loss and parameter gradients', () => {
    const { m, l1, l2 } = mlp();
    const x = tensor(G.x, { shape: [5, 6] });
    const target = tensor(G.target, { dtype: 'int32' });
    const [hidden, logits, loss] = autocast(() => {
      const h = new ReLU().forward(l1.forward(x));
      const z = l2.forward(h);
      return [h, z, crossEntropy(z, target)];
    });
    expect([hidden.dtype, logits.dtype, loss.dtype]).toEqual(['float16', 'float16', 'float32']);
    // PyTorch (cuBLAS) adds the bias before its one rounding; we round the product, then the sum (keeping no
    // float32 copies for backward): hidden units within one half-precision unit, and the logits, which sum 8 of
    // them times weights ~0.5, within a few units at the hidden units' scale (2^-9 · 8 · 0.5 ≈ 2e-3).
    expectClose(hidden.dataSync(), G.hidden, { rtol: 2 ** -10, atol: 1e-4 });
    expectClose(logits.dataSync(), G.logits, { rtol: 2 ** -10, atol: 2e-3 });
    expect(loss.item()).toBeCloseTo(G.loss, 2);
    loss.backward();
    for (const [name, p] of m.namedParameters()) {
      expect(p.grad!.dtype).toBe('float32');
      // PyTorch's reference keeps the backward matmuls' outputs in float32; ours round them to float16 as CUDA does.
      expectClose(p.grad!.dataSync(), G.grads[name]!, { rtol: 1e-2, atol: 2e-3 });
    }
  });

  it('GradScaler skips the step whose float16 gradients overflow, halves the scale, and steps on the next', () => {
    const { m, l1 } = mlp();
    const opt = new SGD(m.parameters(), { lr: 0.1 });
    const scaler = new GradScaler({ initScale: 2 ** 16 });
    const x = tensor(G.x, { shape: [5, 6] });
    const before = l1.weight.clone();
    const step = (targetValue: number) => {
      opt.zeroGrad();
      const loss = autocast(() => mseLoss(m.forward(x), tensor(Array(15).fill(targetValue), { shape: [5, 3] })));
      tidy(() => scaler.scale(loss).backward());
      scaler.step(opt);
      scaler.update();
    };
    // A loss gradient of ~200 times 2^16 leaves the float16 range (65504) in the backward matmuls: inf, skipped.
    step(300);
    expect(scaler.getScale()).toBe(2 ** 15);
    expect(Array.from(l1.weight.dataSync())).toEqual(Array.from(before.dataSync()));
    // A small scale: finite gradients, a real step, the scale kept.
    scaler.update(256);
    step(0.5);
    expect(scaler.getScale()).toBe(256);
    expect(Array.from(l1.weight.dataSync())).not.toEqual(Array.from(before.dataSync()));
  });

  it('does not leak: a forward and backward in autocast leave only the gradients', () => {
    const { m } = mlp();
    const x = tensor(G.x, { shape: [5, 6] });
    const target = tensor(G.target, { dtype: 'int32' });
    const step = () => {
      for (const p of m.parameters()) {
        p.grad?.dispose();
        p.grad = null;
      }
      tidy(() => autocast(() => crossEntropy(m.forward(x), target)).backward());
    };
    step();
    const n = memory().numTensors;
    step();
    expect(memory().numTensors).toBe(n);
  });
});

describe('float16 tensors in files', () => {
  const h = () => tensor([1.5, -0.0001, 65504, 3.14159], { dtype: 'float16' });
  it('safetensors stores F16 (2 bytes an element) and loads the same values', () => {
    const bytes = saveSafetensors({ h: h() });
    expect(new TextDecoder().decode(bytes.subarray(8, 200))).toContain('"dtype":"F16"');
    const back = loadSafetensors(bytes)['h']!;
    expect(Array.from(back.dataSync())).toEqual(Array.from(h().dataSync()));
  });
  it('savePt writes a HalfStorage that loadPt reads back', () => {
    const back = loadPt(savePt({ h: h() })) as Record<string, Tensor>;
    expect(Array.from(back['h']!.dataSync())).toEqual(Array.from(h().dataSync()));
  });
});

describe('autocast on WebGPU', () => {
  const requireWebGpu = useWebGpu();
  it('an MLP step with GradScaler.stepAsync gives the CPU step: float16 activations, float32 gradients', async (ctx) => {
    requireWebGpu(ctx);
    const run = async (device: 'cpu' | 'webgpu') => {
      const { m } = mlp();
      m.to(device);
      const opt = new SGD(m.parameters(), { lr: 0.1 });
      const scaler = new GradScaler({ initScale: 1024 });
      const x = tensor(G.x, { shape: [5, 6], device });
      const target = tensor(G.target, { dtype: 'int32', device });
      const [logits, loss] = autocast(() => {
        const logits = m.forward(x);
        return [logits, crossEntropy(logits, target)];
      });
      expect([logits.dtype, loss.dtype]).toEqual(['float16', 'float32']);
      scaler.scale(loss).backward();
      const grads = await Promise.all(m.parameters().map(async (p) => [p.grad!.dtype, Array.from(await p.grad!.data())] as const));
      await scaler.stepAsync(opt);
      scaler.update();
      return { logits: Array.from(await logits.data()), grads, weight: Array.from(await m.parameters()[0]!.data()) };
    };
    const [cpu, gpu] = [await run('cpu'), await run('webgpu')];
    // float32 sums in another order can move a half by one unit in the last place (2^-10 relative).
    expectClose(gpu.logits, cpu.logits, { rtol: 2 ** -10, atol: 1e-4, label: 'logits' });
    gpu.grads.forEach(([dtype, g], i) => {
      expect(dtype).toBe('float32');
      expectClose(g, cpu.grads[i]![1], { rtol: 1e-2, atol: 1e-2, label: `grad ${i}` });
    });
    expectClose(gpu.weight, cpu.weight, { rtol: 1e-3, atol: 1e-4, label: 'weight after the step' });
  });
});
