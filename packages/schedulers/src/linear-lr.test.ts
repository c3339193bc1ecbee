import { describe, expect, it } from 'vitest';
import { LinearLR } from './linear-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('LinearLR', () => {
  describeGolden('linear-lr');

  it('defaults to startFactor 1/3, endFactor 1, totalIters 5', () => {
    const s = new LinearLR(opt(0.3));
    expect(s.startFactor).toBe(1 / 3);
    expect(s.endFactor).toBe(1);
    expect(s.totalIters).toBe(5);
    expect(s.getLastLr()[0]).toBeCloseTo(0.1, 15);
    for (let t = 1; t <= 7; t++) {
      s.step();
      expect(s.getLastLr()[0]).toBeCloseTo(0.3 * (1 / 3 + ((2 / 3) * Math.min(t, 5)) / 5), 15);
    }
  });

  it('rejects factors outside their ranges and a bad totalIters', () => {
    expect(() => new LinearLR(opt(0.1), { startFactor: 0 })).toThrow('LinearLR: startFactor must be in (0, 1], got 0');
    expect(() => new LinearLR(opt(0.1), { startFactor: 1.5 })).toThrow(
      'LinearLR: startFactor must be in (0, 1], got 1.5',
    );
    expect(() => new LinearLR(opt(0.1), { endFactor: -0.1 })).toThrow(
      'LinearLR: endFactor must be in [0, 1], got -0.1',
    );
    expect(() => new LinearLR(opt(0.1), { totalIters: 0 })).toThrow(
      'LinearLR: totalIters must be a positive integer, got 0',
    );
  });
});
