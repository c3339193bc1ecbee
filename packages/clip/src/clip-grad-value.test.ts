import { describe, expect, it } from 'vitest';
import { memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { clipGradValue } from '@nn/clip';
import { expectClose } from '@nn/testing';
import golden from './golden/clip.json' with { type: 'json' };
import { goldenParams } from './test-params.test-util.js';

describe('clipGradValue', () => {
  it('matches PyTorch clip_grad_value_, skipping parameters without a gradient', () => {
    const params = goldenParams();
    const grads = params.map((p) => p.grad);
    const before = memory().numTensors;
    expect(clipGradValue(params, golden.clipGradValue.clipValue)).toBeUndefined();
    expect(memory().numTensors).toBe(before);
    expect(params.map((p) => p.grad)).toEqual(grads);
    for (const [i, want] of golden.clipGradValue.clipped.entries()) {
      if (want === null) expect(params[i]!.grad).toBeNull();
      else expectClose(params[i]!.grad!.dataSync(), want, { rtol: 0, atol: 0, label: `grad ${i}` });
    }
  });
  it('clamps a single tensor to [-clipValue, clipValue]', () => {
    const p = zeros([4], { requiresGrad: true });
    p.grad = tensor([-3, -0.25, 0.5, 7]);
    clipGradValue(p, 1);
    expect(Array.from(p.grad.dataSync())).toEqual([-1, -0.25, 0.5, 1]);
    clipGradValue(p, 0);
    expect(Array.from(p.grad.dataSync()).map(Math.abs)).toEqual([0, 0, 0, 0]);
  });
  it('validates clipValue and params', () => {
    expect(() => clipGradValue([], -0.5)).toThrow('clipGradValue: clipValue must be a non-negative number, got -0.5');
    expect(() => clipGradValue([], NaN)).toThrow('clipGradValue: clipValue must be a non-negative number, got NaN');
    expect(() => clipGradValue(['w' as unknown as Tensor], 1)).toThrow("clipGradValue: params[0] must be a Tensor, got 'w'");
  });
});
