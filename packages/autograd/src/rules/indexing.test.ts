/** The IndexSelect rule: gradcheck along every dim of a 3-D tensor, plus a gradient computed by hand. */
import { Generator, indexSelect, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { backward, gradcheck } from '../index.js';

const g = new Generator(11);
const rn = (...shape: number[]): Tensor => randn(shape, { generator: g });
const idx = (values: number[]): Tensor => tensor(values, { dtype: 'int32' });

describe('IndexSelect gradient', () => {
  for (const dim of [0, 1, 2, -1])
    it(`gradchecks along dim ${dim}, with repeated and unselected positions`, () => {
      // Along every dim (size 3 or 4) position 1 is never selected and 2 is selected twice.
      expect(gradcheck((x) => indexSelect(x, dim, idx([2, 0, 2, 3 % (dim === 1 ? 4 : 3)])), [rn(3, 4, 3)])).toBe(true);
    });

  it('sums dy slices into the selected rows (by hand), zero elsewhere; 0-d and empty indices', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const y = indexSelect(x, 0, idx([2, 0, 2]));
    backward(y, tensor([[1, 10], [100, 1000], [2, 20]]));
    expect(x.grad!.arraySync()).toEqual([[100, 1000], [0, 0], [3, 30]]);

    const z = tensor([[1, 2, 3]], { requiresGrad: true });
    backward(indexSelect(z, 1, tensor(2, { dtype: 'int32' })), tensor([[7]]));
    expect(z.grad!.arraySync()).toEqual([[0, 0, 7]]);

    const w = tensor([[1, 2]], { requiresGrad: true });
    backward(indexSelect(w, 0, idx([])).sum());
    expect(w.grad!.arraySync()).toEqual([[0, 0]]);
  });
});
