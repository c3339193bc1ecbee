/**
 * Gradient regressions found by fuzzing against PyTorch (issue 9), each the repro that was wrong, with
 * PyTorch 1.13's values.
 */
import { clamp, logsumexp, std, tensor, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';

describe('gradients at the edges, as PyTorch', () => {
  it('std of constant values has gradient 0, not NaN (torch: [0, 0, 0])', () => {
    const x = tensor([3, 3, 3], { requiresGrad: true });
    const s = std(x);
    expect(s.item()).toBe(0);
    backward(s);
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0]);
    // Elsewhere unchanged: d std / dx = (x − mean) / ((n − 1)·std).
    const y = tensor([1, 2, 3], { requiresGrad: true });
    backward(std(y));
    expect(Array.from(y.grad!.dataSync())).toEqual([-0.5, 0, 0.5]);
    // One element: NaN (N <= correction), as torch.
    expect(std(tensor([1])).item()).toBeNaN();
  });

  it('clamp passes no gradient to NaN inputs (torch: [0, 1, 0] for clamp([NaN, 0.5, 2], 0, 1))', () => {
    const x = tensor([Number.NaN, 0.5, 2], { requiresGrad: true });
    const y = clamp(x, 0, 1);
    expect(y.dataSync()[0]).toBeNaN();
    backward(y.sum());
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 1, 0]);
    const z = tensor([Number.NaN, 3], { requiresGrad: true });
    backward(clamp(z, null, 1).sum());
    expect(Array.from(z.grad!.dataSync())).toEqual([0, 0]);
  });

  it('logsumexp over an empty dim is −inf and stays in the graph (torch: requires_grad, LogsumexpBackward)', () => {
    const x = zeros([0, 3], { requiresGrad: true });
    const y = logsumexp(x, 0);
    expect(Array.from(y.dataSync())).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(y.requiresGrad).toBe(true);
    backward(y.sum());
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});
