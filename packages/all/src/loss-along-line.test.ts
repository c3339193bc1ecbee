import { BatchNorm1d, Linear, mseLoss, Sequential, type StateDict } from '@nn/layers';
import { DataLoader, TensorDataset } from '@nn/data';
import { dispose, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { lossAlongLine } from './index.js';

const values = (sd: StateDict) => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, Array.from(t.dataSync())]));

describe('lossAlongLine', () => {
  // y = x·w with no bias and mean squared error: along w(α) = (1 − α)·w0 + α·w1 the loss is the quadratic
  // mean_i (x_i·w(α) − y_i)², computed here in float64.
  const xs = [[1, 2], [-1, 0.5], [3, -2], [0.5, 0.5]];
  const ys = [1, -2, 0.5, 3];
  const [w0, w1] = [[0.5, -1], [-0.25, 1.5]];
  const exact = (a: number) =>
    xs.reduce((s, x, i) => s + (x[0]! * ((1 - a) * w0[0]! + a * w1[0]!) + x[1]! * ((1 - a) * w0[1]! + a * w1[1]!) - ys[i]!) ** 2, 0) / xs.length;

  it('gives the analytic loss of a quadratic at evenly spaced α, restoring the weights, mode and memory', async () => {
    const model = new Linear(2, 1, { bias: false });
    const ds = new TensorDataset(tensor(xs), tensor(ys.map((y) => [y])));
    const loader = new DataLoader(ds, { batchSize: 3 });
    const from = { weight: tensor([w0]) };
    const to = { weight: tensor([w1]) };
    const weight = model.weight;
    const before = Array.from(weight.dataSync());
    const live = memory().numTensors;
    const r = await lossAlongLine(model, from, to, mseLoss, loader, { points: 5 });
    expect(r.alpha).toEqual([0, 0.25, 0.5, 0.75, 1]);
    r.loss.forEach((l, i) => expect(l).toBeCloseTo(exact(r.alpha[i]!), 5));
    expect(r.loss[0]).not.toBeCloseTo(r.loss[4]!, 1);
    expect(model.weight).toBe(weight);
    expect(Array.from(weight.dataSync())).toEqual(before);
    expect(model.training).toBe(true);
    expect(memory().numTensors).toBe(live);
    expect((await lossAlongLine(model, from, to, mseLoss, loader)).alpha).toHaveLength(25);
  });

  it('interpolates BatchNorm running statistics and keeps num_batches_tracked at the nearer end', async () => {
    const model = new Sequential(new BatchNorm1d(1, { affine: false }));
    const x = tensor([[2]]);
    // In eval mode the output is (x − mean)/√(var + eps); with target 0 the loss is its square.
    const ds = new TensorDataset(x, tensor([[0]]));
    const sd = (mean: number, v: number, n: number): StateDict => ({
      '0.running_mean': tensor([mean]), '0.running_var': tensor([v]), '0.num_batches_tracked': tensor(n, { dtype: 'int32' }),
    });
    const r = await lossAlongLine(model, sd(0, 1, 3), sd(2, 3, 9), mseLoss, new DataLoader(ds), { points: 3 });
    // α = 0.5: mean 1, var 2.
    expect(r.loss[1]).toBeCloseTo(1 / (2 + 1e-5), 5);
    expect(r.loss[0]).toBeCloseTo(4 / (1 + 1e-5), 5);
    expect(r.loss[2]).toBeCloseTo(0, 6);
    expect(values(model.stateDict())).toEqual({ '0.running_mean': [0], '0.running_var': [1], '0.num_batches_tracked': [0] });
  });

  it('rejects state dicts that do not match the model, naming the key and shapes, and changes nothing', async () => {
    const model = new Linear(2, 1);
    const before = values(model.stateDict());
    const loader = new DataLoader(new TensorDataset(tensor([[1, 2]]), tensor([[1]])));
    const good = (): StateDict => ({ weight: tensor([[1, 2]]), bias: tensor([0]) });
    const calls: [StateDict, StateDict, RegExp | string][] = [
      [{ weight: tensor([[1, 2]]) }, good(), "lossAlongLine: fromStateDict does not match the model's keys: missing 'bias'"],
      [good(), { ...good(), extra: tensor([1]) }, "lossAlongLine: toStateDict does not match the model's keys: unexpected 'extra'"],
      [good(), { weight: tensor([[1, 2, 3]]), bias: tensor([0]) }, "lossAlongLine: toStateDict['weight'] has shape [1,3] but the model's is [1,2]"],
    ];
    for (const [from, to, message] of calls) await expect(lossAlongLine(model, from, to, mseLoss, loader)).rejects.toThrow(message);
    await expect(lossAlongLine(model, good(), good(), mseLoss, loader, { points: 1 })).rejects.toThrow('lossAlongLine: points must be at least 2');
    await expect(lossAlongLine(model, good(), good(), 'mse' as never, loader)).rejects.toThrow('lossAlongLine: lossFn must be a function');
    expect(values(model.stateDict())).toEqual(before);
    dispose(calls.flatMap(([a, b]) => [a, b]) as unknown as Tensor[]);
  });
});
