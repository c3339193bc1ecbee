import { describe, expect, it } from 'vitest';
import { ExponentialLR } from './exponential-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('ExponentialLR', () => {
  describeGolden('exponential-lr');

  it('multiplies by gamma each step', () => {
    const s = new ExponentialLR(opt(2, 4), { gamma: 0.5 });
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.5, 1]);
  });

  it('requires a positive gamma', () => {
    expect(() => new ExponentialLR(opt(0.1), {} as never)).toThrow(
      'ExponentialLR: gamma must be a positive number, got undefined',
    );
    expect(() => new ExponentialLR(opt(0.1), { gamma: 0 })).toThrow(
      'ExponentialLR: gamma must be a positive number, got 0',
    );
    expect(() => new ExponentialLR(opt(0.1), { gamma: Number.NaN })).toThrow(
      'ExponentialLR: gamma must be a positive number, got NaN',
    );
  });
});
