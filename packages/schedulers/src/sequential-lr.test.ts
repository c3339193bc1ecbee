import { describe, expect, it } from 'vitest';
import { ConstantLR } from './constant-lr.js';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { ExponentialLR } from './exponential-lr.js';
import { LinearLR } from './linear-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { SequentialLR } from './sequential-lr.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('SequentialLR', () => {
  describeGolden('sequential-lr');

  it('undoes the construction steps of later schedulers and restarts each at its milestone', () => {
    const o = opt(1);
    const warm = new ConstantLR(o, { factor: 0.5, totalIters: 10 });
    const decay = new ExponentialLR(o, { gamma: 0.5 });
    const s = new SequentialLR(o, { schedulers: [warm, decay], milestones: [2] });
    expect(s.lastEpoch).toBe(0);
    expect(warm.lastEpoch).toBe(0);
    expect(decay.lastEpoch).toBe(-1);
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 4; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([0.5, 0.5, 1, 0.5, 0.25]);
    expect(decay.lastEpoch).toBe(2);
  });

  it('rejects mismatched milestones, foreign optimizers and plateau schedulers', () => {
    const o = opt(0.1);
    const a = new LinearLR(o);
    const b = new CosineAnnealingLR(o, { tMax: 10 });
    expect(() => new SequentialLR(o, { schedulers: [a, b], milestones: [] })).toThrow(
      'SequentialLR: expected 1 milestones (one fewer than the 2 schedulers), got 0: []',
    );
    expect(() => new SequentialLR(o, { schedulers: [a, b], milestones: [3, 5] })).toThrow(
      'SequentialLR: expected 1 milestones (one fewer than the 2 schedulers), got 2: [3,5]',
    );
    expect(() => new SequentialLR(o, { schedulers: [a, b, a], milestones: [5, 3] })).toThrow(
      'SequentialLR: milestones must be strictly increasing, got [5,3]',
    );
    const other = new CosineAnnealingLR(opt(0.1), { tMax: 10 });
    expect(() => new SequentialLR(o, { schedulers: [a, other], milestones: [3] })).toThrow(
      'SequentialLR: schedulers[1] is bound to a different optimizer than the one passed in',
    );
    expect(() => new SequentialLR(o, { schedulers: [a, new ReduceLROnPlateau(o) as never], milestones: [3] })).toThrow(
      'SequentialLR: schedulers[1] is a ReduceLROnPlateau, whose step needs a metric; it cannot be sequenced',
    );
    expect(() => new SequentialLR(o, { schedulers: [], milestones: [] })).toThrow(
      'SequentialLR: schedulers must be a non-empty array, got []',
    );
    expect(() => new SequentialLR(o, { schedulers: [a, {} as never], milestones: [3] })).toThrow(
      'SequentialLR: schedulers[1] must be an LRScheduler (StepLR, LinearLR, ...), got {}',
    );
  });

  it('rejects a state dict with the wrong number of schedulers', () => {
    const o = opt(0.1);
    const s = new SequentialLR(o, {
      schedulers: [new LinearLR(o), new ExponentialLR(o, { gamma: 0.9 })],
      milestones: [5],
    });
    const sd = s.stateDict();
    expect(() => s.loadStateDict({ ...sd, schedulers: [(sd.schedulers as unknown[])[0]] })).toThrow(
      'SequentialLR: loadStateDict: expected 2 scheduler states',
    );
  });
});
