import { describe, expect, it } from 'vitest';
import { ChainedScheduler } from './chained-scheduler.js';
import { ConstantLR } from './constant-lr.js';
import { ExponentialLR } from './exponential-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { describeGolden } from './testing/golden.js';

const opt = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

describe('ChainedScheduler', () => {
  describeGolden('chained-scheduler');

  it('steps every scheduler, so their factors multiply', () => {
    const o = opt(1);
    const s = new ChainedScheduler([
      new ConstantLR(o, { factor: 0.5, totalIters: 2 }),
      new ExponentialLR(o, { gamma: 0.5 }),
    ]);
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 3; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([0.5, 0.25, 0.25, 0.125]);
    expect(s.lastEpoch).toBe(3);
    expect(s.optimizer).toBe(o);
  });

  it('rejects schedulers of different optimizers, plateau schedulers and non-schedulers', () => {
    const o = opt(1);
    const a = new ExponentialLR(o, { gamma: 0.5 });
    expect(() => new ChainedScheduler([a, new ExponentialLR(opt(1), { gamma: 0.5 })])).toThrow(
      'ChainedScheduler: schedulers[1] is bound to a different optimizer than schedulers[0]',
    );
    expect(() => new ChainedScheduler([a, new ReduceLROnPlateau(o) as never])).toThrow(
      'ChainedScheduler: schedulers[1] is a ReduceLROnPlateau, whose step needs a metric; it cannot be chained',
    );
    expect(() => new ChainedScheduler([])).toThrow('ChainedScheduler: schedulers must be a non-empty array, got []');
    expect(() => new ChainedScheduler([a, 5 as never])).toThrow(
      'ChainedScheduler: schedulers[1] must be a scheduler, got 5',
    );
  });
});
