import { arange, dispose, memory, tensor, tidy, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';
import { TensorDataset } from './tensor-dataset.js';

describe('TensorDataset', () => {
  it('gives sample i as the rows i of every tensor, without the first dim', () => {
    const x = tidy(() => arange(0, 12).reshape(4, 3).cast('float32'));
    const y = tensor(new Int32Array([7, 8, 9, 6]));
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi!.shape).toEqual([3]);
    expect(xi!.dtype).toBe('float32');
    expect(xi!.arraySync()).toEqual([6, 7, 8]);
    expect(yi!.shape).toEqual([]);
    expect(yi!.item()).toBe(9);
    dispose([xi, yi, x, y]);
  });

  it('getBatch gathers rows in the given order, equal to collating get(i), and frees its index tensor', () => {
    const x = tidy(() => arange(0, 24).reshape(4, 3, 2));
    const y = tensor([0.5, 1.5, 2.5, 3.5]);
    const ds = new TensorDataset(x, y);
    const before = memory().numTensors;
    const [bx, by] = ds.getBatch([3, 0, 3]);
    expect(memory().numTensors - before).toBe(2);
    expect(bx!.shape).toEqual([3, 3, 2]);
    expect(bx!.dtype).toBe('int32');
    expect(by!.arraySync()).toEqual([3.5, 0.5, 3.5]);
    const collated = tidy(() => defaultCollate([3, 0, 3].map((i) => ds.get(i))));
    expect(bx!.arraySync()).toEqual(collated[0]!.arraySync());
    expect(by!.arraySync()).toEqual(collated[1]!.arraySync());
    const [ex] = ds.getBatch(new Int32Array(0));
    expect(ex!.shape).toEqual([0, 3, 2]);
    dispose([bx, by, ex, collated, x, y]);
  });

  it('validates tensors and indices', () => {
    const a = zeros([3, 2]);
    const b = zeros([4]);
    expect(() => new TensorDataset()).toThrow('TensorDataset: needs at least one tensor');
    expect(() => new TensorDataset(a, b)).toThrow('TensorDataset: tensors must have the same size in dim 0, got shapes [3,2], [4]');
    expect(() => new TensorDataset(a, [1, 2, 3] as never)).toThrow('TensorDataset: tensors[1] must be a Tensor, got an array');
    const s = tensor(1);
    expect(() => new TensorDataset(s)).toThrow('TensorDataset: tensors[0] is 0-d; every tensor needs a first (sample) dim');
    const ds = new TensorDataset(a);
    expect(() => ds.get(3)).toThrow('TensorDataset.get: index 3 is out of range for a dataset of length 3');
    expect(() => ds.get(0.5)).toThrow('TensorDataset.get: index must be an integer, got number 0.5');
    expect(() => ds.getBatch([0, -1])).toThrow('TensorDataset.getBatch: indices[1] = -1 is out of range for a dataset of length 3');
    b.dispose();
    expect(() => new TensorDataset(b)).toThrow('TensorDataset: tensors[0] (shape [4]) has been disposed');
    dispose([a, s]);
  });
});
