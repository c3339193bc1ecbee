import { describe, expect, it } from 'vitest';
import { memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { globalNorm, type NormType } from '@nn/clip';
import { expectClose } from '@nn/testing';
import golden from './golden/clip.json' with { type: 'json' };
import { goldenParams } from './test-params.test-util.js';

describe('globalNorm', () => {
  it('is the norm of all tensors concatenated, as PyTorch computes it for p = 1, 2, inf, 3, 0.5', () => {
    const grads = goldenParams().flatMap((p) => (p.grad ? [p.grad] : []));
    for (const c of golden.clipGradNorm.filter((x) => x.maxNorm === 1)) {
      const n = globalNorm(grads, c.normType as NormType);
      expect(n.shape).toEqual([]);
      expectClose(n.dataSync(), [c.total], { rtol: 1e-5, atol: 0, label: `p=${c.normType}` });
    }
  });
  it('defaults to p = 2 and takes a single tensor', () => {
    expect(globalNorm([tensor([3, 0]), tensor([[4]])]).item()).toBeCloseTo(5, 6);
    expect(globalNorm(tensor([-6, 8]), Infinity).item()).toBe(8);
    expect(globalNorm([tensor([1, -1]), tensor([2])], 1).item()).toBe(4);
    expect(globalNorm([zeros([0]), tensor([-2])], Infinity).item()).toBe(2);
  });
  it('is 0 for no tensors and frees its intermediates', () => {
    expect(globalNorm([]).item()).toBe(0);
    const ts = [tensor([1, 2, 3]), tensor([4, 5])];
    const before = memory().numTensors;
    const n = globalNorm(ts, 3);
    expect(memory().numTensors).toBe(before + 1);
    n.dispose();
  });
  it('validates normType and tensors', () => {
    expect(() => globalNorm([], 0)).toThrow("globalNorm: normType must be a positive number, Infinity or 'inf', got 0");
    expect(() => globalNorm([tensor([1]), null as unknown as Tensor])).toThrow('globalNorm: tensors[1] must be a Tensor, got null');
    expect(() => globalNorm([tensor([1], { dtype: 'int32' })])).toThrow('globalNorm: tensor 0 must have dtype float32, got int32');
  });
});
