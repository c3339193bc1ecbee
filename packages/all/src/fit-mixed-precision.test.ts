/**
 * fit with `mixedPrecision`: autocast forward, GradScaler steps (skipped on overflow, weights untouched),
 * clipping of the unscaled gradients, the scaler's state in checkpoints (and resuming across settings), option
 * checks, and the awaited step on WebGPU.
 */
import { crossEntropy, Linear, ReLU, Sequential } from '@nn/layers';
import { AdamW, GradScaler, SGD } from '@nn/optim';
import { DataLoader, TensorDataset } from '@nn/data';
import { StepLR } from '@nn/schedulers';
import { dispose, Generator, manualSeed, memory, type Tensor } from '@nn/tensor';
import { collectGarbage, useWebGpu } from '@nn/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint-format.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import { loadFile } from './save-file.js';
import { loaderFor, setup, sink, spirals } from './spirals.test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-fit-amp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = spirals(100, 1);
const valid = spirals(50, 2);

const weights = (m: Sequential) => m.parameters().map((p) => Array.from(p.dataSync()));

/** Per optimizer step: the scale the loss was multiplied by, the scale after update(), and the weights after it. */
function recorder(model: Sequential, scaler: GradScaler) {
  const steps: { before: number; after: number; weights: number[][] }[] = [];
  let scale = scaler.getScale();
  let start: number[][] = [];
  return {
    steps,
    start: () => start,
    callback: {
      onTrainBegin: () => void (start = weights(model)),
      onBatchEnd: () => {
        steps.push({ before: scale, after: scaler.getScale(), weights: weights(model) });
        scale = scaler.getScale();
      },
    },
  };
}

describe('fit with mixedPrecision', () => {
  it('learns the spirals about as well as float32: forward in float16, validation in float32, float32 weights', async () => {
    const runs = [];
    for (const mixedPrecision of [false, true]) {
      const { model, optimizer } = setup(0);
      const seen = new Set<string>();
      const call = model.call.bind(model);
      model.call = (x: Tensor) => {
        const out = call(x);
        seen.add(`${model.training ? 'train' : 'eval'} ${out.dtype}`);
        return out;
      };
      const scaler = new GradScaler();
      const history = await fit(model, loaderFor(train, 20, 0), {
        optimizer, loss: crossEntropy, epochs: 30, validation: { loader: loaderFor(valid, 50, 0) }, progress: false,
        mixedPrecision: mixedPrecision && scaler,
      });
      runs.push({ history, seen, model, scaler });
    }
    const [f32, amp] = runs;
    expect([...f32!.seen].sort()).toEqual(['eval float32', 'train float32']);
    expect([...amp!.seen].sort()).toEqual(['eval float32', 'train float16']);
    expect(Object.keys(amp!.history).sort()).toEqual(Object.keys(f32!.history).sort());
    expect(amp!.history.accuracy.at(-1)).toBeGreaterThan(0.95);
    expect(amp!.history.valAccuracy.at(-1)).toBeGreaterThan(0.95);
    expect(Math.abs(amp!.history.valAccuracy.at(-1)! - f32!.history.valAccuracy.at(-1)!)).toBeLessThan(0.03);
    expect(amp!.history.loss.at(-1)).toBeLessThan(0.15); // the reported loss is the unscaled one
    expect(amp!.model.parameters().every((p) => p.dtype === 'float32')).toBe(true);
    // 300 clean steps: no backoff (float16 gradients fit at 2^16 here), and no growth before 2000.
    expect(amp!.scaler.getScale()).toBe(2 ** 16);
    expect(amp!.scaler.stateDict()).toMatchObject({ scale: 2 ** 16, _growth_tracker: 300 });
  });

  it('skips the steps whose float16 gradients overflow, leaving the weights and the optimizer untouched, and backs off', async () => {
    const { model, optimizer } = setup(0, 8);
    const scaler = new GradScaler({ initScale: 2 ** 40 });
    const rec = recorder(model, scaler);
    const history = await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 4, progress: false, mixedPrecision: scaler, callbacks: [rec.callback],
    });
    const skipped = rec.steps.filter((s) => s.after < s.before).length;
    // 2^40 · (gradients ~1e-2) is far beyond 65504: the first steps overflow, each halving the scale, until it fits.
    expect(skipped).toBeLessThan(rec.steps.length);
    rec.steps.forEach((s, i) => {
      const prev = i === 0 ? rec.start() : rec.steps[i - 1]!.weights;
      if (s.after < s.before) {
        expect(s.after, `step ${i + 1}`).toBe(s.before / 2);
        expect(s.weights, `step ${i + 1} was skipped`).toEqual(prev);
      } else expect(s.weights, `step ${i + 1} stepped`).not.toEqual(prev);
    });
    // The first 10 in a row at least (22 here, down to 2^18); a later one may overflow again as the weights grow.
    expect(rec.steps.slice(0, 10).every((s) => s.after < s.before)).toBe(true);
    // AdamW counted only the steps taken.
    expect(optimizer.stateDict().state['0']!.step).toBe(rec.steps.length - skipped);
    expect(scaler.getScale()).toBe(2 ** (40 - skipped));
    expect(history.loss.every(Number.isFinite)).toBe(true);
    expect(history.loss.at(-1)).toBeLessThan(history.loss[0]!);
  });

  it('skips one step whose loss blew up, halves the scale once, and trains on; the scheduler still steps; a float16 loss is reported as float32', async () => {
    const { model, optimizer } = setup(0, 8);
    const scaler = new GradScaler({ initScale: 1024 });
    const rec = recorder(model, scaler);
    let calls = 0;
    const dtypes = new Set<string>();
    const history = await fit(model, loaderFor(train, 20, 0), {
      optimizer, epochs: 2, progress: false, mixedPrecision: scaler, scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.9 }),
      // Batch 5's loss is 1e30 times too large: its gradient is inf in float16. The loss itself is returned in float16.
      loss: (o, t) => {
        const l = crossEntropy(o, t);
        return (++calls === 5 ? l.mul(1e30) : l).half();
      },
      callbacks: [rec.callback, { onBatchEnd: (_b, logs) => void dtypes.add(logs.loss.dtype) }],
    });
    expect(rec.steps.map((s) => s.after)).toEqual([...Array(4).fill(1024), ...Array(16).fill(512)]);
    expect(rec.steps[4]!.weights).toEqual(rec.steps[3]!.weights);
    expect(rec.steps[5]!.weights).not.toEqual(rec.steps[4]!.weights);
    expect(optimizer.stateDict().state['0']!.step).toBe(19);
    // As in PyTorch's loop, a per-step scheduler steps after a skipped step too: 20 scheduler steps, not 19.
    expect(history.lr[1]).toBeCloseTo(0.01 * 0.9 ** 19, 10);
    expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.01 * 0.9 ** 20, 10);
    expect([...dtypes]).toEqual(['float32']);
    expect(history.loss[0]).toBeGreaterThan(1e27); // the bad batch's loss is in the epoch's mean, as reported
    expect(Number.isFinite(history.loss[1])).toBe(true);
  });

  it('clips the unscaled gradients: the clipped update has the norm clipNorm · lr, not that divided by the scale', async () => {
    const step = async (clipNorm: number, mixedPrecision: boolean) => {
      manualSeed(0);
      const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
      const before = weights(model).flat();
      await fit(model, loaderFor(train, 200, 0), {
        optimizer: new SGD(model.parameters(), { lr: 1 }), loss: crossEntropy, clipNorm, progress: false,
        mixedPrecision: mixedPrecision && new GradScaler({ initScale: 1024 }),
      });
      return Math.hypot(...weights(model).flat().map((w, i) => w - before[i]!));
    };
    const unclipped = await step(1e6, false);
    expect(unclipped).toBeGreaterThan(0.05); // so 0.01 clips
    expect(await step(1e6, true)).toBeCloseTo(unclipped, 2); // the unscaled gradients, to float16 rounding
    expect(await step(0.01, true)).toBeCloseTo(0.01, 5);
    expect(await step(0.01, false)).toBeCloseTo(0.01, 5);
  });

  it('with a disabled GradScaler: autocast without loss scaling, and no scaler state in the checkpoint', async () => {
    const { model, optimizer } = setup(0, 8);
    const dtypes = new Set<string>();
    const call = model.call.bind(model);
    model.call = (x: Tensor) => {
      const out = call(x);
      dtypes.add(out.dtype);
      return out;
    };
    const path = join(dir, 'disabled.ckpt');
    const history = await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 2, progress: false, checkpoint: { path }, mixedPrecision: new GradScaler({ enabled: false }),
    });
    expect([...dtypes]).toEqual(['float16']);
    expect(optimizer.stateDict().state['0']!.step).toBe(20);
    expect(history.loss[1]).toBeLessThan(history.loss[0]!);
    const c = (await loadFile(path)) as Checkpoint;
    expect(c.scaler).toBeNull();
    dispose(c);
  });

  it('rejects a wrong mixedPrecision with a message naming fit and the option', async () => {
    const { model, optimizer } = setup(0, 4);
    const base: FitOptions = { optimizer, loss: crossEntropy, progress: false };
    for (const [value, got] of [[1, 'number 1'], ['yes', 'string "yes"'], [null, 'null'], [{ initScale: 1024 }, 'Object']] as const)
      await expect(fit(model, loaderFor(train, 50, 0), { ...base, mixedPrecision: value as never })).rejects.toThrow(
        `fit: mixedPrecision must be true, false or a GradScaler (from @nn/optim), got ${got}`,
      );
  });
});

describe('fit with mixedPrecision: checkpoints', () => {
  /** A scale that moves both ways: 2^20 overflows the first steps (backoff), then it grows after every 3 clean steps. */
  const scaler = () => new GradScaler({ initScale: 2 ** 20, growthInterval: 3 });
  function run(opts: Partial<FitOptions> & { epochs: number }) {
    manualSeed(7);
    const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
    const optimizer = new AdamW(model.parameters(), { lr: 0.02 });
    const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, dropLast: true, generator: new Generator(5) });
    const history = fit(model, loader, { optimizer, loss: crossEntropy, clipNorm: 0.5, progress: false, ...opts });
    return { model, history };
  }

  it('saves the scaler state and resumes mid-epoch to exactly the uninterrupted run, scaler included', async () => {
    const refScaler = scaler();
    const scales: number[] = [];
    const ref = run({ epochs: 4, mixedPrecision: refScaler, callbacks: [{ onBatchEnd: () => void scales.push(refScaler.getScale()) }] });
    const refHistory = await ref.history;
    expect(Math.min(...scales)).toBeLessThan(2 ** 20);
    expect(new Set(scales).size).toBeGreaterThan(3); // backed off and grew

    const path = join(dir, 'amp.ckpt');
    const controller = new AbortController();
    const first = run({
      epochs: 4, mixedPrecision: scaler(), checkpoint: { path }, signal: controller.signal,
      callbacks: [{ onBatchEnd: (_b, logs) => void (logs.step === 10 ? controller.abort() : undefined) }],
    });
    await expect(first.history).rejects.toThrow(/abort/i);
    const saved = (await loadFile(path)) as Checkpoint;
    expect(saved.scaler).toEqual({ scale: scales[9], growth_factor: 2, backoff_factor: 0.5, growth_interval: 3, _growth_tracker: expect.any(Number) });
    dispose(saved);

    const resumedScaler = new GradScaler(); // its settings come from the checkpoint
    const out = sink(false);
    const second = run({ epochs: 4, mixedPrecision: resumedScaler, resume: path, output: out, progress: 'auto' });
    expect(await second.history).toEqual(refHistory);
    expect(weights(second.model)).toEqual(weights(ref.model));
    expect(resumedScaler.stateDict()).toEqual(refScaler.stateDict());
    expect(out.text.split('\n')[0]).toBe(`resumed from ${path}: 1 epoch done, step 10, 4 batches into epoch 2`);
  });

  it('resumes a float32 checkpoint with mixed precision (a fresh scaler) and a mixed-precision one without (its scale dropped)', async () => {
    const f32 = join(dir, 'f32.ckpt');
    await run({ epochs: 1, checkpoint: { path: f32 } }).history;
    const out = sink(false);
    const on = new GradScaler({ initScale: 4096 });
    const amp = join(dir, 'on.ckpt');
    const h = await run({ epochs: 2, mixedPrecision: on, resume: f32, checkpoint: { path: amp }, output: out, progress: 'auto' }).history;
    expect(h.epoch).toEqual([1, 2]);
    expect(out.text.split('\n').slice(0, 2)).toEqual([
      `resumed from ${f32}: 1 epoch done, step 6`,
      'mixed precision: the checkpoint has no loss-scaler state (written without mixed precision); the GradScaler starts at scale 4096',
    ]);
    const c = (await loadFile(amp)) as Checkpoint;
    expect(c.scaler).toEqual(on.stateDict());
    dispose(c);

    const out2 = sink(false);
    const back = join(dir, 'off.ckpt');
    const h2 = await run({ epochs: 3, resume: amp, checkpoint: { path: back }, output: out2, progress: 'auto' }).history;
    expect(h2.epoch).toEqual([1, 2, 3]);
    expect(out2.text.split('\n')[1]).toBe(
      `the checkpoint was written with mixed precision (loss scale ${on.getScale()}); training continues in float32 without it`,
    );
    const c2 = (await loadFile(back)) as Checkpoint;
    expect(c2.scaler).toBeNull();
    dispose(c2);
  });

  it('refuses a checkpoint whose scaler state does not load, naming the checkpoint', async () => {
    const path = join(dir, 'on.ckpt');
    const bad = join(dir, 'bad-scaler.ckpt');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const c = decodeCheckpoint('test', readFileSync(path));
    writeFileSync(bad, await encodeCheckpoint({ ...c, scaler: { ...c.scaler!, growth_factor: 0.5 } }));
    dispose(c);
    await expect(run({ epochs: 3, mixedPrecision: true, resume: bad }).history).rejects.toThrow(
      `fit: resume from ${bad}: the checkpoint's loss-scaler state does not load: GradScaler.loadStateDict: growth_factor must be a finite number > 1, got 0.5`,
    );
  });
});

describe('fit with mixedPrecision on WebGPU', () => {
  const requireWebGpu = useWebGpu();
  it('awaits the scaler step (no synchronous read) and matches the CPU run', async (ctx) => {
    requireWebGpu(ctx);
    const data = spirals(12, 1);
    const run = async (device: 'cpu' | 'webgpu', initScale = 2 ** 24, epochs = 2) => {
      manualSeed(0);
      const model = new Sequential(new Linear(2, 8, { device }), new ReLU(), new Linear(8, 2, { device }));
      const [x, y] = [data.x.to(device), data.y.to(device)];
      const optimizer = new AdamW(model.parameters(), { lr: 0.05 });
      const scaler = new GradScaler({ initScale }); // 2^24 overflows at first: skipped steps on the device too
      const scales: number[] = [];
      const counts: number[] = [];
      const history = await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 8, shuffle: true, generator: new Generator(1) }), {
        optimizer, loss: crossEntropy, epochs, clipNorm: 1, progress: false, mixedPrecision: scaler,
        callbacks: [{ onBatchEnd: () => void scales.push(scaler.getScale()), onEpochEnd: () => void counts.push(memory().numTensors) }],
      });
      const w = Array.from(await model.parameters()[0]!.data());
      model.dispose();
      optimizer.dispose();
      if (device !== 'cpu') dispose([x, y]);
      return { history, scales, w, counts };
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(gpu.scales).toEqual(cpu.scales);
    expect(Math.min(...gpu.scales)).toBeLessThan(2 ** 24);
    gpu.history.loss.forEach((v, i) => expect(v).toBeCloseTo(cpu.history.loss[i]!, 2));
    gpu.w.forEach((v, i) => expect(v).toBeCloseTo(cpu.w[i]!, 2));
    // The awaited step leaves nothing behind either (a scale that does not overflow: AdamW's state exists from step 1).
    await collectGarbage();
    expect(new Set((await run('webgpu', 1024, 3)).counts).size).toBe(1);
  });
});
