import { describe, expect, it } from 'vitest';
import { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('CosineAnnealingWarmRestarts', () => {
  describeGolden('cosine-annealing-warm-restarts');

  it('restarts at the initial lr after periods t0, t0·tMult, t0·tMult²', () => {
    const s = new CosineAnnealingWarmRestarts(opt(1), { t0: 2, tMult: 2 });
    const restarts: number[] = [];
    for (let t = 1; t <= 14; t++) {
      s.step();
      if (s.getLastLr()[0] === 1) restarts.push(t);
    }
    expect(restarts).toEqual([2, 6, 14]);
    expect(s.tI).toBe(16);
  });

  it('places a fractional epoch inside its period', () => {
    const s = new CosineAnnealingWarmRestarts(opt(1), { t0: 4, tMult: 2 });
    s.step(13); // periods [0, 4), [4, 12), [12, 28)
    expect(s.tCur).toBe(1);
    expect(s.tI).toBe(16);
    expect(s.lastEpoch).toBe(13);
    s.step(5.5);
    expect(s.tCur).toBe(1.5);
    expect(s.getLastLr()[0]).toBeCloseTo((1 + Math.cos((Math.PI * 1.5) / 8)) / 2, 15);
    expect(s.lastEpoch).toBe(5);
  });

  it('rejects a bad t0, tMult or epoch', () => {
    expect(() => new CosineAnnealingWarmRestarts(opt(0.1), { t0: 0 })).toThrow(
      'CosineAnnealingWarmRestarts: t0 must be a positive integer, got 0',
    );
    expect(() => new CosineAnnealingWarmRestarts(opt(0.1), { t0: 2.5 })).toThrow(
      'CosineAnnealingWarmRestarts: t0 must be a positive integer, got 2.5',
    );
    expect(() => new CosineAnnealingWarmRestarts(opt(0.1), { t0: 5, tMult: 0 })).toThrow(
      'CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got 0',
    );
    expect(() => new CosineAnnealingWarmRestarts(opt(0.1), { t0: 5, tMult: 1.5 })).toThrow(
      'CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got 1.5',
    );
    expect(() => new CosineAnnealingWarmRestarts(opt(0.1), { t0: 5, etaMin: -0.1 })).toThrow(
      'CosineAnnealingWarmRestarts: etaMin must be a non-negative number, got -0.1',
    );
    const s = new CosineAnnealingWarmRestarts(opt(0.1), { t0: 5 });
    expect(() => s.step(-1)).toThrow('CosineAnnealingWarmRestarts: step: epoch must be a non-negative number, got -1');
  });
});
