import { describe, expect, it, vi } from 'vitest';
import { memory, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { clipGradNorm } from '@nn/clip';
import { expectClose } from '@nn/testing';
import golden from './golden/clip.json' with { type: 'json' };
import { goldenParams } from './test-params.test-util.js';

const gradValues = (ps: Tensor[]) => ps.map((p) => (p.grad ? Array.from(p.grad.dataSync()) : null));

describe('clipGradNorm', () => {
  it('matches PyTorch clip_grad_norm_ for p = 1, 2, inf, 3, 0.5: total norm and clipped grads', () => {
    for (const c of golden.clipGradNorm) {
      const label = `p=${c.normType} maxNorm=${c.maxNorm}`;
      const params = goldenParams();
      const normType = c.normType === 'inf' ? Infinity : (c.normType as number);
      const total = clipGradNorm(params, c.maxNorm, { normType });
      expect(total.shape, label).toEqual([]);
      expect(total.dtype).toBe('float32');
      expectClose(total.dataSync(), [c.total], { rtol: 1e-5, atol: 0, label });
      for (const [i, want] of c.clipped.entries()) {
        if (want === null) expect(params[i]!.grad, label).toBeNull();
        else expectClose(params[i]!.grad!.dataSync(), want, { rtol: 1e-5, atol: 1e-12, label: `${label} grad ${i}` });
      }
    }
  });
  it("accepts 'inf' for the max-abs norm", () => {
    const c = golden.clipGradNorm.find((x) => x.normType === 'inf' && x.maxNorm === 1)!;
    const params = goldenParams();
    expectClose(clipGradNorm(params, 1, { normType: 'inf' }).dataSync(), [c.total], { rtol: 1e-5, atol: 1e-12 });
    expectClose(params[0]!.grad!.dataSync(), c.clipped[0]!, { rtol: 1e-5, atol: 1e-12 });
  });
  it('leaves gradients bit-identical when the norm is under maxNorm (coefficient clamped to exactly 1)', () => {
    const params = goldenParams();
    const before = gradValues(params);
    const total = clipGradNorm(params, 100);
    expectClose(total.dataSync(), [golden.clipGradNorm.find((x) => x.normType === 2)!.total], { rtol: 1e-5, atol: 1e-12 });
    expect(gradValues(params)).toEqual(before);
  });
  it('takes a single tensor as params', () => {
    const s = golden.single;
    const p = zeros([4], { requiresGrad: true });
    p.grad = tensor(s.grad);
    expect(clipGradNorm(p, s.maxNorm).item()).toBeCloseTo(s.total, 5);
    expectClose(p.grad.dataSync(), s.clipped, { rtol: 1e-5, atol: 1e-12 });
  });
  it('adds 1e-6 to the norm before dividing, as PyTorch', () => {
    const s = golden.tiny;
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor(s.grad);
    expectClose(clipGradNorm(p, s.maxNorm).dataSync(), [s.total], { rtol: 1e-5, atol: 1e-12 });
    expectClose(p.grad.dataSync(), s.clipped, { rtol: 1e-5, atol: 0 }); // ≈ 0.05·grad, not 0.1·grad
  });
  it('returns a 0 tensor when no parameter has a gradient', () => {
    const p = zeros([3], { requiresGrad: true });
    for (const params of [[p], [], p]) {
      const t = clipGradNorm(params, 1);
      expect(t.shape).toEqual([]);
      expect(t.dtype).toBe('float32');
      expect(t.item()).toBe(0);
    }
  });
  it('updates gradients in place (same Tensor objects) and frees every intermediate', () => {
    const params = goldenParams();
    const grads = params.map((p) => p.grad);
    const before = memory().numTensors;
    const total = clipGradNorm(params, 0.5);
    expect(memory().numTensors).toBe(before + 1);
    expect(params.map((p) => p.grad)).toEqual(grads);
    total.dispose();
    expect(memory().numTensors).toBe(before);
    tidy(() => {
      clipGradNorm(params, 0.5, { normType: 3 });
    });
    expect(memory().numTensors).toBe(before);
  });
  it('never reads the device (no dataSync) unless errorIfNonfinite is set', () => {
    const params = goldenParams();
    const backend = params[0]!.grad!.backendImpl;
    const read = vi.spyOn(backend, 'readSync');
    const readAsync = vi.spyOn(backend, 'read');
    clipGradNorm(params, 1, { normType: 2 });
    clipGradNorm(params, 1, { normType: Infinity });
    expect(read).not.toHaveBeenCalled();
    expect(readAsync).not.toHaveBeenCalled();
    clipGradNorm(params, 1, { errorIfNonfinite: true });
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRestore();
    readAsync.mockRestore();
  });
  it('errorIfNonfinite throws on a non-finite norm, leaving grads and memory untouched', () => {
    const p = zeros([3], { requiresGrad: true });
    p.grad = tensor([1, Infinity, 2]);
    const before = memory().numTensors;
    expect(() => clipGradNorm(p, 1, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm: the total norm of order 2 for gradients is non-finite, so it cannot be clipped (got Infinity). ' +
        'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
    );
    expect(memory().numTensors).toBe(before);
    expect(Array.from(p.grad.dataSync())).toEqual([1, Infinity, 2]);
    p.grad = tensor([NaN, 1, 0]);
    expect(() => clipGradNorm(p, 1, { normType: 'inf', errorIfNonfinite: true })).toThrow(
      'clipGradNorm: the total norm of order inf for gradients is non-finite',
    );
  });
  it('without errorIfNonfinite scales by the non-finite norm like PyTorch', () => {
    const p = zeros([3], { requiresGrad: true });
    p.grad = tensor([1, Infinity, -2]);
    expect(clipGradNorm(p, 1).item()).toBe(Infinity);
    // coef = 1 / (inf + 1e-6) = 0: finite entries become 0, inf·0 = NaN.
    const g = Array.from(p.grad.dataSync());
    expect(g[0]).toBe(0);
    expect(g[1]).toBeNaN();
    expect(g[2]).toBe(-0);
  });
  it('validates maxNorm, normType and params', () => {
    const params = goldenParams();
    expect(() => clipGradNorm(params, -1)).toThrow('clipGradNorm: maxNorm must be a non-negative number, got -1');
    expect(() => clipGradNorm(params, NaN)).toThrow('clipGradNorm: maxNorm must be a non-negative number, got NaN');
    expect(() => clipGradNorm(params, 1, { normType: 0 })).toThrow(
      "clipGradNorm: normType must be a positive number, Infinity or 'inf', got 0",
    );
    expect(() => clipGradNorm(params, 1, { normType: -2 })).toThrow("clipGradNorm: normType must be a positive number, Infinity or 'inf', got -2");
    expect(() => clipGradNorm(params, 1, { normType: 'max' as 'inf' })).toThrow("normType must be a positive number, Infinity or 'inf', got 'max'");
    expect(() => clipGradNorm([params[0]!, 3 as unknown as Tensor], 1)).toThrow('clipGradNorm: params[1] must be a Tensor, got 3');
    expect(() => clipGradNorm(5 as unknown as Tensor, 1)).toThrow('clipGradNorm: params must be a Tensor or an iterable of Tensors, got 5');
  });
});
