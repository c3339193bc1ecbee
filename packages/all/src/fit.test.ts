import { BatchNorm1d, crossEntropy, Dropout, Linear, mseLoss, ReLU, Sequential } from '@nn/layers';
import { AdamW, SGD } from '@nn/optim';
import { LambdaLR, ReduceLROnPlateau, StepLR, warmupCosineDecaySchedule } from '@nn/schedulers';
import { DataLoader, TensorDataset } from '@nn/data';
import { dispose, Generator, manualSeed, randn, tensor, Tensor } from '@nn/tensor';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint-format.js';
import { encodeV1 } from './checkpoint-v1.test-util.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import type { History } from './history.js';
import { loadFile } from './save-file.js';
import { loaderFor, setup, sink, spirals } from './spirals.test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = spirals(100, 1);
const valid = spirals(50, 2);

describe('fit', () => {
  it('learns the spirals: loss below 0.1 and accuracy above 97% in 30 epochs, one plain line per epoch', async () => {
    const { model, optimizer } = setup(0);
    const out = sink(false);
    const history = await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 30, validation: { loader: loaderFor(valid, 50, 0) }, output: out,
    });
    expect(history.epoch).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'valAccuracy', 'valLoss']);
    expect(history.loss.at(-1)).toBeLessThan(0.1);
    expect(history.loss.at(-1)).toBeLessThan(history.loss[0]! / 3);
    expect(history.accuracy.at(-1)).toBeGreaterThan(0.97);
    expect(history.valAccuracy.at(-1)).toBeGreaterThan(0.97);
    expect(history.lr.every((lr) => lr === 0.01)).toBe(true);
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    expect(out.text).not.toContain('\r');
    expect(lines[0]).toMatch(
      /^epoch  1\/30  10 batches  loss \d\.\d{4}  accuracy \d+\.\d\d%  valLoss \d\.\d{4}  valAccuracy \d+\.\d\d%  lr 1\.00e-2  \d+\.\ds  \d+ samples\/s$/,
    );
    expect(model.training).toBe(true);
  });

  it('fits a noisy regression with metrics: [] (loss only) and restores evaluation mode afterwards', async () => {
    manualSeed(3);
    const x = randn([64, 3]);
    const y = x.matmul(tensor([[1], [-2], [0.5]])).add(randn([64, 1]).mul(0.01));
    const model = new Linear(3, 1);
    model.eval();
    const history = await fit(model, new DataLoader(new TensorDataset(x, y), { batchSize: 16 }), {
      optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: (o, t) => mseLoss(o, t), epochs: 40, metrics: [], progress: false,
    });
    expect(Object.keys(history).sort()).toEqual(['epoch', 'loss', 'lr']);
    expect(history.loss.at(-1)).toBeLessThan(2e-4);
    expect(model.training).toBe(false);
  });

  it('applies a ReduceLROnPlateau once per epoch with the monitored value', async () => {
    const { model, optimizer } = setup(0, 8, 0.01);
    const scheduler = new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 0, threshold: 10, thresholdMode: 'abs' });
    const history = await fit(model, loaderFor(train, 50, 0), { optimizer, loss: crossEntropy, epochs: 4, scheduler, progress: false });
    // Epoch 1 sets `best`; no later epoch beats it by 10, so each halves the rate used by the next epoch.
    expect(history.lr).toEqual([0.01, 0.01, 0.005, 0.0025]);
    expect(optimizer.paramGroups[0]!.lr).toBe(0.00125);
  });

  it("steps a scheduler per optimizer step ('step', the default) or per epoch", async () => {
    for (const [interval, expected] of [['epoch', [0.1, 0.05, 0.025]], ['step', [0.1 * 0.5 ** 3, 0.1 * 0.5 ** 7, 0.1 * 0.5 ** 11]]] as const) {
      const { model, optimizer } = setup(0, 8, 0.1);
      const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
      const history = await fit(model, loaderFor(train, 50, 0), {
        optimizer, loss: crossEntropy, epochs: 3, scheduler, schedulerInterval: interval, progress: false,
      });
      expect(history.lr).toEqual(expected);
    }
  });

  it('calls the callbacks in order with 1-based epochs and batch logs', async () => {
    const { model, optimizer } = setup(0, 8);
    const events: string[] = [];
    let lastLoss = NaN;
    const history = await fit(model, loaderFor(train, 100, 0), {
      optimizer, loss: crossEntropy, epochs: 2, progress: false,
      callbacks: [{
        onTrainBegin: () => void events.push('begin'),
        onEpochBegin: (e) => void events.push(`epoch ${e}`),
        onBatchEnd: async (b, logs) => {
          events.push(`batch ${logs.epoch}.${b} step ${logs.step} size ${logs.size}`);
          lastLoss = (await logs.loss.data())[0]!;
        },
        onEpochEnd: (e, logs) => void events.push(`end ${e} ${Object.keys(logs).join(',')}`),
        onTrainEnd: (h) => void events.push(`done ${h.epoch.length}`),
      }],
    });
    expect(events).toEqual([
      'begin', 'epoch 1', 'batch 1.1 step 1 size 100', 'batch 1.2 step 2 size 100', 'end 1 epoch,loss,accuracy,lr',
      'epoch 2', 'batch 2.1 step 3 size 100', 'batch 2.2 step 4 size 100', 'end 2 epoch,loss,accuracy,lr', 'done 2',
    ]);
    expect(Number.isFinite(lastLoss)).toBe(true);
    expect(history.loss[1]).toBeLessThan(history.loss[0]!);
  });

  it('draws an in-place progress bar on a terminal', async () => {
    const { model, optimizer } = setup(0, 8);
    const out = sink(true);
    await fit(model, loaderFor(train, 20, 0), { optimizer, loss: crossEntropy, epochs: 2, output: out });
    const lines = out.text.split('\n');
    expect(lines).toHaveLength(3); // two finished epoch lines and nothing after the last newline
    expect(lines[2]).toBe('');
    // Each epoch line: bar redraws separated by \r, the first at batch 1 with an ETA, the last the summary.
    const draws = lines[0]!.split('\r').filter(Boolean);
    expect(draws[0]).toMatch(/^epoch 1\/2  \[==>\s+\] 1\/10  loss \d\.\d{4}  accuracy \d+\.\d\d%  \d+ samples\/s  ETA \d+\.\ds$/);
    expect(draws.at(-1)).toMatch(/^epoch 1\/2  10 batches  loss \d\.\d{4}  accuracy \d+\.\d\d%  lr 1\.00e-2  \d+\.\ds  \d+ samples\/s\s*$/);
  });

  it('stops early when the monitored value stops improving and restores the best weights', async () => {
    const { model, optimizer } = setup(0, 8);
    const snapshots: number[][] = [];
    const out = sink(false);
    // minDelta 100: only the first epoch counts as an improvement, so with patience 2 training stops after epoch 3.
    const history = await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 10, output: out,
      earlyStopping: { monitor: 'loss', patience: 2, minDelta: 100, restoreBest: true },
      callbacks: [{ onEpochEnd: () => void snapshots.push(Array.from(model.parameters()[0]!.dataSync())) }],
    });
    expect(history.epoch).toEqual([1, 2, 3]);
    expect(out.text).toContain('early stopping after epoch 3: loss did not improve for 2 epochs (best ');
    expect(out.text).toContain('restored the weights of epoch 1');
    expect(Array.from(model.parameters()[0]!.dataSync())).toEqual(snapshots[0]);
    expect(snapshots[2]).not.toEqual(snapshots[0]);
  });

  it('rejects bad options with messages naming them', async () => {
    const { model, optimizer } = setup(0, 4);
    const loader = loaderFor(train, 50, 0);
    const base: FitOptions = { optimizer, loss: crossEntropy, progress: false };
    await expect(fit(model, loader, { ...base, epochs: 0 })).rejects.toThrow('fit: epochs must be a positive integer, got number 0');
    await expect(fit(model, loader, { ...base, epoch: 3 } as FitOptions)).rejects.toThrow("fit: unknown option 'epoch'");
    await expect(fit(model, loader, { ...base, clipNorm: -1 })).rejects.toThrow('fit: clipNorm must be a positive finite number, got number -1');
    await expect(fit(model, loader, { ...base, loss: undefined as never })).rejects.toThrow('fit: loss must be a function');
    await expect(fit(model, [[tensor([1])]] as never, base)).rejects.toThrow('fit: each batch must be an array [input, target]');
    await expect(fit(model, loader, { ...base, metrics: ['f1' as never] })).rejects.toThrow("fit: metrics[0] must be 'accuracy' or {name, fn}, got 'f1'");
    await expect(fit(model, loader, { ...base, checkpoint: { path: join(dir, 'x'), every: 0 } })).rejects.toThrow(
      "fit: checkpoint.every must be 'epoch' or a positive integer (steps), got number 0",
    );
    await expect(fit(model, loader, { ...base, earlyStopping: { monitor: 'valLoss' } })).rejects.toThrow(
      "fit: earlyStopping monitors 'valLoss', which the logs do not have (keys: epoch, loss, accuracy, lr)",
    );
    await expect(fit(model, loader, { ...base, resume: join(dir, 'missing.ckpt') })).rejects.toThrow(
      `fit: resume from ${join(dir, 'missing.ckpt')}: cannot read`,
    );
    const other = new SGD(setup(1, 4).model.parameters(), { lr: 0.1 });
    await expect(fit(model, loader, { ...base, scheduler: new StepLR(other, { stepSize: 1 }) })).rejects.toThrow(
      'fit: scheduler drives a different optimizer than the one given to fit',
    );
  });
});

describe('fit checkpoints', () => {
  /** A model with every kind of state: BatchNorm buffers, Dropout (global RNG), AdamW moments, a warmup-cosine LambdaLR. */
  function run(opts: Partial<FitOptions> & { epochs: number }) {
    manualSeed(7);
    const model = new Sequential(new Linear(2, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.2), new Linear(16, 2));
    const optimizer = new AdamW(model.parameters(), { lr: 0.02 });
    const scheduler = new LambdaLR(optimizer, {
      lrLambda: warmupCosineDecaySchedule({ initValue: 0.1, peakValue: 1, warmupSteps: 5, decaySteps: 40 }),
    });
    const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, dropLast: true, generator: new Generator(5) });
    const validation = { loader: new DataLoader(new TensorDataset(valid.x, valid.y), { batchSize: 40 }) };
    const history = fit(model, loader, { optimizer, loss: crossEntropy, scheduler, clipNorm: 0.5, validation, progress: false, ...opts });
    return { model, history };
  }
  const state = (m: Sequential) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));

  let reference: { history: History; state: Record<string, number[]> };
  async function uninterrupted() {
    if (!reference) {
      const r = run({ epochs: 4 });
      reference = { history: await r.history, state: state(r.model) };
    }
    return reference;
  }

  it('resumes mid-epoch after an abort to exactly the parameters and history of an uninterrupted run', async () => {
    const ref = await uninterrupted();
    const path = join(dir, 'abort.ckpt');
    const controller = new AbortController();
    const out = sink(false);
    const first = run({
      epochs: 4, checkpoint: { path }, signal: controller.signal, output: out, progress: 'auto',
      callbacks: [{ onBatchEnd: (_b, logs) => void (logs.step === 9 ? controller.abort() : undefined) }],
    });
    await expect(first.history).rejects.toThrow(/abort/i);
    expect(out.text).toContain(`interrupted in epoch 2 after step 9; checkpoint saved to ${path}`);
    const resumedOut = sink(false);
    const second = run({ epochs: 4, checkpoint: { path }, resume: path, output: resumedOut, progress: 'auto' });
    const history = await second.history;
    expect(resumedOut.text.split('\n')[0]).toBe(`resumed from ${path}: 1 epoch done, step 9, 3 batches into epoch 2`);
    expect(history).toEqual(ref.history);
    expect(state(second.model)).toEqual(ref.state);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('resumes from the last periodic checkpoint after a callback throws', async () => {
    const ref = await uninterrupted();
    const path = join(dir, 'steps.ckpt');
    const first = run({
      epochs: 4, checkpoint: { path, every: 4 },
      callbacks: [{ onBatchEnd: (_b, logs) => { if (logs.step === 15) throw new Error('boom'); } }],
    });
    await expect(first.history).rejects.toThrow('boom');
    const second = run({ epochs: 4, resume: path }); // continues from step 12
    expect(await second.history).toEqual(ref.history);
    expect(state(second.model)).toEqual(ref.state);
  });

  it('continues a finished run for more epochs exactly as if it had been asked for them at once', async () => {
    const ref = await uninterrupted();
    const path = join(dir, 'epochs.ckpt');
    const first = await run({ epochs: 2, checkpoint: { path } }).history;
    expect(first.epoch).toEqual([1, 2]);
    const second = run({ epochs: 4, resume: path });
    expect(await second.history).toEqual(ref.history);
    expect(state(second.model)).toEqual(ref.state);
  });

  it('writes a file of save (loadFile reads it) and resumes from version 1 checkpoints too', async () => {
    const ref = await uninterrupted();
    const path = join(dir, 'epochs.ckpt');
    const c = (await loadFile(path)) as Checkpoint;
    expect([c.format, c.version, c.epoch, c.step]).toEqual(['nn-fit-checkpoint', 2, 2, 12]);
    const keys = Object.keys(c.model);
    expect(c.optimizer.state['0']!.expAvg).toBeInstanceOf(Tensor);
    const v1 = join(dir, 'v1.safetensors');
    writeFileSync(v1, encodeV1(c));
    dispose(c);
    const second = run({ epochs: 4, resume: v1 });
    expect(await second.history).toEqual(ref.history);
    expect(state(second.model)).toEqual(ref.state);
    expect(keys).toEqual(Object.keys(ref.state));
  });

  it('refuses a checkpoint of a different model', async () => {
    const path = join(dir, 'epochs.ckpt');
    manualSeed(0);
    const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
    await expect(
      fit(model, loaderFor(train, 32, 0), { optimizer: new AdamW(model.parameters()), loss: crossEntropy, resume: path, progress: false }),
    ).rejects.toThrow(`fit: resume from ${path}: the model does not match the checkpoint: loadStateDict:`);
  });

  it('writes the training curves as an SVG when asked', async () => {
    const { model, optimizer } = setup(0, 4);
    const path = join(dir, 'curves.svg');
    await fit(model, loaderFor(train, 50, 0), { optimizer, loss: crossEntropy, epochs: 2, progress: false, plot: { path, title: 'spirals' } });
    const svg = readFileSync(path, 'utf8');
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain('>spirals</text>');
    expect(svg).toContain('data-key="accuracy"');
    await expect(fit(model, loaderFor(train, 50, 0), { optimizer, loss: crossEntropy, progress: false, plot: { path, logScale: true } as never })).rejects.toThrow(
      "plotHistory: unknown option 'logScale'",
    );
  });

  it('reports a checkpoint that cannot be written and leaves no temporary file', async () => {
    const { model, optimizer } = setup(0, 4);
    const path = join(dir, 'no-such-dir', 'c.ckpt');
    await expect(
      fit(model, loaderFor(train, 50, 0), { optimizer, loss: crossEntropy, checkpoint: { path }, progress: false }),
    ).rejects.toThrow(`fit: checkpoint: cannot write ${path}: ENOENT`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('evaluate', () => {
  it('gives the mean loss and accuracy over all batches, in evaluation mode, restoring the mode', async () => {
    const { model } = setup(0, 8);
    const loader = new DataLoader(new TensorDataset(valid.x, valid.y), { batchSize: 30 });
    const r = await evaluate(model, loader, { loss: crossEntropy });
    const logits: Tensor = model.call(valid.x);
    const expectedLoss = crossEntropy(logits, valid.y).item() as number;
    const expectedAcc = (logits.argmax(1).eq(valid.y).cast('float32').mean().item() as number);
    expect(Object.keys(r)).toEqual(['loss', 'accuracy']);
    expect(r.loss).toBeCloseTo(expectedLoss, 5);
    expect(r.accuracy).toBeCloseTo(expectedAcc, 6);
    expect(model.training).toBe(true);
    await expect(evaluate({} as never, loader)).rejects.toThrow('evaluate: model must be a Module (with call and train), got Object');
  });
});
