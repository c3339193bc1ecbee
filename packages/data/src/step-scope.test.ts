import { add, keep, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { TensorDataset } from './tensor-dataset.js';

const data = () => new TensorDataset(tensor([[1], [2], [3], [4], [5], [6]]), tensor(Int32Array.from([0, 1, 0, 1, 0, 1])));

describe('DataLoader step scopes', () => {
  it('free what a loop step makes, batch included, one batch later; the count stays flat across epochs', () => {
    const loader = new DataLoader(data(), { batchSize: 2 });
    const counts: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      for (const [x] of loader) add(x!, 1).mul(2); // work made in the step, never disposed
      counts.push(memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
  });

  it('give a carried value one step of grace, then say why it was freed', () => {
    const loader = new DataLoader(data(), { batchSize: 2 });
    let previous: Tensor | null = null;
    let older: Tensor | null = null;
    for (const [x] of loader) {
      if (previous) add(previous, x!); // the previous step's output still works here
      older = previous;
      previous = add(x!, 1);
    }
    expect(() => older!.dataSync()).toThrow(/has been disposed \(freed by the DataLoader two batches after it was made: keep\(t\) to hold a tensor longer/);
    expect(previous!.dataSync().length).toBe(2); // the last step's tensors outlive the loop
  });

  it('leave kept tensors alone, and batches collected without work to the caller', () => {
    const loader = new DataLoader(data(), { batchSize: 2 });
    const kept: Tensor[] = [];
    for (const [x] of loader) kept.push(keep(add(x!, 0)));
    expect(kept.map((t) => Array.from(t.dataSync()))).toEqual([[1, 2], [3, 4], [5, 6]]);
    const batches = [...loader];
    expect(batches.map(([x]) => Array.from(x!.dataSync()))).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('with stepScope: false, nothing is freed', () => {
    const loader = new DataLoader(data(), { batchSize: 2, stepScope: false });
    const outs: Tensor[] = [];
    for (const [x] of loader) outs.push(add(x!, 1));
    expect(outs.map((t) => Array.from(t.dataSync()))).toEqual([[2, 3], [4, 5], [6, 7]]);
    expect(loader.stepScope).toBe(false);
    expect(() => new DataLoader(data(), { stepScope: 1 as never })).toThrow(/DataLoader: stepScope must be a boolean/);
  });
});
