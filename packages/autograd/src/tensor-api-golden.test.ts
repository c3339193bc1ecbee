/**
 * Replays golden/tensor-api.json (made by scripts/golden_tensor_api.py with PyTorch 1.13): indexing with every
 * kind of index, indexPut, sort/argsort/topk with ties and NaN, and in-place ops on non-leaves — the same output
 * and the same gradients of sum(output · weights) (NaN outputs count as 0 in the loss).
 */
import * as nn from '@nn/tensor';
import { indexPut, tensor, type Tensor } from '@nn/tensor';
import { decodeNumber, expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import golden from './golden/tensor-api.json' with { type: 'json' };
import { backward } from './index.js';

type Fn = (...xs: Tensor[]) => Tensor;
const I = (t: Tensor | undefined) => t!;

/** Each case in our API; the Python side defines the same under the same name. */
const FNS: Record<string, Fn> = {
  index_number_slice: (x) => x.index(1, null, [0, 3, 2]),
  index_negative_clamped: (x) => x.index(-1, [-3], [2, 100]),
  index_empty_slice: (x) => x.index(null, [3, 1]),
  index_steps: (x) => x.index([null, null, 2], [1, null, 3], [-4, null, 2]),
  index_ellipsis_last: (x) => x.index('...', 1),
  index_ellipsis_middle: (x) => x.index(0, '...', [1]),
  index_int_dup: (x, i) => x.index(I(i)),
  index_int_dim1: (x, i) => x.index(null, I(i)),
  index_broadcast_pair: (x, i, j) => x.index(I(i), I(j)),
  index_adjacent_middle: (x, i, j) => x.index(null, I(i), I(j)),
  index_separated_front: (x, i, j) => x.index(I(i), null, I(j)),
  index_number_not_separating: (x, i) => x.index([1], I(i), 2, [null, null, 2]),
  index_all_kinds: (x, i, m) => x.index([-2], I(i), I(m), 1),
  index_mask_2d: (x, m) => x.index(I(m)),
  index_mask_dim1: (x, m) => x.index(null, I(m)),
  index_mask_and_int: (x, m, j) => x.index(null, I(m), I(j)),
  index_put: (x, i, v) => indexPut(x, [I(i)], I(v)),
  index_put_broadcast_value: (x, i, j, v) => x.indexPut([I(i), I(j)], I(v)),
  index_put_accumulate_dup: (x, i, v) => indexPut(x, [I(i)], I(v), { accumulate: true }),
  index_put_mask: (x, m, v) => indexPut(x, [I(m)], I(v)),
  sort_values: (x) => nn.sort(x, 1).values,
  sort_indices: (x) => x.sort(1).indices,
  sort_desc_values: (x) => x.sort(-1, { descending: true }).values,
  sort_desc_indices: (x) => nn.sort(x, -1, { descending: true }).indices,
  sort_dim0_values: (x) => x.sort(0).values,
  sort_dim0_indices: (x) => x.sort(0).indices,
  argsort_desc: (x) => nn.argsort(x, 1, { descending: true }),
  sort_int: (x) => x.sort().values,
  topk_values: (x) => nn.topk(x, 3, 1).values,
  topk_indices: (x) => x.topk(3, 1).indices,
  topk_smallest_values: (x) => x.topk(2, -1, { largest: false }).values,
  topk_smallest_indices: (x) => nn.topk(x, 2, -1, { largest: false }).indices,
  topk_dim0: (x) => x.topk(2, 0).values,
  inplace_chain: (a, b) => {
    const x = a.mul(2);
    const z = x.exp();
    x.add_(I(b), { alpha: 0.5 }).mul_(I(b)).sub_(1).div_(I(b).abs().add(1));
    x.clamp_(-1.5, 2.0);
    return x.add(z);
  },
  // PyTorch's x[0].fill_(0) writes through a view; without views, indexPut does the same to x.
  inplace_fill_copy: (a, s) => {
    const x = indexPut(a.mul(1), [0], 0);
    const y = a.mul(3);
    y.copy_(I(s));
    return x.mul(y);
  },
};

/**
 * PyTorch's topk orders tied entries as its partial sort leaves them; ours is stable (the lower position first).
 * For these cases the indices must pick the same values, not be the same, and the values' gradient (which lands
 * on the chosen positions) is not compared.
 */
const TIE_ORDER = new Set(['topk_indices', 'topk_smallest_indices']);
const TIE_GRADS = new Set(['topk_values', 'topk_smallest_values']);

interface Case {
  name: string;
  inputs: { dtype: string; shape: number[]; data: unknown }[];
  output: unknown;
  outputShape: number[];
  outputDtype: string;
  weights: unknown;
  grads: unknown[] | null;
}

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [decodeNumber(x as number | string | boolean)]);

describe('Tensor API goldens from PyTorch', () => {
  const cases = golden.cases as Case[];
  it('has a TypeScript definition for every case and no stale ones', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(FNS).sort());
  });

  for (const c of cases) {
    it(c.name, () => {
      const inputs = c.inputs.map(({ dtype, shape, data }) =>
        tensor(flat(data), { shape, dtype: dtype as nn.DType, requiresGrad: dtype === 'float32' }),
      );
      const out = FNS[c.name]!(...inputs);
      expect(out.shape).toEqual(c.outputShape);
      expect(out.dtype).toBe(c.outputDtype);
      if (TIE_ORDER.has(c.name)) {
        const x = inputs[0]!.detach();
        const dim = c.name === 'topk_indices' ? 1 : -1;
        const ours = x.gather(dim, out).dataSync();
        const theirs = x.gather(dim, tensor(flat(c.output), { shape: c.outputShape, dtype: 'int32' })).dataSync();
        expectClose(ours, theirs, { rtol: 0, atol: 0, label: `${c.name}: values at the indices` });
        return;
      }
      expectClose(out.dataSync(), flat(c.output), { rtol: 1e-5, atol: 1e-6, label: `${c.name}: output` });
      if (c.grads === null || TIE_GRADS.has(c.name)) return;
      const w = tensor(flat(c.weights), { shape: c.outputShape });
      const finite = nn.where(nn.ne(out, out), 0, out);
      backward(finite.mul(w).sum());
      inputs.forEach((x, i) => {
        const g = c.grads![i];
        if (g === null || g === undefined) return;
        expect(x.grad, `${c.name}: gradient of input ${i}`).not.toBeNull();
        expectClose(x.grad!.dataSync(), flat(g), { rtol: 1e-5, atol: 1e-6, label: `${c.name}: grad[${i}]` });
      });
    });
  }
});
