/**
 * GradScaler against PyTorch's (scripts/golden_grad_scaler.py: PyTorch 1.13's models, backward and optimizers,
 * with the scaler ported line by line because its kernels need CUDA): scale, unscaled gradients, skipped steps,
 * scale and growth tracker, parameters after every step, on the CPU and on WebGPU; PyTorch's error cases; the
 * disabled pass-through; state dicts; memory.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { memory, tensor, tidy, type Device, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { Adam, GradScaler, SGD, type GradScalerOptions } from './index.js';

type Value = number | 'inf' | '-inf' | 'nan';
interface GoldenStep {
  loss: number;
  scaledLoss: Value;
  grads: Value[][];
  unscaleFirst: boolean;
  newScale: number | null;
  unscaledGrads: Value[][];
  skipped: boolean[];
  scale: number;
  growthTracker: number;
  params: number[][];
}
interface GoldenCase {
  name: string;
  options: Required<Omit<GradScalerOptions, 'enabled'>>;
  optimizers: { type: 'SGD' | 'Adam'; options: { lr: number; momentum?: number }; params: number[] }[];
  params: { shape: number[]; data: number[] }[];
  steps: GoldenStep[];
}

const CASES = (JSON.parse(readFileSync(new URL('./golden/grad-scaler.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] }).cases;
const num = (v: Value): number => (typeof v === 'number' ? Math.fround(v) : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN);
const EXACT = { rtol: 0, atol: 0 };

/** Replays a golden case on `device`, with `stepAsync`/`updateAsync` when `async` (as WebGPU needs). */
async function replay(c: GoldenCase, device: Device, async: boolean): Promise<void> {
  const params = c.params.map((p) => tensor(p.data, { shape: p.shape, requiresGrad: true, device }));
  const opts = c.optimizers.map((o) => new (o.type === 'SGD' ? SGD : Adam)(o.params.map((i) => params[i]!), o.options));
  const steps = opts.map((o) => vi.spyOn(o, 'step'));
  const scaler = new GradScaler(c.options);
  for (const [t, s] of c.steps.entries()) {
    const at = `${c.name}: step ${t}`;
    const scaled = scaler.scale(tensor(s.loss, { device }));
    expectClose(await scaled.data(), [num(s.scaledLoss)], { ...EXACT, label: `${at} scaled loss` });
    scaled.dispose();
    for (const [i, p] of params.entries()) {
      p.grad?.dispose();
      p.grad = tensor(s.grads[i]!.map(num), { shape: p.shape, device });
    }
    if (s.unscaleFirst) for (const o of opts) scaler.unscale_(o);
    for (const [k, o] of opts.entries()) {
      const before = steps[k]!.mock.calls.length;
      expect(async ? await scaler.stepAsync(o) : scaler.step(o)).toBeUndefined();
      expect(steps[k]!.mock.calls.length - before, `${at}: optimizer ${k} stepped`).toBe(s.skipped[k] ? 0 : 1);
    }
    for (const [i, p] of params.entries()) expectClose(await p.grad!.data(), s.unscaledGrads[i]!.map(num), { ...EXACT, label: `${at} unscaled grad ${i}` });
    if (async) await scaler.updateAsync(s.newScale ?? undefined);
    else scaler.update(s.newScale ?? undefined);
    expect(scaler.getScale(), `${at} scale`).toBe(s.scale);
    expect(scaler.stateDict()._growth_tracker, `${at} growth tracker`).toBe(s.growthTracker);
    for (const [i, p] of params.entries()) expectClose(await p.data(), s.params[i]!, { rtol: 1e-5, atol: 1e-7, label: `${at} param ${i}` });
  }
  for (const p of params) p.grad?.dispose();
  for (const o of opts) o.dispose();
  for (const p of params) p.dispose();
}

/** A one-parameter SGD whose gradient is `g`, and a started scaler (scale() called once). */
function setup(g: number[], options: GradScalerOptions = {}) {
  const p = tensor([1, 2, 3], { requiresGrad: true });
  p.grad = tensor(g);
  const opt = new SGD([p], { lr: 0.5 });
  const scaler = new GradScaler(options);
  scaler.scale(tensor(1)).dispose();
  return { p, opt, scaler };
}

describe('GradScaler: PyTorch trajectories (CPU)', () => {
  it('the golden cases include skipped steps, growth, backoff and a refused growth', () => {
    const all = CASES.flatMap((c) => c.steps);
    expect(all.filter((s) => s.skipped.some(Boolean)).length).toBeGreaterThanOrEqual(8);
    expect(CASES[1]!.steps.some((s) => s.skipped[0] !== s.skipped[1])).toBe(true);
    expect(CASES[2]!.steps.at(-2)!.scale).toBe(2 ** 127);
  });
  for (const c of CASES) it(c.name, () => replay(c, 'cpu', false));
  it(`${CASES[0]!.name} (stepAsync / updateAsync)`, () => replay(CASES[0]!, 'cpu', true));
});

describe('GradScaler: semantics', () => {
  it('scale multiplies a tensor, or each tensor of a nested array, by the scale', () => {
    const scaler = new GradScaler({ initScale: 8 });
    const [a, [b]] = scaler.scale([tensor([1, -2]), [tensor(0.5)]] as const) as unknown as [Tensor, [Tensor]];
    expect(Array.from(a.dataSync())).toEqual([8, -16]);
    expect(b.item()).toBe(4);
    expect(() => scaler.scale([tensor(1), 3] as never)).toThrow('GradScaler.scale: outputs must be a Tensor or an array of Tensors, got 3');
  });

  it('defaults are PyTorch\'s, and the getters and setters read and write them', () => {
    const s = new GradScaler();
    expect([s.getScale(), s.getGrowthFactor(), s.getBackoffFactor(), s.getGrowthInterval(), s.isEnabled()]).toEqual([65536, 2, 0.5, 2000, true]);
    s.setGrowthFactor(3);
    s.setBackoffFactor(0.25);
    s.setGrowthInterval(10);
    expect(s.stateDict()).toEqual({ scale: 65536, growth_factor: 3, backoff_factor: 0.25, growth_interval: 10, _growth_tracker: 0 });
    expect(() => s.setGrowthFactor(1)).toThrow('GradScaler.setGrowthFactor: factor must be a finite number > 1, got 1');
    expect(() => s.setBackoffFactor(1)).toThrow('GradScaler.setBackoffFactor: factor must be in (0, 1), got 1');
    expect(() => s.setGrowthInterval(0.5)).toThrow('GradScaler.setGrowthInterval: interval must be a positive integer, got 0.5');
  });

  it('returns what optimizer.step returns, forwarding its arguments', () => {
    const { opt, scaler } = setup([1, 1, 1]);
    const step = vi.fn((..._args: unknown[]) => 'stepped');
    const custom = { paramGroups: opt.paramGroups, step };
    expect(scaler.step(custom, 1, 'two')).toBe('stepped');
    expect(step).toHaveBeenCalledWith(1, 'two');
  });

  it('stateDict / loadStateDict carry scale and growth tracker under PyTorch\'s keys', () => {
    const { p, opt, scaler } = setup([1, 1, 1], { initScale: 4, growthInterval: 3 });
    scaler.step(opt);
    scaler.update();
    const sd = scaler.stateDict();
    expect(sd).toEqual({ scale: 4, growth_factor: 2, backoff_factor: 0.5, growth_interval: 3, _growth_tracker: 1 });
    const restored = new GradScaler();
    restored.loadStateDict(JSON.parse(JSON.stringify(sd)));
    expect(restored.stateDict()).toEqual(sd);
    expect(() => restored.loadStateDict({} as never)).toThrow(
      'GradScaler.loadStateDict: the source state dict is empty, possibly because it was saved from a disabled instance of GradScaler',
    );
    expect(() => restored.loadStateDict({ ...sd, _growth_tracker: -1 } as never)).toThrow(
      'GradScaler.loadStateDict: _growth_tracker must be a non-negative integer, got -1',
    );
    expect(() => restored.loadStateDict({ ...sd, backoff_factor: 2 } as never)).toThrow('GradScaler.loadStateDict: backoff_factor must be in (0, 1), got 2');
    expect(restored.stateDict()).toEqual(sd);
    p.grad!.dispose();
    opt.dispose();
  });

  it('a disabled scaler is a pass-through', () => {
    const { p, opt } = setup([2, 4, 6]);
    const scaler = new GradScaler({ enabled: false });
    const loss = tensor(3);
    expect(scaler.scale(loss)).toBe(loss);
    scaler.unscale_(opt);
    expect(Array.from(p.grad!.dataSync())).toEqual([2, 4, 6]);
    p.grad = tensor([Infinity, 0, 0]);
    scaler.step(opt); // not skipped: the optimizer sees the inf
    expect(p.dataSync()[0]).toBe(-Infinity);
    scaler.update();
    scaler.update(5);
    expect([scaler.getScale(), scaler.isEnabled()]).toEqual([1, false]);
    expect(scaler.stateDict()).toEqual({});
    scaler.loadStateDict({} as never);
  });

  it('memory stays flat over steps, skipped or not, inside tidy', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    const scaler = new GradScaler({ initScale: 4, growthInterval: 2 });
    const before: number[] = [];
    for (let i = 0; i < 6; i++) {
      tidy(() => {
        opt.zeroGrad();
        p.grad = scaler.scale(tensor(i % 3 === 2 ? [Infinity, 1, 1] : [1, 1, 1]));
        scaler.step(opt);
        scaler.update();
      });
      before.push(memory().numTensors);
    }
    expect(new Set(before.slice(1)).size).toBe(1);
    opt.zeroGrad();
    opt.dispose();
  });
});

describe('GradScaler: errors', () => {
  it('names invalid constructor options', () => {
    expect(() => new GradScaler({ initScale: 0 })).toThrow('GradScaler: initScale must be a positive finite number, got 0');
    expect(() => new GradScaler({ initScale: Infinity })).toThrow('GradScaler: initScale must be a positive finite number, got Infinity');
    expect(() => new GradScaler({ growthFactor: 1 })).toThrow('GradScaler: growthFactor must be a finite number > 1, got 1');
    expect(() => new GradScaler({ backoffFactor: 1 })).toThrow('GradScaler: backoffFactor must be in (0, 1), got 1');
    expect(() => new GradScaler({ backoffFactor: 0 })).toThrow('GradScaler: backoffFactor must be in (0, 1), got 0');
    expect(() => new GradScaler({ growthInterval: 0 })).toThrow('GradScaler: growthInterval must be a positive integer, got 0');
    expect(() => new GradScaler({ enabled: 'yes' as never })).toThrow('GradScaler: enabled must be a boolean, got "yes"');
    expect(() => new GradScaler({ init_scale: 2 } as never)).toThrow(
      "GradScaler: unknown option 'init_scale' (options: initScale, growthFactor, backoffFactor, growthInterval, enabled)",
    );
  });

  it('unscale_ twice before update, or after step', () => {
    const { opt, scaler } = setup([1, 1, 1]);
    scaler.unscale_(opt);
    expect(() => scaler.unscale_(opt)).toThrow('GradScaler.unscale_: unscale_() has already been called on this optimizer since the last update()');
    scaler.step(opt);
    expect(() => scaler.unscale_(opt)).toThrow('GradScaler.unscale_: unscale_() is being called after step()');
    scaler.update();
    scaler.scale(tensor(1)).dispose();
    scaler.unscale_(opt); // allowed again after update()
  });

  it('step twice without update', () => {
    const { opt, scaler } = setup([1, 1, 1]);
    scaler.step(opt);
    expect(() => scaler.step(opt)).toThrow('GradScaler.step: step() has already been called since the last update()');
  });

  it('update with a bad newScale', () => {
    const { opt, scaler } = setup([1, 1, 1]);
    scaler.step(opt);
    for (const bad of [0, -2, NaN, Infinity, '2'])
      expect(() => scaler.update(bad as number)).toThrow(`GradScaler.update: newScale must be a positive finite number, got ${bad === '2' ? '"2"' : bad}`);
    scaler.update(2.5);
    expect(scaler.getScale()).toBe(2.5);
  });

  it('unscale_ / step / update before scale(), update before any step, step without gradients, closures', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const scaler = new GradScaler();
    expect(() => scaler.step(opt)).toThrow('GradScaler.step: scale() has not been called yet');
    expect(() => scaler.unscale_(opt)).toThrow('GradScaler.unscale_: scale() has not been called yet');
    expect(() => scaler.update()).toThrow('GradScaler.update: scale() has not been called yet');
    scaler.scale(tensor(1)).dispose();
    expect(() => scaler.update()).toThrow('GradScaler.update: no inf checks were recorded prior to update()');
    expect(() => scaler.step(opt)).toThrow('GradScaler.step: no inf checks were recorded for this optimizer: none of its parameters has a gradient');
    expect(() => scaler.step(opt, () => 1)).toThrow('GradScaler.step: closure use is not currently supported if GradScaler is enabled');
    expect(() => scaler.unscale_({} as never)).toThrow('GradScaler.unscale_: optimizer must be an optimizer with paramGroups, got {}');
  });
});

const requireWebGpu = useWebGpu({ kernels: ['Add', 'Mul', 'Sum'] });

describe('GradScaler on WebGPU', () => {
  for (const c of [CASES[1]!, CASES[2]!]) it(c.name, async (ctx) => {
    requireWebGpu(ctx);
    await replay(c, 'webgpu', true);
  });

  it('step() and update() after unscale_ name the async forms', async (ctx) => {
    requireWebGpu(ctx);
    const p = tensor([1, 2], { requiresGrad: true, device: 'webgpu' });
    p.grad = tensor([Infinity, 1], { device: 'webgpu' });
    const opt = new SGD([p], { lr: 0.1 });
    const scaler = new GradScaler();
    scaler.scale(tensor(1, { device: 'webgpu' })).dispose();
    expect(() => scaler.step(opt)).toThrow(
      'GradScaler.step: the gradients are on webgpu, where the found-inf flag can only be read asynchronously: use await scaler.stepAsync(optimizer)',
    );
    expect(() => scaler.update()).toThrow('GradScaler.update: the gradients are on webgpu, where the found-inf flag can only be read asynchronously: use await scaler.updateAsync()');
    await scaler.updateAsync();
    expect(scaler.getScale()).toBe(32768);
    p.grad.dispose();
    p.dispose();
  });
});
