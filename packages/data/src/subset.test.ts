import { arange, dispose } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { Subset } from './subset.js';
import { TensorDataset } from './tensor-dataset.js';

const letters: Dataset<string> = { length: 5, get: (i) => 'abcde'[i]! };

describe('Subset', () => {
  it('maps its indices to the parent dataset, in order, and copies them', () => {
    const idx = [4, 0, 2];
    const s = new Subset(letters, idx);
    idx[0] = 1;
    expect(s.length).toBe(3);
    expect([0, 1, 2].map((i) => s.get(i))).toEqual(['e', 'a', 'c']);
    expect(s.getBatch).toBeUndefined();
    expect(() => s.get(3)).toThrow('Subset.get: index 3 is out of range for a dataset of length 3');
  });

  it("keeps the parent's batched path, mapping batch indices through its own", () => {
    const t = arange(10, 20);
    const s = new Subset(new TensorDataset(t), new Int32Array([9, 3, 5]));
    const [b] = s.getBatch!(new Int32Array([2, 0]));
    expect(b!.arraySync()).toEqual([15, 19]);
    expect(() => s.getBatch!(new Int32Array([3]))).toThrow('Subset.getBatch: indices[0] = 3 is out of range for a dataset of length 3');
    dispose([b, t]);
  });

  it('takes a plain array as the dataset', () => {
    const s = new Subset([10, 20, 30], [2, 1]);
    expect([s.get(0), s.get(1), s.length]).toEqual([30, 20, 2]);
  });

  it('validates its arguments', () => {
    expect(() => new Subset(letters, [5])).toThrow('Subset: indices[0] = 5 is out of range for a dataset of length 5');
    expect(() => new Subset(letters, [1, 'a'] as never)).toThrow('Subset: indices[1] must be an integer, got string "a"');
    expect(() => new Subset(letters, 3 as never)).toThrow('Subset: indices must be an array or typed array of integers, got number 3');
    expect(() => new Subset(null as never, [])).toThrow('Subset: dataset must be a Dataset (an object with length and get(i)), got null');
  });
});
