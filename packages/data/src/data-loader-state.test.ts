import { Generator, arange, defaultGenerator, dispose, manualSeed, rand, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoader, type DataLoaderOptions } from './data-loader.js';
import type { DataLoaderState } from './data-loader-state.js';
import { TensorDataset } from './tensor-dataset.js';

const N = 23;
const ids = arange(0, N);
const ds = new TensorDataset(ids);
afterAll(() => ids.dispose());

/** Takes `count` batches from `it` (continuing across epochs through `loader`), as arrays of sample ids. */
function take(loader: DataLoader<Tensor[]>, count: number, out: number[][] = []): number[][] {
  let it = loader[Symbol.iterator]();
  while (out.length < count) {
    const r = it.next();
    if (r.done) {
      out.push([-1]); // epoch boundary marker
      it = loader[Symbol.iterator]();
      continue;
    }
    out.push(Array.from(r.value[0]!.dataSync()));
    dispose(r.value);
  }
  it.return!();
  return out;
}

/** Runs `before` batches, snapshots (through JSON), resumes in a fresh loader and runs the rest; returns both runs. */
function interrupted(opts: () => DataLoaderOptions<Tensor[], Tensor[]>, before: number, total: number): [number[][], number[][]] {
  const reference = take(new DataLoader(ds, opts()), total);
  const first = new DataLoader(ds, opts());
  const out: number[][] = [];
  const it = first[Symbol.iterator]();
  for (let k = 0; k < before; k++) {
    const r = it.next();
    if (r.done) throw new Error('test wants the snapshot inside the first epoch');
    out.push(Array.from(r.value[0]!.dataSync()));
    dispose(r.value);
  }
  const state = JSON.parse(JSON.stringify(first.stateDict())) as DataLoaderState;
  const resumed = new DataLoader(ds, opts());
  resumed.loadStateDict(state);
  expect([resumed.epoch, resumed.samplesSeen]).toEqual([first.epoch, first.samplesSeen]);
  return [reference, take(resumed, total, out)];
}

describe('DataLoader.stateDict / loadStateDict', () => {
  it('resumes mid-epoch with exactly the batches an uninterrupted run yields (explicit generator)', () => {
    const [reference, resumed] = interrupted(() => ({ batchSize: 4, shuffle: true, generator: new Generator(9) }), 3, 20);
    expect(resumed).toEqual(reference);
    // The run spans three epochs, each a different permutation.
    expect(reference.filter((b) => b[0] === -1)).toHaveLength(2);
  });

  it('resumes with the default generator, even after other draws moved it', () => {
    const opts = () => {
      manualSeed(123);
      return { batchSize: 5, shuffle: true };
    };
    const reference = take(new DataLoader(ds, opts()), 14);
    const first = new DataLoader(ds, opts());
    const it = first[Symbol.iterator]();
    const r = it.next();
    if (r.done) throw new Error('expected a batch');
    const out = [Array.from(r.value[0]!.dataSync())];
    dispose(r.value);
    const state = JSON.parse(JSON.stringify(first.stateDict())) as DataLoaderState;
    manualSeed(999); // a fresh process: another seed, other random draws
    rand([7]).dispose();
    const resumed = new DataLoader(ds, { batchSize: 5, shuffle: true });
    resumed.loadStateDict(state);
    expect(defaultGenerator.getState()).toEqual(state.generator);
    expect(take(resumed, 14, out)).toEqual(reference);
  });

  it('resumes a growing batch-size schedule and an unshuffled loader', () => {
    const grow = () => ({ batchSize: (e: number) => 3 + 2 * e, shuffle: true, generator: new Generator(4) });
    const [a, b] = interrupted(grow, 5, 16);
    expect(b).toEqual(a);
    expect(a.slice(0, 9).map((x) => x.length)).toEqual([3, 3, 3, 3, 3, 3, 3, 2, 1]);
    expect(a[9]).toHaveLength(5);
    const [c, d] = interrupted(() => ({ batchSize: 6, dropLast: true }), 2, 9);
    expect(d).toEqual(c);
    expect(c.slice(0, 4)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17], [-1]]);
  });

  it('restores the configured batch size and a state taken between epochs', () => {
    const loader = new DataLoader(ds, { batchSize: 10, shuffle: true, generator: new Generator(2) });
    take(loader, 3); // one whole epoch
    loader.batchSize = 7;
    const state = loader.stateDict();
    expect(state).toMatchObject({ epoch: 1, samplesSeen: 23, shuffle: true, batchSize: 7, current: null });
    const next = take(loader, 4);
    const resumed = new DataLoader(ds, { batchSize: 10, shuffle: true, generator: new Generator(77) });
    resumed.loadStateDict(state);
    expect(resumed.batchSize).toBe(7);
    expect(take(resumed, 4)).toEqual(next);
  });

  it('a snapshot after the last batch resumes into an empty remainder, then the next epoch', () => {
    const loader = new DataLoader(ds, { batchSize: 23, shuffle: true, generator: new Generator(6) });
    const it = loader[Symbol.iterator]();
    dispose(it.next().value);
    const state = loader.stateDict();
    expect(state.current).toMatchObject({ datasetLength: 23, position: 23, batchSize: 23 });
    const expected = take(loader, 2, []);
    const resumed = new DataLoader(ds, { batchSize: 23, shuffle: true, generator: new Generator(6) });
    resumed.loadStateDict(state);
    expect([...resumed]).toEqual([]);
    expect(resumed.epoch).toBe(1);
    expect(take(resumed, 1)).toEqual(expected.slice(0, 1));
  });

  it('makes a running iterator stale', () => {
    const loader = new DataLoader(ds, { batchSize: 4 });
    const it = loader[Symbol.iterator]();
    dispose(it.next().value);
    loader.loadStateDict(loader.stateDict());
    expect(() => it.next()).toThrow('DataLoader: this iterator is stale');
    expect(take(loader, 1)).toEqual([[4, 5, 6, 7]]);
  });

  it('rejects states that do not fit this loader', () => {
    const shuffled = new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(1) });
    const plain = new DataLoader(ds, { batchSize: 4 });
    dispose(shuffled[Symbol.iterator]().next().value);
    const s = shuffled.stateDict();
    expect(() => plain.loadStateDict(s)).toThrow(
      'DataLoader.loadStateDict: the state was saved by a loader with shuffle true, this one has shuffle false',
    );
    const other = new DataLoader(new TensorDataset(ids.narrow(0, 0, 20)), { shuffle: true });
    expect(() => other.loadStateDict(s)).toThrow(
      "DataLoader.loadStateDict: the state's epoch ran over 23 samples, but the dataset has length 20",
    );
    expect(() => shuffled.loadStateDict({ ...s, epoch: -1 })).toThrow('DataLoader.loadStateDict: epoch must be an integer >= 0, got number -1');
    expect(() => shuffled.loadStateDict({ ...s, generator: null })).toThrow(
      'DataLoader.loadStateDict: generator must be a generator state {seed, offset}, got null',
    );
    expect(() => shuffled.loadStateDict({ ...s, current: { ...s.current!, position: 30 } })).toThrow(
      'DataLoader.loadStateDict: current.position 30 exceeds current.datasetLength 23',
    );
    expect(() => shuffled.loadStateDict('x' as never)).toThrow('DataLoader.loadStateDict: state must be an object from stateDict(), got string "x"');
    dispose((other.dataset as TensorDataset).tensors);
  });
});
