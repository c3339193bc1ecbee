import { describe, expect, it } from 'vitest';
import { ExponentialLR } from './exponential-lr.js';
import { LRScheduler } from './lr-scheduler.js';
import { StepLR } from './step-lr.js';

const opt = (...lrs: number[]) => ({
  paramGroups: lrs.map((lr) => ({ lr })) as { lr: number; [k: string]: unknown }[],
});

describe('LRScheduler', () => {
  it('records initialLr in each group and performs step 0 at construction', () => {
    const o = opt(0.1, 0.2);
    const s = new StepLR(o, { stepSize: 2 });
    expect(o.paramGroups).toEqual([
      { lr: 0.1, initialLr: 0.1 },
      { lr: 0.2, initialLr: 0.2 },
    ]);
    expect(s.lastEpoch).toBe(0);
    expect(s.baseLrs).toEqual([0.1, 0.2]);
  });

  it('keeps an initialLr already present, as PyTorch setdefault does', () => {
    const o = opt(0.1);
    o.paramGroups[0]!.initialLr = 0.5;
    const s = new ExponentialLR(o, { gamma: 0.5 });
    expect(s.baseLrs).toEqual([0.5]);
    s.step(2); // closed form: initialLr · gamma²
    expect(s.getLastLr()).toEqual([0.125]);
  });

  it('requires initialLr when resuming with lastEpoch >= 0', () => {
    expect(() => new StepLR(opt(0.1, 0.2), { stepSize: 2, lastEpoch: 4 })).toThrow(
      'StepLR: paramGroups[0].initialLr is not set, which resuming an optimizer (lastEpoch = 4) requires',
    );
  });

  it('validates the optimizer', () => {
    expect(() => new StepLR({} as never, { stepSize: 2 })).toThrow(
      'StepLR: optimizer must have a non-empty paramGroups array, got undefined',
    );
    expect(() => new StepLR({ paramGroups: [] }, { stepSize: 2 })).toThrow(
      'StepLR: optimizer must have a non-empty paramGroups array, got []',
    );
    expect(() => new StepLR({ paramGroups: [{ lr: '0.1' }] } as never, { stepSize: 2 })).toThrow(
      "StepLR: paramGroups[0].lr must be a finite number, got '0.1'",
    );
    expect(() => new StepLR(null as never, { stepSize: 2 })).toThrow(
      'StepLR: optimizer must have a non-empty paramGroups array, got undefined',
    );
  });

  it('jumps with step(epoch) using the closed form, and rejects a bad epoch', () => {
    const s = new StepLR(opt(1), { stepSize: 2, gamma: 0.5 });
    s.step(5);
    expect(s.lastEpoch).toBe(5);
    expect(s.getLastLr()).toEqual([0.25]);
    expect(() => s.step(-1)).toThrow('StepLR: step: epoch must be a non-negative integer, got -1');
    expect(() => s.step(1.5)).toThrow('StepLR: step: epoch must be a non-negative integer, got 1.5');
  });

  it('getLastLr returns a copy', () => {
    const s = new StepLR(opt(1), { stepSize: 2 });
    s.getLastLr()[0] = 7;
    expect(s.getLastLr()).toEqual([1]);
  });

  it('state dicts are deep copies and loading checks keys and kinds', () => {
    const s = new StepLR(opt(1, 2), { stepSize: 2 });
    const sd = s.stateDict();
    (sd.baseLrs as number[])[0] = 99;
    expect(s.baseLrs).toEqual([1, 2]);
    expect(() => s.loadStateDict({ ...s.stateDict(), extra: 1 })).toThrow(
      "StepLR: loadStateDict: unexpected key 'extra'",
    );
    expect(() => s.loadStateDict({ ...s.stateDict(), gamma: 'big' })).toThrow(
      "StepLR: loadStateDict: 'gamma' must be a number, got 'big'",
    );
    expect(() => s.loadStateDict({ ...s.stateDict(), baseLrs: 1 })).toThrow(
      "StepLR: loadStateDict: 'baseLrs' must be an array, got 1",
    );
    expect(() => s.loadStateDict(null as never)).toThrow('StepLR: loadStateDict: state must be an object, got null');
  });

  it('can be extended with a custom chainable rule', () => {
    class HalvingLR extends LRScheduler {
      constructor(o: ReturnType<typeof opt>) {
        super('HalvingLR', o);
        this.initialStep();
      }
      protected getLr(): number[] {
        return this.groups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2));
      }
    }
    const s = new HalvingLR(opt(1));
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.25]);
    expect(s.stateDict()).toEqual({ lastEpoch: 2, baseLrs: [1], stepCount: 3, lastLr: [0.25] });
  });
});
