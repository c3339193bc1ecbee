/**
 * A PyTorch Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)), trained 3 SGD steps and saved as
 * safetensors by scripts/golden.py, loads into the same model built here and computes what PyTorch computed.
 */
import { dispose, tidy } from '@nn/tensor';
import { decodeNumber } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, loadSafetensors, ReLU, readSafetensorsHeader, saveSafetensors, Sequential } from './index.js';
import { expectSameAsPytorch, readGolden, readGoldenBytes, type Encoded, type TrainedModelGolden } from './testing/golden.js';

interface MlpGolden extends TrainedModelGolden {
  stateDict: Record<string, Encoded>;
}
const golden = readGolden<MlpGolden>('mlp.json');
const bytes = readGoldenBytes('mlp.safetensors');
const model = () => new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3));

describe('a PyTorch state dict in safetensors', () => {
  it('loads with PyTorch names, shapes and values; num_batches_tracked (I64) becomes int32', () => {
    const header = readSafetensorsHeader(bytes);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors['1.num_batches_tracked']!.dtype).toBe('I64');
    const sd = loadSafetensors(bytes);
    expect(Object.keys(sd).sort()).toEqual([...golden.keys].sort());
    for (const [k, e] of Object.entries(golden.stateDict)) {
      expect(sd[k]!.shape, k).toEqual(e.shape);
      expect(Array.from(sd[k]!.dataSync()), k).toEqual(e.data.map(decodeNumber).map(Math.fround));
    }
    expect(sd['1.num_batches_tracked']!.dtype).toBe('int32');
    expect(sd['1.num_batches_tracked']!.item()).toBe(3);
  });

  it('has the keys our equivalent Sequential has, in the same order', () => {
    expect(Object.keys(model().stateDict())).toEqual(golden.keys);
  });

  it('loads strictly into our Sequential, which then computes what PyTorch computed (eval, then a training step)', () => {
    expectSameAsPytorch(model(), bytes, golden);
  });

  it('round-trips our state dict through safetensors exactly', () => {
    const m = model();
    m.loadStateDict(loadSafetensors(bytes));
    const saved = tidy(() => saveSafetensors(m.stateDict()));
    const copy = model();
    copy.loadStateDict(loadSafetensors(saved));
    const a = m.stateDict();
    const b = copy.stateDict();
    for (const k of Object.keys(a)) {
      expect(b[k]!.dtype, k).toBe(a[k]!.dtype);
      expect(Array.from(b[k]!.dataSync()), k).toEqual(Array.from(a[k]!.dataSync()));
    }
    dispose([a, b]);
    // Saving again gives the same bytes.
    expect(Array.from(tidy(() => saveSafetensors(copy.stateDict())))).toEqual(Array.from(saved));
  });
});
