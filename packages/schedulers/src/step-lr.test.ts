import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { StepLR } from './step-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('StepLR', () => {
  describeGolden('step-lr');

  it('decays by gamma every stepSize epochs, default gamma 0.1', () => {
    const s = new StepLR(opt(1), { stepSize: 2 });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 5; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([1, 1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1]);
    expect(s.lastEpoch).toBe(5);
  });

  it('saves its hyperparameters and counters as JSON data', () => {
    const s = new StepLR(opt(0.1, 0.05), { stepSize: 3, gamma: 0.5 });
    s.step();
    const sd = s.stateDict();
    expect(sd).toEqual({
      lastEpoch: 1,
      baseLrs: [0.1, 0.05],
      stepCount: 2,
      lastLr: [0.1, 0.05],
      stepSize: 3,
      gamma: 0.5,
    });
    expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
  });

  it('rejects invalid arguments with messages naming them', () => {
    expect(() => new StepLR(opt(0.1), { stepSize: 0 })).toThrow('StepLR: stepSize must be a positive integer, got 0');
    expect(() => new StepLR(opt(0.1), { stepSize: 2.5 })).toThrow(
      'StepLR: stepSize must be a positive integer, got 2.5',
    );
    expect(() => new StepLR(opt(0.1), {} as never)).toThrow(
      'StepLR: stepSize must be a positive integer, got undefined',
    );
    expect(() => new StepLR(opt(0.1), { stepSize: 3, gamma: 0 })).toThrow(
      'StepLR: gamma must be a positive number, got 0',
    );
    expect(() => new StepLR(opt(0.1), { stepSize: 3, gamma: -0.5 })).toThrow(
      'StepLR: gamma must be a positive number, got -0.5',
    );
    expect(() => new StepLR(opt(0.1), { stepSize: 3, lastEpoch: -2 })).toThrow(
      'StepLR: lastEpoch must be an integer >= -1, got -2',
    );
  });

  it('refuses the state of another scheduler class', () => {
    const cos = new CosineAnnealingLR(opt(0.1), { tMax: 10 });
    const s = new StepLR(opt(0.1), { stepSize: 3 });
    expect(() => s.loadStateDict(cos.stateDict())).toThrow("StepLR: loadStateDict: state is missing 'stepSize'");
  });
});
