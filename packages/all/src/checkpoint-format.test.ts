import { backward } from '@nn/autograd';
import { load, save } from '@nn/layers';
import { AdamW } from '@nn/optim';
import { dispose, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint-format.js';
import { encodeV1 } from './checkpoint-v1.test-util.js';

const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().slice().buffer));

function checkpoint(): { c: Checkpoint; opt: AdamW } {
  const p = tensor([1, 2, 3], { requiresGrad: true });
  const opt = new AdamW([p], { lr: 0.1 });
  backward(p.mul(tensor([1, -0.5, 2])).sum());
  opt.step();
  const c: Checkpoint = {
    format: 'nn-fit-checkpoint', version: 2, epoch: 2, step: 40, batch: 3, samples: 96, lastLr: 0.01,
    history: { epoch: [1, 2], loss: [0.5, Infinity], lr: [0.1, 0.1] }, earlyStopping: null, scheduler: null,
    rng: { seed: 1, offset: 2 } as never, loader: { epoch: 1 }, validationLoader: null,
    model: { w: tensor([[1, 2]]), 'bn.num_batches_tracked': tensor(4, { dtype: 'int32' }) },
    optimizer: opt.stateDict(),
    scaler: { scale: 1024, growth_factor: 2, backoff_factor: 0.5, growth_interval: 3, _growth_tracker: 1 },
    best: { w: tensor([[NaN, -0]]) },
    running: { names: ['loss', 'accuracy'], sums: [tensor(3), tensor(2.5)] },
  };
  return { c, opt };
}

function expectSame(got: Checkpoint, want: Checkpoint): void {
  const strip = (c: Checkpoint) => ({ ...c, model: null, optimizer: { ...c.optimizer, state: null }, best: null, running: c.running?.names });
  expect(strip(got)).toEqual(strip(want));
  for (const [k, t] of Object.entries(want.model)) expect(bits(got.model[k]!), k).toEqual(bits(t));
  for (const [k, t] of Object.entries(want.best!)) expect(bits(got.best![k]!), k).toEqual(bits(t));
  want.running!.sums.forEach((t, i) => expect(bits(got.running!.sums[i]!)).toEqual(bits(t)));
  const e = want.optimizer.state['0']!;
  expect(got.optimizer.state['0']!.step).toBe(e.step);
  expect(bits(got.optimizer.state['0']!.expAvgSq as Tensor)).toEqual(bits(e.expAvgSq as Tensor));
}

describe('checkpoint format', () => {
  it('is a file of save: model, optimizer tensors, best weights and running sums as tensors, the rest as data', async () => {
    const { c, opt } = checkpoint();
    const bytes = await encodeCheckpoint(c);
    const raw = load(bytes) as Checkpoint;
    expect(raw.format).toBe('nn-fit-checkpoint');
    expect(raw.version).toBe(2);
    expect((raw.optimizer.state['0']!.expAvg as Tensor).shape).toEqual([3]);
    const back = decodeCheckpoint('test', bytes);
    expectSame(back, c);
    dispose([raw, back, c]);
    opt.dispose();
  });

  it('reads a version 2 checkpoint written before the scaler field (fit without mixed precision) with scaler null', async () => {
    const { c, opt } = checkpoint();
    const { scaler: _, ...older } = c;
    const back = decodeCheckpoint('test', await encodeCheckpoint(older as Checkpoint));
    expect(back.scaler).toBeNull();
    expectSame(back, { ...c, scaler: null });
    dispose([back, c]);
    opt.dispose();
  });

  it('still reads version 1 checkpoints (safetensors with the JSON in its metadata)', () => {
    const { c, opt } = checkpoint();
    const back = decodeCheckpoint('test', encodeV1(c));
    expect(back.version).toBe(2);
    expectSame(back, c);
    dispose([back, c]);
    opt.dispose();
  });

  it('rejects other files and malformed checkpoints, leaving no tensors behind', async () => {
    const { c, opt } = checkpoint();
    const before = memory().numTensors;
    expect(() => decodeCheckpoint('test', new Uint8Array([1, 2, 3]))).toThrow('test: not a checkpoint (readSafetensorsHeader: the file is truncated');
    const good = await encodeCheckpoint(c);
    expect(() => decodeCheckpoint('test', good.subarray(0, 100))).toThrow('test: not a checkpoint (load: the file is truncated: 100 bytes');
    expect(() => decodeCheckpoint('test', save({ a: tensor([1]) }))).toThrow('test: not a fit checkpoint (format undefined)');
    expect(() => decodeCheckpoint('test', save({ ...c, version: 9 }))).toThrow('test: checkpoint version 9 is not supported (this version reads 1 and 2)');
    expect(() => decodeCheckpoint('test', save({ ...c, step: -1 }))).toThrow('test: checkpoint field step must be an integer >= 0, got -1');
    expect(() => decodeCheckpoint('test', save({ ...c, model: { w: 1 } }))).toThrow('test: checkpoint field model must be a state dict of tensors');
    expect(() => decodeCheckpoint('test', save({ ...c, running: { names: ['loss'], sums: [] } }))).toThrow('test: checkpoint field running must be {names, sums} or null');
    expect(() => decodeCheckpoint('test', save({ ...c, scaler: { scale: 'big' } }))).toThrow(
      "test: checkpoint field scaler must be a GradScaler state dict (numbers under PyTorch's keys) or null",
    );
    expect(memory().numTensors).toBe(before + 1); // the tensor([1]) of the third case, owned by the test
    dispose(c);
    opt.dispose();
  });
});
