import { describe, expect, it } from 'vitest';
import { MultiStepLR } from './multi-step-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('MultiStepLR', () => {
  describeGolden('multi-step-lr');

  it('multiplies by gamma exactly at each milestone', () => {
    const s = new MultiStepLR(opt(1), { milestones: [1, 3], gamma: 0.5 });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 4; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('rejects milestones that are not strictly increasing non-negative integers', () => {
    expect(() => new MultiStepLR(opt(0.1), { milestones: [5, 3] })).toThrow(
      'MultiStepLR: milestones must be strictly increasing, got [5,3]',
    );
    expect(() => new MultiStepLR(opt(0.1), { milestones: [2, 2] })).toThrow(
      'MultiStepLR: milestones must be strictly increasing, got [2,2]',
    );
    expect(() => new MultiStepLR(opt(0.1), { milestones: [1, -4] })).toThrow(
      'MultiStepLR: milestones[1] must be a non-negative integer, got -4',
    );
    expect(() => new MultiStepLR(opt(0.1), { milestones: 5 as never })).toThrow(
      'MultiStepLR: milestones must be an array of non-negative integers, got 5',
    );
    expect(() => new MultiStepLR(opt(0.1), { milestones: [3], gamma: 0 })).toThrow(
      'MultiStepLR: gamma must be a positive number, got 0',
    );
  });

  it('copies the milestones it is given', () => {
    const ms = [2, 4];
    const s = new MultiStepLR(opt(1), { milestones: ms });
    ms[0] = 1;
    s.step();
    expect(s.getLastLr()).toEqual([1]);
  });
});
