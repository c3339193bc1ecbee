import type { Collated } from './collate.js';
import { checkIndex, describe } from './validate.js';

/**
 * A map-style dataset (PyTorch's `Dataset` with `__len__` and `__getitem__`): `length` samples, sample `i`
 * from `get(i)`. Any object of this shape works with `DataLoader`, `Subset` and `randomSplit`.
 */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
  /**
   * Optional fast path: the samples at `indices` already collated, equal to
   * `defaultCollate(Array.from(indices, (i) => this.get(i)))`. The DataLoader calls it instead of `get` when no
   * custom `collate` is given (`TensorDataset` gathers a whole batch with one `indexSelect` per tensor).
   */
  getBatch?(indices: Int32Array): Collated<T>;
}

/** The sample type of a dataset. */
export type SampleOf<D> = D extends Dataset<infer T> ? T : never;

/** What takes a dataset also takes a plain array of samples, as PyTorch takes a list. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

/** `ds` itself, or a live read-only view of an array of samples as a Dataset; throws unless it is one of those. */
export function asDataset<T>(op: string, arg: string, ds: DatasetLike<T>): Dataset<T> {
  if (!Array.isArray(ds)) {
    assertDataset(op, arg, ds);
    return ds as Dataset<T>;
  }
  const samples = ds as readonly T[];
  return {
    get length() {
      return samples.length;
    },
    get: (i: number) => samples[checkIndex(`${op}: ${arg}.get`, i, samples.length)]!,
  };
}

/** Throws unless `ds` has a non-negative integer `length` and a `get` method; returns its length. */
export function assertDataset(op: string, arg: string, ds: unknown): number {
  if (ds === null || typeof ds !== 'object' || typeof (ds as Dataset<unknown>).get !== 'function')
    throw new Error(`${op}: ${arg} must be a Dataset (an object with length and get(i)), got ${describe(ds)}`);
  const n = (ds as Dataset<unknown>).length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new Error(`${op}: ${arg}.length must be a non-negative integer, got ${describe(n)}`);
  return n;
}
