import { memory, tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Accumulator, accuracy, autoMetrics, resolveMetrics, valKey } from './metrics.js';

describe('metrics', () => {
  it('accuracy: class indices, one-hot targets and binary logits', () => {
    const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 4], [5, 0, 0]]);
    expect(accuracy(logits, tensor(Int32Array.of(0, 1, 0, 0))).item()).toBe(0.75);
    expect(accuracy(logits, tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]])).item()).toBe(0.75);
    expect(accuracy(tensor([[2], [-1], [0.5]]), tensor([[1], [1], [0]])).item()).toBeCloseTo(1 / 3, 6);
    expect(() => accuracy(logits, tensor(Int32Array.of(0, 1)))).toThrow(
      'accuracy: expected output [N, C] with int32 targets [N] or float32 targets [N, C], or one logit per sample; got output [4,3] and target [2] (int32)',
    );
  });

  it("'auto' gives accuracy only for classification outputs", () => {
    expect(autoMetrics(tensor([[1, 2]]), tensor(Int32Array.of(1))).map((m) => m.name)).toEqual(['accuracy']);
    expect(autoMetrics(tensor([[1]]), tensor([[1]]))).toEqual([]);
  });

  it('resolves and validates metric specs', () => {
    const mae = { name: 'mae', fn: () => tensor(0) };
    expect(resolveMetrics('fit', undefined)).toBe('auto');
    expect((resolveMetrics('fit', ['accuracy', mae]) as { name: string }[]).map((m) => m.name)).toEqual(['accuracy', 'mae']);
    expect(() => resolveMetrics('fit', [{ name: 'loss', fn: () => tensor(0) }])).toThrow("fit: metrics[0].name 'loss' is reserved");
    expect(() => resolveMetrics('fit', [mae, mae])).toThrow("fit: metrics[1].name 'mae' appears twice");
    expect(() => resolveMetrics('fit', [{ name: 'Top5', fn: () => tensor(0) }])).toThrow('fit: metrics[0].name must be a camelCase identifier');
    expect(() => resolveMetrics('fit', 'accuracy')).toThrow("fit: metrics must be 'auto' or an array");
    expect(valKey('accuracy')).toBe('valAccuracy');
  });

  it('accumulates sample-weighted means on the device, in place', async () => {
    const acc = new Accumulator(['loss', 'accuracy']);
    const before = memory().numTensors;
    tidy(() => acc.add([tensor(1), tensor([0.5])], 2));
    tidy(() => acc.add([tensor(4), tensor(1)], 1));
    expect(memory().numTensors).toBe(before);
    expect(await acc.values()).toEqual({ loss: 2, accuracy: 2 / 3 });
    expect(() => tidy(() => acc.add([tensor([1, 2])], 2))).toThrow('fit: loss must be a scalar (one element), got shape [2]');
    acc.dispose();
    expect(memory().numTensors).toBe(before - 2);
  });
});
