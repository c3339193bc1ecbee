import type { Collated } from './collate.js';
import { assertDataset, type Dataset } from './dataset.js';
import { checkIndex, checkIndices } from './validate.js';

/**
 * The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`): sample `i` is
 * `dataset.get(indices[i])`. Keeps the parent's batched fast path (`getBatch`) when it has one.
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  /** A private copy of the indices into `dataset`. */
  readonly indices: Int32Array;
  /** Present when the parent dataset has `getBatch`: maps the batch's indices and defers to it. */
  readonly getBatch?: (indices: Int32Array) => Collated<T>;

  constructor(dataset: Dataset<T>, indices: readonly number[] | Int32Array) {
    const n = assertDataset('Subset', 'dataset', dataset);
    this.dataset = dataset;
    this.indices = checkIndices('Subset', 'indices', indices, n);
    if (typeof dataset.getBatch === 'function') {
      const parentBatch = dataset.getBatch.bind(dataset);
      this.getBatch = (batch: Int32Array) => {
        const own = checkIndices('Subset.getBatch', 'indices', batch, this.indices.length);
        return parentBatch(own.map((j) => this.indices[j]!));
      };
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset.get', i, this.indices.length)]!);
  }
}
