import type { GeneratorState } from '@nn/tensor';
import { describe, isPlainObject } from './validate.js';

/** What `DataLoader.stateDict()` returns: plain numbers and nulls, so `JSON.stringify` round-trips it. */
export interface DataLoaderState {
  /** Epochs finished. */
  epoch: number;
  /** Samples yielded over all epochs. */
  samplesSeen: number;
  shuffle: boolean;
  /** The configured batch size, or null when it is a schedule function (which is code, not state). */
  batchSize: number | null;
  /** The epoch in progress, or null between epochs. */
  current: {
    /** Samples in the epoch (the dataset's length when it started). */
    datasetLength: number;
    /** Samples already yielded in this epoch. */
    position: number;
    batchSize: number;
    /** The shuffle generator's state just before it drew this epoch's permutation; null without shuffle. */
    orderState: GeneratorState | null;
  } | null;
  /** The shuffle generator's state when the snapshot was taken; null without shuffle. */
  generator: GeneratorState | null;
}

/** Validates a state for a loader with the given `shuffle` setting; throws naming the bad field. */
export function checkDataLoaderState(op: string, state: unknown, shuffle: boolean): DataLoaderState {
  if (!isPlainObject(state)) throw new Error(`${op}: state must be an object from stateDict(), got ${describe(state)}`);
  const count = (key: string, v: unknown, min = 0): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      throw new Error(`${op}: ${key} must be an integer >= ${min}, got ${describe(v)}`);
    return v;
  };
  const genState = (key: string, v: unknown): GeneratorState => {
    if (!isPlainObject(v)) throw new Error(`${op}: ${key} must be a generator state {seed, offset}, got ${describe(v)}`);
    return { seed: count(`${key}.seed`, v.seed), offset: count(`${key}.offset`, v.offset) };
  };
  count('epoch', state.epoch);
  count('samplesSeen', state.samplesSeen);
  if (state.shuffle !== shuffle)
    throw new Error(`${op}: the state was saved by a loader with shuffle ${String(state.shuffle)}, this one has shuffle ${shuffle}`);
  if (state.batchSize !== null) count('batchSize', state.batchSize, 1);
  const generator = shuffle ? genState('generator', state.generator) : null;
  let current: DataLoaderState['current'] = null;
  if (state.current !== null) {
    const c = state.current;
    if (!isPlainObject(c)) throw new Error(`${op}: current must be an object or null, got ${describe(c)}`);
    const datasetLength = count('current.datasetLength', c.datasetLength);
    const position = count('current.position', c.position);
    if (position > datasetLength) throw new Error(`${op}: current.position ${position} exceeds current.datasetLength ${datasetLength}`);
    current = {
      datasetLength,
      position,
      batchSize: count('current.batchSize', c.batchSize, 1),
      orderState: shuffle ? genState('current.orderState', c.orderState) : null,
    };
  }
  return {
    epoch: state.epoch as number,
    samplesSeen: state.samplesSeen as number,
    shuffle,
    batchSize: state.batchSize as number | null,
    current,
    generator,
  };
}
