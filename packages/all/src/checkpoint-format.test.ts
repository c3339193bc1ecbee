import { AdamW } from '@nn/optim';
import { dispose, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, decodeJson, encodeCheckpoint, encodeJson, joinOptimizerState, splitOptimizerState, type CheckpointMeta } from './checkpoint-format.js';
import { backward } from '@nn/autograd';

describe('checkpoint format', () => {
  it('keeps non-finite numbers through JSON', () => {
    const v = { a: [1, NaN, Infinity, -Infinity], b: { c: -2.5 }, s: 'NaN' };
    const back = decodeJson(encodeJson(v)) as typeof v;
    expect(back.a).toEqual([1, NaN, Infinity, -Infinity]);
    expect(back.b.c).toBe(-2.5);
    expect(back.s).toBe('NaN');
  });

  it('moves optimizer state tensors out of the JSON and back, bit for bit (NaN and -0 included)', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const opt = new AdamW([p], { lr: 0.1 });
    backward(p.mul(tensor([1, -0.5, 2])).sum());
    opt.step();
    const sd = opt.stateDict();
    sd.state[0]!.expAvg = { shape: [3], dtype: 'float32', data: ['NaN', '-0', 0.25] };
    const { json, tensors } = splitOptimizerState(sd);
    expect(json.state[0]).toEqual({ step: 1, expAvg: 'optimizer.0.expAvg', expAvgSq: 'optimizer.0.expAvgSq' });
    expect(Object.keys(tensors)).toEqual(['optimizer.0.expAvg', 'optimizer.0.expAvgSq']);
    expect(joinOptimizerState('test', json, tensors)).toEqual(sd);
    expect(() => joinOptimizerState('test', json, {})).toThrow("test: the optimizer state refers to tensor 'optimizer.0.expAvg', which the file lacks");
    dispose(tensors);
  });

  it('writes one safetensors file whose metadata holds the JSON state, and reads it back', async () => {
    const meta = {
      format: 'nn-fit-checkpoint', version: 1, epoch: 2, step: 40, batch: 3, samples: 96, lastLr: 0.01, running: ['loss'],
      history: { epoch: [1, 2], loss: [0.5, Infinity], lr: [0.1, 0.1] }, earlyStopping: null,
      optimizer: { state: {}, paramGroups: [] }, scheduler: null, rng: { seed: 1, offset: 2 }, loader: null, validationLoader: null,
    } as CheckpointMeta;
    const bytes = await encodeCheckpoint(meta, { 'model.w': tensor([[1, 2]]), 'running.loss': tensor(3) });
    const { meta: back, tensors } = decodeCheckpoint('test', bytes);
    expect(back).toEqual(meta);
    expect(tensors['model.w']!.arraySync()).toEqual([[1, 2]]);
    expect(tensors['running.loss']!.item()).toBe(3);
    expect(() => decodeCheckpoint('test', new Uint8Array([1, 2, 3]))).toThrow('test: not a checkpoint (');
    const other = await encodeCheckpoint({ ...meta, version: 9 as 1 }, {});
    expect(() => decodeCheckpoint('test', other)).toThrow('test: checkpoint version 9 is not supported (this version reads 1)');
  });
});
