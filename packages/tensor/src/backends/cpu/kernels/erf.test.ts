import { describe, expect, it } from 'vitest';
import { erf, erfc } from './erf.js';

// [x, erf(x), erfc(x)] from mpmath at 30 digits.
const REF = [
  [1e-8, 1.1283791670955126e-8, 0.99999998871620833],
  [0.3, 0.32862675945912742, 0.67137324054087258],
  [0.999, 0.84228527020649694, 0.15771472979350306],
  [1.0, 0.84270079294971487, 0.15729920705028513],
  [1.5, 0.96610514647531073, 0.033894853524689273],
  [2.0, 0.99532226501895273, 0.0046777349810472658],
  [3.3, 0.99999694229020356, 3.0577097964381652e-6],
  [4.0, 0.9999999845827421, 1.5417257900280019e-8],
  [5.5, 0.99999999999999264, 7.3578479179743981e-15],
  [9.0, 1.0, 4.1370317465138102e-37],
  [-0.7, -0.67780119383741844, 1.6778011938374184],
  [-2.5, -0.99959304798255504, 1.999593047982555],
  [-6.0, -0.99999999999999998, 2.0],
] as const;

const relErr = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);

describe('erf/erfc (float64 scalar functions behind the Erf and Gelu kernels)', () => {
  it('match mpmath to ~1e-15 relative, erfc also deep in the tail', () => {
    for (const [x, e, c] of REF) {
      expect(relErr(erf(x), e), `erf(${x})`).toBeLessThan(2e-15);
      expect(relErr(erfc(x), c), `erfc(${x})`).toBeLessThan(2e-14);
    }
  });

  it('handle ±0, ±inf and NaN', () => {
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect([erf(Infinity), erf(-Infinity), erfc(Infinity), erfc(-Infinity)]).toEqual([1, -1, 0, 2]);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(30)).toBe(0);
  });
});
