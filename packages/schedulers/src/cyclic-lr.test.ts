import { describe, expect, it } from 'vitest';
import { CyclicLR } from './cyclic-lr.js';
import { describeGolden, expectSteps, FLOAT64, replay } from './testing/golden.js';

const sgd = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr, momentum: 0.9 })) });

describe('CyclicLR', () => {
  const golden = describeGolden('cyclic-lr');

  // PyTorch 1.13 refuses Adam here; PyTorch 2 cycles β1 with the same formula as momentum. So an Adam-like
  // optimizer must see, in betas[0], exactly the momentum sequence PyTorch gives SGD.
  describe.each(golden.cases.filter((c) => c.recordMomentum))('$name with Adam-like groups', (c) => {
    it('cycles betas[0] as PyTorch cycles SGD momentum', () => {
      const rec = replay(c, 'adam');
      expectSteps(rec.beta1!, c.record.momentum!, `${c.name} beta1`, FLOAT64);
      expectSteps(rec.lr, c.record.lr, `${c.name} lr`, FLOAT64);
    });
  });

  it('sets each group lr to baseLr at construction and peaks at maxLr after stepSizeUp steps', () => {
    const o = sgd(5);
    const s = new CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeUp: 2 });
    expect(s.getLastLr()).toEqual([0.1]);
    expect(o.paramGroups[0]!.momentum).toBe(0.9);
    s.step();
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(1, 15);
    expect(o.paramGroups[0]!.momentum).toBeCloseTo(0.8, 15);
    expect(s.baseLrs).toEqual([0.1]);
  });

  it('rejects invalid arguments with messages naming them', () => {
    const o = sgd(0.1);
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, mode: 'sine' as never })).toThrow(
      "CyclicLR: mode must be one of 'triangular', 'triangular2', 'exp_range', got 'sine'",
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeUp: 0 })).toThrow(
      'CyclicLR: stepSizeUp must be a positive number, got 0',
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeDown: -2 })).toThrow(
      'CyclicLR: stepSizeDown must be a positive number, got -2',
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, gamma: 0 })).toThrow(
      'CyclicLR: gamma must be a positive number, got 0',
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, scaleFn: 2 as never })).toThrow(
      'CyclicLR: scaleFn must be a function, got 2',
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, scaleMode: 'epoch' as never })).toThrow(
      "CyclicLR: scaleMode must be one of 'cycle', 'iterations', got 'epoch'",
    );
    expect(() => new CyclicLR(o, { baseLr: [0.1, 0.2], maxLr: 1 })).toThrow(
      'CyclicLR: expected 1 values for baseLr (one per param group), got 2',
    );
    expect(() => new CyclicLR(o, { baseLr: 0.1, maxLr: -1 })).toThrow(
      'CyclicLR: maxLr must be a non-negative number, got -1',
    );
    expect(() => new CyclicLR({ paramGroups: [{ lr: 0.1 }] }, { baseLr: 0.1, maxLr: 1 })).toThrow(
      'CyclicLR: optimizer must support momentum with `cycleMomentum` option enabled',
    );
    expect(o.paramGroups[0]).toEqual({ lr: 0.1, momentum: 0.9 });
  });

  it('checks what a custom scaleFn returns', () => {
    expect(() => new CyclicLR(sgd(0.1), { baseLr: 0.1, maxLr: 1, scaleFn: () => Number.NaN })).toThrow(
      'CyclicLR: scaleFn returned NaN for 1; expected a finite number',
    );
  });

  it('does not save a custom scaleFn but keeps its own on load', () => {
    const a = new CyclicLR(sgd(0.1), { baseLr: 0.1, maxLr: 1, stepSizeUp: 3, scaleFn: (x) => 1 / x });
    a.step();
    const sd = a.stateDict();
    expect(sd).not.toHaveProperty('scaleFn');
    const b = new CyclicLR(sgd(0.1), { baseLr: 0.1, maxLr: 1, stepSizeUp: 3, scaleFn: (x) => 1 / x });
    b.loadStateDict(JSON.parse(JSON.stringify(sd)));
    a.step();
    b.step();
    expect(b.getLastLr()).toEqual(a.getLastLr());
  });
});
