import { describe, expect, it } from 'vitest';
import { erf, erfc, erfinv, normalCdf } from './erf.js';
import golden from './golden/init.json' with { type: 'json' };

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('erf, erfc, erfinv (float64)', () => {
  it('erf and erfc match mpmath to near double precision', () => {
    for (const { x, erf: e, erfc: c } of golden.erf) {
      expect(rel(erf(x), e), `erf(${x})`).toBeLessThan(2e-15);
      expect(Math.abs(erfc(x) - c), `erfc(${x})`).toBeLessThan(1e-15);
      if (x >= 3) expect(rel(erfc(x), c), `erfc(${x}) relative`).toBeLessThan(1e-14);
    }
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
  it('erfinv matches mpmath, including deep in the tails', () => {
    for (const { y, erfinv: v } of golden.erfinv) expect(rel(erfinv(y), v), `erfinv(${y})`).toBeLessThan(1e-12);
    expect(erfinv(0)).toBe(0);
    expect(erfinv(1)).toBe(Infinity);
    expect(erfinv(-1)).toBe(-Infinity);
    expect(erfinv(1.5)).toBeNaN();
  });
  it('erfinv inverts erf (|x| ≤ 3, where erf(x) in float64 still pins x to ~1e-12)', () => {
    for (let x = -3; x <= 3; x += 0.37) expect(erfinv(erf(x))).toBeCloseTo(x, 10);
  });
  it('normalCdf', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });
});
