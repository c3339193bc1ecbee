import { describe, expect, it } from 'vitest';
import { constant, ones, zeros } from '@nn/init';

describe('constant / zeros / ones', () => {
  it('fill a float32 tensor', () => {
    const c = constant([2, 2], 0.3);
    expect(c.dtype).toBe('float32');
    expect(c.dataSync()).toEqual(new Float32Array([0.3, 0.3, 0.3, 0.3]));
    expect(zeros([3]).dataSync()).toEqual(new Float32Array(3));
    expect(ones(2, { requiresGrad: true }).dataSync()).toEqual(new Float32Array([1, 1]));
    expect(ones(2, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(constant([1], -Infinity).dataSync()[0]).toBe(-Infinity);
  });
  it('validate the value and shape', () => {
    expect(() => constant([2], '1' as unknown as number)).toThrow("constant: value must be a number, got '1'");
    expect(() => zeros([-2])).toThrow('zeros: shape must be a non-negative integer or an array of them, got [-2]');
  });
});
