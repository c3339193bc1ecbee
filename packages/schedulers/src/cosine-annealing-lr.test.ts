import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { describeGolden, expectSteps, replay } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('CosineAnnealingLR', () => {
  const golden = describeGolden('cosine-annealing-lr');

  // The recursion drifts from the closed form by up to ~1e-14 relative; we match PyTorch to a few ulps, so a
  // 2e-15 tolerance tells the two apart.
  it('follows the recursive form PyTorch uses, not the closed form', () => {
    for (const c of golden.cases.filter((c) => c.steps)) {
      const rec = replay(c);
      expectSteps(rec.lr, c.record.lr, c.name, { rtol: 2e-15, atol: 0 });
      if (c.lastEpoch !== undefined) continue;
      const { tMax, etaMin = 0 } = c.scheduler.options as { tMax: number; etaMin?: number };
      const closed = c.record.lr.map((_, t) =>
        c.optimizer.groups.map((g) => etaMin + ((g.lr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2),
      );
      const torch = c.record.lr.flat();
      const worst = Math.max(
        ...closed.flat().map((x, i) => (x === torch[i] ? 0 : Math.abs(x - torch[i]!) / Math.abs(x))),
      );
      if (c.name !== 'tMax 33 three groups') expect(worst).toBeGreaterThan(2e-15);
    }
  });

  it('follows the closed form up to rounding, reaching etaMin at tMax and rising after', () => {
    const s = new CosineAnnealingLR(opt(0.1), { tMax: 8, etaMin: 0.01 });
    for (let t = 1; t <= 16; t++) {
      s.step();
      const closed = 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * t) / 8))) / 2;
      expect(s.getLastLr()[0]).toBeCloseTo(closed, 14);
    }
    expect(s.getLastLr()[0]).toBeCloseTo(0.1, 14);
  });

  it('is chainable: it scales whatever lr another scheduler left', () => {
    const o = opt(0.1);
    const s = new CosineAnnealingLR(o, { tMax: 10 });
    s.step();
    const before = o.paramGroups[0]!.lr;
    o.paramGroups[0]!.lr = before / 2;
    s.step();
    const ratio = (1 + Math.cos((2 * Math.PI) / 10)) / (1 + Math.cos(Math.PI / 10));
    expect(s.getLastLr()[0]).toBeCloseTo((before / 2) * ratio, 15);
  });

  it('rejects tMax <= 0 and a negative etaMin', () => {
    expect(() => new CosineAnnealingLR(opt(0.1), { tMax: 0 })).toThrow(
      'CosineAnnealingLR: tMax must be a positive number, got 0',
    );
    expect(() => new CosineAnnealingLR(opt(0.1), { tMax: -3 })).toThrow(
      'CosineAnnealingLR: tMax must be a positive number, got -3',
    );
    expect(() => new CosineAnnealingLR(opt(0.1), { tMax: 5, etaMin: -1 })).toThrow(
      'CosineAnnealingLR: etaMin must be a non-negative number, got -1',
    );
  });
});
