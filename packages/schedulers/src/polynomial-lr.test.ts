import { describe, expect, it } from 'vitest';
import { PolynomialLR } from './polynomial-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('PolynomialLR', () => {
  describeGolden('polynomial-lr');

  it('reaches zero at totalIters and stays there', () => {
    const s = new PolynomialLR(opt(1), { totalIters: 4, power: 2 });
    const lrs = [s.getLastLr()[0]!];
    for (let i = 0; i < 6; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]!);
    }
    [1, 0.5625, 0.25, 0.0625, 0, 0, 0].forEach((v, i) => expect(lrs[i]).toBeCloseTo(v, 15));
  });

  it('rejects a bad totalIters or power', () => {
    expect(() => new PolynomialLR(opt(0.1), { totalIters: 0 })).toThrow(
      'PolynomialLR: totalIters must be a positive integer, got 0',
    );
    expect(() => new PolynomialLR(opt(0.1), { power: -1 })).toThrow(
      'PolynomialLR: power must be a non-negative number, got -1',
    );
  });
});
