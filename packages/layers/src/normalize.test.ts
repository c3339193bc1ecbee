/** The fused normalisation (Moments + ScaleShift) against its composite reference, values and gradients. */
import { grad } from '@nn/autograd';
import { Generator, mul, randn, reshape, sum, type Tensor } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, it } from 'vitest';
import { channelStats, normalizeOver, normalizeWith } from './normalize.js';

const g = new Generator(9);

describe('fused normalisation', () => {
  // [shape, reduced dims, the [A, C, B] view of the same reduction]
  const cases: [string, number[], number[], [number, number, number]][] = [
    ['BatchNorm2d-like [4,3,5,2] over N, H, W', [4, 3, 5, 2], [0, 2, 3], [4, 3, 10]],
    ['BatchNorm1d-like [6,5] over N', [6, 5], [0], [6, 5, 1]],
    ['LayerNorm-like [3,4,7] over the last dim', [3, 4, 7], [2], [1, 12, 7]],
    ['GroupNorm-like [2,3,8] (rows of a [2,3,8] view) over the last dim', [2, 3, 8], [2], [1, 6, 8]],
  ];
  for (const [name, shape, dims, view] of cases) {
    it(`${name}: same values and gradients as the composite`, () => {
      const x = randn(shape, { generator: g }).mul(3).add(2);
      const gy = randn(shape, { generator: g });
      const fused = (t: Tensor) => {
        const { mean, variance } = channelStats(t, view);
        return reshape(normalizeWith(t, view, mean, variance, 1e-5, null, null), shape);
      };
      const composite = (t: Tensor) => normalizeOver(t, dims, 1e-5);
      expectClose(fused(x).dataSync(), composite(x).dataSync(), { rtol: 1e-5, atol: 1e-5, label: 'y' });
      const dFused = grad((t: Tensor) => sum(mul(fused(t), gy)))(x) as Tensor;
      const dComposite = grad((t: Tensor) => sum(mul(composite(t), gy)))(x) as Tensor;
      expectClose(dFused.dataSync(), dComposite.dataSync(), { rtol: 1e-4, atol: 1e-5, label: 'dx' });
    });
  }
});
