/**
 * The gradient rules are written with @nn/tensor ops, so backward runs on every backend: the same graph's
 * gradients on each available device must match the CPU's. WebGPU runs through Dawn on SwiftShader when it can
 * be initialised (required in CI), and is skipped where it lacks a kernel the graph needs.
 */
import { concat, Generator, initBackend, randn, tensor, type Device, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './index.js';

/** A loss touching most kernels: matmul, broadcast add, gelu, tanh, sigmoid, concat/slice, transpose, where, log-softmax, gather, pow, maximum. */
function loss(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, y: Tensor): Tensor {
  const h = x.matmul(w1).add(b1).gelu();
  const g = concat([h.tanh(), h.sigmoid()], 1).slice(1, 2, 8).transpose(0, 1);
  const z = g.transpose(0, 1).matmul(w2);
  const ce = z.logSoftmax(-1).gather(1, y.unsqueeze(1)).mean().neg();
  const reg = w1.square().sum().mul(0.01).add(b1.abs().add(1).pow(1.5).sum().mul(0.01));
  return ce.add(reg).add(z.maximum(0.1).mean()).add(z.where(z.gt(0), 0.5).sum().mul(0.1));
}

async function run(device: Device): Promise<number[][] | null> {
  try {
    await initBackend(device);
  } catch (e) {
    if (device === 'cpu' || process.env.CI) throw e;
    return null;
  }
  const g = new Generator(3);
  const on = (t: Tensor): Tensor => {
    const moved = t.to(device);
    moved.requiresGrad = t.dtype === 'float32';
    return moved;
  };
  const params = [randn([4, 3], { generator: g }), randn([3, 5], { generator: g }), randn([5], { generator: g }), randn([6, 3], { generator: g })].map(on);
  const y = on(tensor([0, 2, 1, 1], { dtype: 'int32' }));
  try {
    backward(loss(params[0]!, params[1]!, params[2]!, params[3]!, y));
  } catch (e) {
    // A backend still missing a kernel this graph needs is skipped, as in the conformance suite.
    if (device !== 'cpu' && /no kernel for backend/.test(String(e))) return null;
    throw e;
  }
  return Promise.all(params.map(async (p) => Array.from(await p.grad!.data())));
}

describe('backward on every backend', () => {
  for (const device of ['cpu', 'webgpu'] as const) {
    it(`${device}: gradients match the CPU's`, async (ctx) => {
      const got = await run(device);
      if (got === null) return ctx.skip();
      const ref = (await run('cpu'))!;
      got.forEach((grad, i) => grad.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!), `param ${i}[${j}]`).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(ref[i]![j]!))));
      expect(ref.flat().some((v) => v !== 0)).toBe(true);
    });
  }
});
