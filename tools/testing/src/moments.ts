import { expect } from 'vitest';

/** Sample mean, variance (biased) and fourth central moment, in float64. */
export function moments(x: ArrayLike<number>): { n: number; mean: number; variance: number; m4: number; min: number; max: number } {
  const n = x.length;
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    mean += x[i]!;
    min = Math.min(min, x[i]!);
    max = Math.max(max, x[i]!);
  }
  mean /= n;
  let variance = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i]! - mean) ** 2;
    variance += d;
    m4 += d * d;
  }
  return { n, mean: mean, variance: variance / n, m4: m4 / n, min, max };
}

/**
 * Asserts that the sample mean and variance of `x` match `mean` and `variance` within `k` standard errors
 * (SE of the mean √(var/n); SE of the variance √((m4 − var²)/n) from the sample's own fourth moment).
 */
export function expectMoments(x: ArrayLike<number>, mean: number, variance: number, k = 4): void {
  const m = moments(x);
  expect(Math.abs(m.mean - mean)).toBeLessThan(k * Math.sqrt(m.variance / m.n));
  expect(Math.abs(m.variance - variance)).toBeLessThan(k * Math.sqrt((m.m4 - m.variance ** 2) / m.n));
}
