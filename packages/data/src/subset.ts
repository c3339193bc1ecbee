import type { Collated } from './collate.js';
import { asDataset, type Dataset, type DatasetLike } from './dataset.js';
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

  /** `dataset` is a Dataset or a plain array of samples. */
  constructor(dataset: DatasetLike<T>, indices: readonly number[] | Int32Array) {
    this.dataset = asDataset('Subset', 'dataset', dataset);
    this.indices = checkIndices('Subset', 'indices', indices, this.dataset.length);
    const parent = this.dataset;
    if (typeof parent.getBatch === 'function') {
      const parentBatch = parent.getBatch.bind(parent);
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
