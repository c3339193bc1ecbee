import { describe, expect, it } from 'vitest';
import { defaultGenerator, Generator, manualSeed, rand } from '@nn/tensor';
import { uniform } from '@nn/init';
import { expectMoments, moments } from '@nn/testing';

describe('uniform', () => {
  it('has the moments and bounds of U(a, b)', () => {
    const x = uniform([200, 100], -3, 5, { generator: new Generator(1) });
    expect(x.shape).toEqual([200, 100]);
    expect(x.dtype).toBe('float32');
    const v = x.dataSync();
    expectMoments(v, 1, 64 / 12);
    const m = moments(v);
    expect(m.min).toBeGreaterThanOrEqual(-3);
    expect(m.max).toBeLessThanOrEqual(5);
    expect(m.min).toBeLessThan(-3 + 0.01);
    expect(m.max).toBeGreaterThan(5 - 0.01);
  });
  it('defaults to U(0, 1) and draws what rand draws', () => {
    const a = uniform([50], { generator: new Generator(3) }).dataSync();
    expect(a).toEqual(rand([50], { generator: new Generator(3) }).dataSync());
    expect(uniform([4], undefined, undefined, { generator: new Generator(3) }).dataSync()).toEqual(a.slice(0, 4));
  });
  it('is reproducible under a seed; explicit generators are independent of the global one', () => {
    manualSeed(11);
    const a = uniform([6], -1, 1).dataSync();
    const b = uniform([6], -1, 1).dataSync();
    expect(b).not.toEqual(a);
    manualSeed(11);
    expect(uniform([6], -1, 1).dataSync()).toEqual(a);
    const before = defaultGenerator.getState();
    const g1 = new Generator(11);
    const g2 = new Generator(11);
    const x1 = uniform([6], -1, 1, { generator: g1 }).dataSync();
    uniform([6], -1, 1, { generator: g1 });
    expect(uniform([6], -1, 1, { generator: g2 }).dataSync()).toEqual(x1);
    expect(defaultGenerator.getState()).toEqual(before);
  });
  it('places the tensor and marks it as a parameter on request', () => {
    const x = uniform(3, 0, 1, { device: 'cpu', requiresGrad: true });
    expect(x.shape).toEqual([3]);
    expect(x.device).toBe('cpu');
    expect(x.requiresGrad).toBe(true);
    expect(uniform([2, 0]).shape).toEqual([2, 0]);
    expect(uniform([2], 2, 2).dataSync()).toEqual(new Float32Array([2, 2]));
  });
  it('validates its arguments', () => {
    expect(() => uniform([2], 1, 0)).toThrow('uniform: a must be less than or equal to b, got a=1, b=0');
    expect(() => uniform([2], NaN, 1)).toThrow('uniform: a must be a finite number, got NaN');
    expect(() => uniform([2], 0, Infinity)).toThrow('uniform: b must be a finite number, got Infinity');
    expect(() => uniform([2.5])).toThrow('uniform: shape must be a non-negative integer or an array of them, got [2.5]');
    expect(() => uniform([2], 0, 1, { generator: {} as Generator })).toThrow('uniform: generator must be a Generator, got Object');
  });
});
