import { Generator, arange, dispose, manualSeed, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import type { Dataset } from './dataset.js';
import { TensorDataset } from './tensor-dataset.js';

/** x[i] = [10 i, 10 i + 5] (float32), y[i] = i (int32): every batch tells which samples it holds. */
function makeDataset(n: number): TensorDataset {
  const [x, y] = tidy(() => [arange(0, 2 * n).reshape(n, 2).mul(5).cast('float32'), arange(0, n)]);
  return new TensorDataset(x!, y!);
}

/** Runs one epoch and returns the label ids of each batch (disposing the batches). */
function epochIds(loader: DataLoader<Tensor[]>): number[][] {
  const out: number[][] = [];
  for (const [x, y] of loader) {
    out.push(Array.from(y!.dataSync()));
    dispose([x, y]);
  }
  return out;
}

describe('DataLoader', () => {
  it('yields batches in order by default, with the dataset rows, and a short last batch', () => {
    const ds = makeDataset(5);
    const loader = new DataLoader(ds, { batchSize: 2 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([x]) => x!.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(batches.map(([, y]) => y!.dtype)).toEqual(['int32', 'int32', 'int32']);
    expect(batches[1]![0]!.arraySync()).toEqual([[20, 25], [30, 35]]);
    expect(batches[2]![0]!.arraySync()).toEqual([[40, 45]]);
    expect(batches.map(([, y]) => y!.arraySync())).toEqual([[0, 1], [2, 3], [4]]);
    dispose(batches);
    dispose(ds.tensors);
  });

  it('defaults to batch size 1 without shuffling', () => {
    const ds = makeDataset(3);
    const loader = new DataLoader(ds);
    expect(loader.batchSize).toBe(1);
    expect(loader.length).toBe(3);
    expect(epochIds(loader)).toEqual([[0], [1], [2]]);
    dispose(ds.tensors);
  });

  it('dropLast skips the short last batch and length counts it out', () => {
    const ds = makeDataset(7);
    const loader = new DataLoader(ds, { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epochIds(loader)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(loader.samplesSeen).toBe(6);
    expect(new DataLoader(ds, { batchSize: 3 }).length).toBe(3);
    expect(new DataLoader(ds, { batchSize: 8, dropLast: true }).length).toBe(0);
    expect(epochIds(new DataLoader(ds, { batchSize: 8, dropLast: true }))).toEqual([]);
    expect(epochIds(new DataLoader(ds, { batchSize: 7, dropLast: true }))).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    dispose(ds.tensors);
  });

  it('shuffles: every sample exactly once per epoch, a new permutation each epoch, batch rows match the labels', () => {
    const ds = makeDataset(20);
    const loader = new DataLoader(ds, { batchSize: 6, shuffle: true, generator: new Generator(7) });
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const ids: number[] = [];
      for (const [x, y] of loader) {
        const yv = Array.from(y!.dataSync());
        // Row k of x is sample yv[k]: [10 i, 10 i + 5].
        expect(Array.from(x!.dataSync())).toEqual(yv.flatMap((i) => [10 * i, 10 * i + 5]));
        ids.push(...yv);
        dispose([x, y]);
      }
      expect(ids.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      epochs.push(ids);
    }
    expect(epochs[0]).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
    expect(loader.epoch).toBe(3);
    expect(loader.samplesSeen).toBe(60);
    dispose(ds.tensors);
  });

  it('the same seed gives the same permutations; the default generator follows manualSeed', () => {
    const ds = makeDataset(12);
    const run = (make: () => DataLoader<Tensor[]>) => {
      const loader = make();
      return [epochIds(loader), epochIds(loader)];
    };
    const a = run(() => new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(3) }));
    const b = run(() => new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(3) }));
    const c = run(() => new DataLoader(ds, { batchSize: 5, shuffle: true, generator: new Generator(4) }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    manualSeed(11);
    const d = run(() => new DataLoader(ds, { batchSize: 5, shuffle: true }));
    manualSeed(11);
    const e = run(() => new DataLoader(ds, { batchSize: 5, shuffle: true }));
    expect(e).toEqual(d);
    dispose(ds.tensors);
  });

  it('counts epochs and samples; breaking out of a loop finishes that epoch', () => {
    const ds = makeDataset(10);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect([loader.epoch, loader.samplesSeen]).toEqual([0, 0]);
    const seen: number[] = [];
    for (const batch of loader) {
      seen.push(loader.epoch);
      dispose(batch);
    }
    expect(seen).toEqual([0, 0, 0]);
    expect([loader.epoch, loader.samplesSeen]).toEqual([1, 10]);
    for (const batch of loader) {
      dispose(batch);
      break;
    }
    expect([loader.epoch, loader.samplesSeen]).toEqual([2, 14]);
    // The next iteration starts a fresh epoch from the first sample.
    expect(epochIds(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect([loader.epoch, loader.samplesSeen]).toEqual([3, 24]);
    dispose(ds.tensors);
  });

  it('a new iteration makes the previous iterator stale', () => {
    const ds = makeDataset(6);
    const loader = new DataLoader(ds, { batchSize: 2 });
    const first = loader[Symbol.iterator]();
    dispose(first.next().value);
    const second = loader[Symbol.iterator]();
    expect(loader.epoch).toBe(1);
    expect(() => first.next()).toThrow('DataLoader: this iterator is stale');
    expect(Array.from(second.next().value![1]!.dataSync())).toEqual([0, 1]);
    dispose(ds.tensors);
  });

  it('supports for await with the same batches', async () => {
    const ds = makeDataset(5);
    const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, generator: new Generator(1) });
    const sync = epochIds(new DataLoader(ds, { batchSize: 2, shuffle: true, generator: new Generator(1) }));
    const ids: number[][] = [];
    for await (const [x, y] of loader) {
      ids.push(Array.from(y!.dataSync()));
      dispose([x, y]);
    }
    expect(ids).toEqual(sync);
    expect([loader.epoch, loader.samplesSeen]).toEqual([1, 5]);
    dispose(ds.tensors);
  });

  it('collates generic samples with the default collate (numbers, tensors, objects)', () => {
    const ds: Dataset<{ x: number[]; tag: string; w: Tensor }> = {
      length: 3,
      get: (i) => ({ x: [i, i + 0.5], tag: `s${i}`, w: tensor([i * 2], { dtype: 'int32' }) }),
    };
    const loader = new DataLoader(ds, { batchSize: 2 });
    const before = memory().numTensors;
    const batches = [...loader];
    expect(batches).toHaveLength(2);
    const b0 = batches[0]!;
    expect(b0.x.map((t) => t.arraySync())).toEqual([[0, 1], [0.5, 1.5]]);
    expect(b0.tag).toEqual(['s0', 's1']);
    expect(b0.w.shape).toEqual([2, 1]);
    expect(b0.w.arraySync()).toEqual([[0], [2]]);
    // Only the batch tensors survive (the per-sample tensors from get() were freed): 3 + 3.
    expect(memory().numTensors - before).toBe(6);
    dispose(batches);
  });

  it('uses a custom collate on the list of samples', () => {
    const ds = makeDataset(5);
    const calls: number[] = [];
    const loader = new DataLoader(ds, {
      batchSize: 2,
      collate: (samples: Tensor[][]) => {
        calls.push(samples.length);
        return { n: samples.length, ySum: samples.reduce((a, [, y]) => a + (y!.item() as number), 0) };
      },
    });
    const before = memory().numTensors;
    expect([...loader]).toEqual([{ n: 2, ySum: 1 }, { n: 2, ySum: 5 }, { n: 1, ySum: 4 }]);
    expect(calls).toEqual([2, 2, 1]);
    expect(memory().numTensors).toBe(before);
    dispose(ds.tensors);
  });

  it('gathers a TensorDataset batch with one indexSelect per tensor, equal to collating the samples', () => {
    const ds = makeDataset(9);
    const fast = new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(5) });
    const slow = new DataLoader({ length: ds.length, get: (i: number) => ds.get(i) }, { batchSize: 4, shuffle: true, generator: new Generator(5) });
    const a = [...fast].map((b) => b.map((t) => t.arraySync()));
    const b = [...slow].map((bt) => bt.map((t) => t.arraySync()));
    expect(a).toEqual(b);
    dispose(ds.tensors);
  });

  it('grows the batch size by a schedule function of the epoch', () => {
    const ds = makeDataset(8);
    const loader = new DataLoader(ds, { batchSize: (epoch) => 2 ** (epoch + 1) });
    expect([loader.batchSize, loader.length]).toEqual([2, 4]);
    expect(epochIds(loader).map((b) => b.length)).toEqual([2, 2, 2, 2]);
    expect([loader.batchSize, loader.length]).toEqual([4, 2]);
    expect(epochIds(loader).map((b) => b.length)).toEqual([4, 4]);
    expect(epochIds(loader).map((b) => b.length)).toEqual([8]);
    expect(loader.samplesSeen).toBe(24);
    const bad = new DataLoader(ds, { batchSize: (epoch) => epoch });
    expect(() => bad[Symbol.iterator]()).toThrow('DataLoader: batchSize(0) must return a positive integer, got number 0');
    dispose(ds.tensors);
  });

  it('takes a new batch size between epochs and refuses one during an epoch', () => {
    const ds = makeDataset(6);
    const loader = new DataLoader(ds, { batchSize: 2 });
    expect(epochIds(loader)).toEqual([[0, 1], [2, 3], [4, 5]]);
    loader.batchSize = 4;
    expect(loader.length).toBe(2);
    const it = loader[Symbol.iterator]();
    dispose(it.next().value);
    expect(() => (loader.batchSize = 1)).toThrow(
      'DataLoader.batchSize: cannot change during an epoch (epoch 1 is at sample 4 of 6); set it between epochs',
    );
    expect(() => (loader.batchSize = 0)).toThrow('DataLoader.batchSize: batchSize must be a positive integer or a function (epoch) => size, got number 0');
    dispose(it.next().value);
    expect(it.next().done).toBe(true);
    loader.batchSize = 6;
    expect(epochIds(loader)).toEqual([[0, 1, 2, 3, 4, 5]]);
    dispose(ds.tensors);
  });

  it('keeps memory flat across epochs', () => {
    const ds = makeDataset(50);
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new Generator(2) });
    // An epoch inside a tidy frees its batches when it closes; or a loop disposes each batch after its step.
    const inTidy = () => tidy(() => {
      for (const [x, y] of loader) x!.sum().add(y!.sum());
    });
    const disposing = () => {
      for (const batch of loader) {
        tidy(() => {
          batch[0]!.sum().add(batch[1]!.sum());
        });
        dispose(batch);
      }
    };
    inTidy();
    disposing();
    const before = memory().numTensors;
    const bytes = memory().numBytes;
    for (let e = 0; e < 3; e++) {
      inTidy();
      disposing();
    }
    expect(loader.epoch).toBe(8);
    expect(memory().numTensors).toBe(before);
    expect(memory().numBytes).toBe(bytes);
    dispose(ds.tensors);
  });

  it('takes a plain array of samples as the dataset, as PyTorch takes a list', () => {
    const samples = [
      { x: [1, 2], y: 0 },
      { x: [3, 4], y: 1 },
      { x: [5, 6], y: 0 },
    ];
    const batches = [...new DataLoader(samples, { batchSize: 2 })];
    expect(batches.map((b) => [b.x.map((t) => t.arraySync()), b.y.arraySync()])).toEqual([
      [[[1, 3], [2, 4]], [0, 1]],
      [[[5], [6]], [0]],
    ]);
    dispose(batches);
    expect(() => new DataLoader(samples).dataset.get(3)).toThrow('DataLoader: dataset.get: index 3 is out of range for a dataset of length 3');
  });

  it('empty datasets give no batches', () => {
    const loader = new DataLoader({ length: 0, get: () => 0 }, { batchSize: 3 });
    expect(loader.length).toBe(0);
    expect([...loader]).toEqual([]);
    expect(loader.epoch).toBe(1);
  });

  it('validates its arguments', () => {
    const ds = makeDataset(2);
    expect(() => new DataLoader({} as never)).toThrow('DataLoader: dataset must be a Dataset (an object with length and get(i)), got Object');
    expect(() => new DataLoader({ length: -1, get: () => 0 })).toThrow('DataLoader: dataset.length must be a non-negative integer, got number -1');
    expect(() => new DataLoader(ds, { batchSize: 1.5 })).toThrow('DataLoader: batchSize must be a positive integer or a function (epoch) => size, got number 1.5');
    expect(() => new DataLoader(ds, { batch_size: 2 } as never)).toThrow(
      "DataLoader: unknown option 'batch_size' (options: batchSize, shuffle, dropLast, generator, collate, stepScope)",
    );
    expect(() => new DataLoader(ds, { shuffle: 1 } as never)).toThrow('DataLoader: shuffle must be a boolean, got number 1');
    expect(() => new DataLoader(ds, { generator: 3 } as never)).toThrow('DataLoader: generator must be a Generator, got number 3');
    expect(() => new DataLoader(ds, { collate: 'stack' } as never)).toThrow('DataLoader: collate must be a function, got string "stack"');
    const asyncDs = { length: 2, get: async (i: number) => i };
    expect(() => [...new DataLoader(asyncDs as never)]).toThrow('DataLoader: dataset.get(0) returned a Promise; the DataLoader needs synchronous samples');
    dispose(ds.tensors);
  });
});
