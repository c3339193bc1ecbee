import { BatchNorm1d, crossEntropy, Dropout, Linear, ReLU, Sequential } from '@nn/layers';
import { AdamW, GradScaler } from '@nn/optim';
import { StepLR } from '@nn/schedulers';
import { manualSeed, memory } from '@nn/tensor';
import { collectGarbage } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { loaderFor, spirals } from './spirals.test-util.js';

// In a file of its own: tensors left to the garbage collector by other tests would be finalized at random
// moments and make the live count drift.
const train = spirals(100, 1);
const valid = spirals(50, 2);

describe('fit memory', () => {
  it('keeps memory().numTensors flat across epochs (BatchNorm, Dropout, clipping, scheduler, validation, early stopping)', async () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.1), new Linear(16, 2));
    const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
    const counts: number[] = [];
    await collectGarbage();
    const before = memory().numTensors;
    await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 6, clipNorm: 1, progress: false,
      scheduler: new StepLR(optimizer, { stepSize: 5, gamma: 0.9 }),
      validation: { loader: loaderFor(valid, 25, 0) },
      earlyStopping: { patience: 100, restoreBest: true },
      callbacks: [{ onEpochEnd: () => void counts.push(memory().numTensors) }],
    });
    expect(new Set(counts).size).toBe(1);
    // What stays: the gradients and the optimizer's state (exp_avg, exp_avg_sq per parameter).
    const params = model.parameters().length;
    expect(memory().numTensors - before).toBe(3 * params);
    optimizer.zeroGrad();
  });

  it('stays flat with mixed precision too: autocast forward, scaled backward, unscale_ and clipping, skipped steps', async () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.1), new Linear(16, 2));
    const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
    const scaler = new GradScaler({ initScale: 2 ** 30, growthInterval: 4 }); // skips the first steps, then grows and backs off
    const counts: number[] = [];
    await collectGarbage();
    const before = memory().numTensors;
    await fit(model, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 6, clipNorm: 1, progress: false, mixedPrecision: scaler,
      scheduler: new StepLR(optimizer, { stepSize: 5, gamma: 0.9 }),
      validation: { loader: loaderFor(valid, 25, 0) },
      callbacks: [{ onEpochEnd: () => void counts.push(memory().numTensors) }],
    });
    expect(scaler.getScale()).toBeLessThan(2 ** 30);
    // Every step of epoch 1 overflowed and was skipped, so AdamW created its state (2 tensors a parameter) in epoch 2.
    expect(counts[1]! - counts[0]!).toBe(2 * model.parameters().length);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(memory().numTensors - before).toBe(3 * model.parameters().length);
    optimizer.zeroGrad();
  });
});
