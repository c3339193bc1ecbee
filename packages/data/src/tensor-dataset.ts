import { Tensor, fmtShape, indexSelect, narrow, reshape, tensor, tidy } from '@nn/tensor';
import type { Dataset } from './dataset.js';
import { checkIndex, checkIndices, describe } from './validate.js';

/**
 * A dataset over tensors that share their first dim (PyTorch's `TensorDataset`): sample `i` is
 * `[t0[i], t1[i], ...]`, e.g. `new TensorDataset(images, labels)` with images `[N, 784]` float32 and labels `[N]`
 * int32. The tensors are referenced, not copied: keep them alive while the dataset is used.
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: tensors[${k}] must be a Tensor, got ${describe(t)}`);
      if (t.isDisposed) throw new Error(`TensorDataset: tensors[${k}] (shape ${fmtShape(t.shape)}) has been disposed`);
      if (t.rank === 0) throw new Error(`TensorDataset: tensors[${k}] is 0-d; every tensor needs a first (sample) dim`);
    });
    const n = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== n))
      throw new Error(
        `TensorDataset: tensors must have the same size in dim 0, got shapes ${tensors.map((t) => fmtShape(t.shape)).join(', ')}`,
      );
    this.tensors = Object.freeze(tensors.slice());
    this.length = n;
  }

  /** Sample `i`: one new tensor per dataset tensor, each its row `i` (shape without the first dim). */
  get(i: number): Tensor[] {
    checkIndex('TensorDataset.get', i, this.length);
    return tidy(() => this.tensors.map((t) => reshape(narrow(t, 0, i, 1), t.shape.slice(1))));
  }

  /**
   * The samples at `indices`, already batched: one new tensor per dataset tensor, each gathered with a single
   * `indexSelect` along dim 0 (shape `[indices.length, ...]`). Equals `defaultCollate` of the `get(i)` samples.
   */
  getBatch(indices: Int32Array | readonly number[]): Tensor[] {
    const idx = checkIndices('TensorDataset.getBatch', 'indices', indices, this.length);
    return tidy(() => {
      const onDevice = new Map<string, Tensor>();
      return this.tensors.map((t) => {
        let it = onDevice.get(t.device);
        if (!it) onDevice.set(t.device, (it = tensor(idx, { dtype: 'int32', device: t.device })));
        return indexSelect(t, 0, it);
      });
    });
  }
}
