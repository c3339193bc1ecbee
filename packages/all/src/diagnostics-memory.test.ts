import { backward } from '@nn/autograd';
import { BatchNorm1d, crossEntropy, Dropout, Linear, ReLU, Sequential } from '@nn/layers';
import { AdamW } from '@nn/optim';
import { manualSeed, memory, tidy } from '@nn/tensor';
import { collectGarbage } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { watchActivations } from './activation-probe.js';
import { recordDiagnostics } from './diagnostics.js';
import { fit } from './fit.js';
import { loaderFor, spirals } from './spirals.test-util.js';
import { TrainingDiagnostics } from './training-diagnostics.js';

// In a file of its own, as fit-memory.test.ts: tensors other tests leave to the garbage collector would make
// the live count drift.
const train = spirals(100, 1);
const valid = spirals(50, 2);

function model() {
  manualSeed(0);
  return new Sequential(new Linear(2, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.1), new Linear(16, 2));
}

describe('diagnostics memory', () => {
  it('TrainingDiagnostics in fit keeps memory().numTensors flat and holds no tensor between recorded steps', async () => {
    const m = model();
    const optimizer = new AdamW(m.parameters(), { lr: 0.01 });
    // 10 batches per epoch, records at steps 1, 3, 6, 9, ...: some epochs end just before a recorded step.
    const diagnostics = new TrainingDiagnostics(m, { every: 3, optimizer });
    const counts: number[] = [];
    await collectGarbage();
    const before = memory().numTensors;
    await fit(m, loaderFor(train, 20, 0), {
      optimizer, loss: crossEntropy, epochs: 5, progress: false, validation: { loader: loaderFor(valid, 25, 0) },
      callbacks: [diagnostics, { onEpochEnd: () => void counts.push(memory().numTensors) }],
    });
    expect(diagnostics.records).toHaveLength(17);
    expect(new Set(counts).size).toBe(1);
    // What stays, as without diagnostics: the gradients and AdamW's two moments per parameter.
    expect(memory().numTensors - before).toBe(3 * m.parameters().length);
    optimizer.zeroGrad();
  });

  it('recordDiagnostics with a probe in a hand-written loop keeps memory().numTensors flat', async () => {
    const m = model();
    const optimizer = new AdamW(m.parameters(), { lr: 0.01 });
    const probe = watchActivations(m);
    const counts: number[] = [];
    for (let i = 0; i < 12; i++) {
      optimizer.zeroGrad();
      tidy(() => backward(crossEntropy(m.call(train.x), train.y)));
      const record = await recordDiagnostics(m, { optimizer, activations: probe, step: i + 1 });
      expect(record.layers.map((l) => l.name)).toEqual(['0', '1', '4']);
      counts.push(memory().numTensors);
    }
    probe.remove();
    expect(new Set(counts.slice(1)).size).toBe(1);
    optimizer.zeroGrad();
  });
});
