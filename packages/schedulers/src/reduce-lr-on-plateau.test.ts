import { describe, expect, it } from 'vitest';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('ReduceLROnPlateau', () => {
  describeGolden('reduce-lr-on-plateau');

  it('reduces after more than patience epochs without improvement, then cools down', () => {
    const o = opt(1);
    const s = new ReduceLROnPlateau(o, { patience: 1, factor: 0.5, cooldown: 1 });
    const lrs: number[] = [];
    for (const m of [1, 1, 1, 1, 1, 1]) {
      s.step(m);
      lrs.push(s.getLastLr()[0]!);
    }
    // epoch 1 improves on Infinity; 2 and 3 are bad -> reduce at 3; 4 is cooldown; 5, 6 bad -> reduce at 6
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25]);
    expect(s.lastEpoch).toBe(6);
  });

  it('never goes below minLr and skips reductions smaller than eps', () => {
    const o = opt(1, 1);
    const s = new ReduceLROnPlateau(o, { patience: 0, factor: 0.5, minLr: [0.3, 0], eps: 0.15 });
    for (const m of [1, 2, 3, 4]) s.step(m);
    // group 0: 1 -> 0.5 -> 0.3 (clamped), then stays; group 1: 1 -> 0.5 -> 0.25, then a cut of 0.125 < eps is skipped
    expect(s.getLastLr()).toEqual([0.3, 0.25]);
  });

  it('accepts a scalar tensor-like metric with item()', () => {
    const s = new ReduceLROnPlateau(opt(1));
    s.step({ item: () => 0.5 });
    expect(s.best).toBe(0.5);
    expect(() => s.step({ item: () => true })).toThrow(
      'ReduceLROnPlateau: step: metric must be a number (or have an item() giving one), got true',
    );
    expect(s.lastEpoch).toBe(1);
  });

  it('reports the optimizer lrs before its first step', () => {
    expect(new ReduceLROnPlateau(opt(0.1, 0.2)).getLastLr()).toEqual([0.1, 0.2]);
  });

  it('saves an infinite best as a string so the state is JSON', () => {
    const s = new ReduceLROnPlateau(opt(0.1), { mode: 'max' });
    const sd = s.stateDict();
    expect(sd.best).toBe('-Infinity');
    const t = new ReduceLROnPlateau(opt(0.1));
    t.loadStateDict(JSON.parse(JSON.stringify(sd)));
    expect(t.best).toBe(-Infinity);
    expect(t.mode).toBe('max');
  });

  it('rejects invalid arguments with messages naming them', () => {
    const o = opt(0.1);
    expect(() => new ReduceLROnPlateau(o, { factor: 1 })).toThrow('ReduceLROnPlateau: factor must be in [0, 1), got 1');
    expect(() => new ReduceLROnPlateau(o, { factor: 1.5 })).toThrow(
      'ReduceLROnPlateau: factor must be in [0, 1), got 1.5',
    );
    expect(() => new ReduceLROnPlateau(o, { mode: 'avg' as never })).toThrow(
      "ReduceLROnPlateau: mode must be one of 'min', 'max', got 'avg'",
    );
    expect(() => new ReduceLROnPlateau(o, { thresholdMode: 'pct' as never })).toThrow(
      "ReduceLROnPlateau: thresholdMode must be one of 'rel', 'abs', got 'pct'",
    );
    expect(() => new ReduceLROnPlateau(o, { patience: -1 })).toThrow(
      'ReduceLROnPlateau: patience must be a non-negative integer, got -1',
    );
    expect(() => new ReduceLROnPlateau(o, { cooldown: 0.5 })).toThrow(
      'ReduceLROnPlateau: cooldown must be a non-negative integer, got 0.5',
    );
    expect(() => new ReduceLROnPlateau(o, { threshold: -1 })).toThrow(
      'ReduceLROnPlateau: threshold must be a non-negative number, got -1',
    );
    expect(() => new ReduceLROnPlateau(o, { minLr: [0, 0] })).toThrow(
      'ReduceLROnPlateau: expected 1 values for minLr (one per param group), got 2',
    );
    expect(() => new ReduceLROnPlateau(o).step('low' as never)).toThrow(
      "ReduceLROnPlateau: step: metric must be a number (or have an item() giving one), got 'low'",
    );
    const s = new ReduceLROnPlateau(o);
    expect(() => s.loadStateDict({ ...s.stateDict(), mode: 'avg' })).toThrow(
      "ReduceLROnPlateau: loadStateDict: mode must be one of 'min', 'max', got 'avg'",
    );
  });
});
