import { describe, expect, it } from 'vitest';
import { Generator, manualSeed } from '@nn/tensor';
import { truncNormal } from '@nn/init';
import { expectMoments, moments } from '@nn/testing';
import { normalCdf } from './erf.js';
import golden from './golden/init.json' with { type: 'json' };
import { truncNormalFromUniform } from './trunc-normal.js';

/** Mean and variance of N(mean, std²) truncated to [a, b]. */
function truncatedMoments(mean: number, std: number, a: number, b: number): [number, number] {
  const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const al = (a - mean) / std;
  const be = (b - mean) / std;
  const z = normalCdf(be) - normalCdf(al);
  const d = (phi(al) - phi(be)) / z;
  return [mean + std * d, std * std * (1 + (al * phi(al) - be * phi(be)) / z - d * d)];
}

describe('truncNormal', () => {
  it("applies PyTorch's inverse-CDF transform exactly", () => {
    for (const { mean, std, a, b, u, values } of golden.truncNormal) {
      const got = truncNormalFromUniform(u, mean, std, a, b);
      for (let i = 0; i < u.length; i++) expect(got[i], `mean ${mean} std ${std} u ${u[i]}`).toBeCloseTo(values[i]!, 10);
    }
  });
  it('has the moments and bounds of the truncated normal', () => {
    for (const [mean, std, a, b] of [[0, 1, -2, 2], [0.5, 2, -1, 3], [0, 0.02, -0.04, 0.04], [-3, 0.5, -4, -2.5]] as const) {
      const x = truncNormal([20000], { mean, std, a, b, generator: new Generator(7) }).dataSync();
      const [m, v] = truncatedMoments(mean, std, a, b);
      expectMoments(x, m, v);
      const s = moments(x);
      expect(s.min).toBeGreaterThanOrEqual(Math.fround(a));
      expect(s.max).toBeLessThanOrEqual(Math.fround(b));
    }
  });
  it('defaults to mean 0, std 1, a = -2, b = 2 and is reproducible under a seed', () => {
    manualSeed(3);
    const x = truncNormal([5000]).dataSync();
    const [m, v] = truncatedMoments(0, 1, -2, 2);
    expectMoments(x, m, v);
    manualSeed(3);
    expect(truncNormal([5000]).dataSync()).toEqual(x);
    expect(truncNormal([2, 3], { generator: new Generator(1), requiresGrad: true }).requiresGrad).toBe(true);
  });
  it('validates its arguments', () => {
    expect(() => truncNormal([2], { a: 2, b: -2 })).toThrow('truncNormal: a must be less than b, got a=2, b=-2');
    expect(() => truncNormal([2], { a: 1, b: 1 })).toThrow('truncNormal: a must be less than b, got a=1, b=1');
    expect(() => truncNormal([2], { std: -1 })).toThrow('truncNormal: std must be positive, got -1');
    expect(() => truncNormal([2], { std: 0 })).toThrow('truncNormal: std must be positive, got 0');
    expect(() => truncNormal([2], { mean: Infinity })).toThrow('truncNormal: mean must be a finite number, got Infinity');
  });
});
