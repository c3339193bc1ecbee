/**
 * jvp, vjp, hvp and hessian are built from the gradient rules, which are @nn/tensor ops: on WebGPU (Dawn on
 * SwiftShader, when it can be initialised; required in CI) they must match the CPU's.
 */
import { Generator, initBackend, randn, type Device, type Tensor } from '@nn/tensor';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { hessian, hvp, jvp, vjp } from './index.js';

const f = (x: Tensor) => x.tanh().matmul(x.transpose(0, 1)).exp().sum().add(x.square().sum().log());

async function run(device: Device): Promise<number[][]> {
  await initBackend(device);
  const g = new Generator(9);
  const [x, t] = [randn([2, 3], { generator: g }), randn([2, 3], { generator: g })].map((a) => a.to(device)) as [Tensor, Tensor];
  const [fx, jt] = jvp(f, [x], [t]);
  const [, pullback] = vjp(f, [x]);
  const [gx] = pullback(fx.mul(0).add(1));
  pullback.dispose();
  const [, hv] = hvp(f, x, t);
  const h = hessian(f, x);
  expect(h.device).toBe(device);
  return Promise.all([fx, jt, gx!, hv, h].map(async (r) => Array.from(await r.data())));
}

describe('jvp / vjp / hvp / hessian on every backend', () => {
  const requireWebGpu = useWebGpu();
  it('webgpu: matches the CPU', async (ctx) => {
    requireWebGpu(ctx);
    const got = await run('webgpu');
    const ref = await run('cpu');
    got.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!), `result ${i}[${j}]`).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(ref[i]![j]!))));
    expect(ref[4]!.some((v) => v !== 0)).toBe(true);
  });
});
