import { backward } from '@nn/autograd';
import { tensor, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { huberLoss } from '../index.js';

describe('huberLoss at infinite residuals (fuzzing against PyTorch)', () => {
  it('has gradient ±delta at ±Infinity, not NaN (torch: [1.5, -1.5, 0.5] for delta 1.5)', () => {
    const x = tensor([Infinity, -Infinity, 0.5], { requiresGrad: true });
    const loss = huberLoss(x, zeros([3]), { reduction: 'sum', delta: 1.5 });
    expect(loss.item()).toBe(Infinity);
    backward(loss);
    expect(Array.from(x.grad!.dataSync())).toEqual([1.5, -1.5, 0.5]);
  });
});
