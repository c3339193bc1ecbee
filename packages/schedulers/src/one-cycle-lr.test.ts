import { describe, expect, it } from 'vitest';
import { OneCycleLR } from './one-cycle-lr.js';
import { describeGolden } from './testing/golden.js';

const sgd = (...lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr, momentum: 0.9 })) });

describe('OneCycleLR', () => {
  const golden = describeGolden('one-cycle-lr');

  it("throws PyTorch's message when stepped past totalSteps, and the failed step changes nothing", () => {
    const { totalSteps, stepsTaken, message } = golden.errors!.oneCycleOverstep!;
    const o = sgd(0.1);
    const s = new OneCycleLR(o, { maxLr: 0.1, totalSteps });
    for (let i = 0; i < stepsTaken; i++) s.step();
    const lr = o.paramGroups[0]!.lr;
    const momentum = o.paramGroups[0]!.momentum;
    expect(() => s.step()).toThrow(`OneCycleLR: ${message}`);
    expect(message).toBe('Tried to step 12 times. The specified number of total steps is 10');
    expect(s.lastEpoch).toBe(stepsTaken);
    expect(o.paramGroups[0]).toMatchObject({ lr, momentum });
  });

  it('writes initialLr, maxLr, minLr and the momentum bounds into each group', () => {
    const o = sgd(1, 1);
    new OneCycleLR(o, {
      maxLr: [0.5, 1],
      totalSteps: 10,
      divFactor: 5,
      finalDivFactor: 10,
      maxMomentum: 0.9,
      baseMomentum: [0.8, 0.7],
    });
    expect(o.paramGroups).toEqual([
      {
        lr: expect.closeTo(0.1, 15),
        momentum: 0.9,
        initialLr: 0.1,
        maxLr: 0.5,
        minLr: 0.01,
        maxMomentum: 0.9,
        baseMomentum: 0.8,
      },
      {
        lr: expect.closeTo(0.2, 15),
        momentum: 0.9,
        initialLr: 0.2,
        maxLr: 1,
        minLr: 0.02,
        maxMomentum: 0.9,
        baseMomentum: 0.7,
      },
    ]);
  });

  it('cycles betas[0] of Adam-like groups in a new array, keeping betas[1]', () => {
    const betas = [0.9, 0.999];
    const o = { paramGroups: [{ lr: 0.001, betas }] };
    const s = new OneCycleLR(o, { maxLr: 0.01, totalSteps: 10 });
    s.step();
    expect(o.paramGroups[0]!.betas).not.toBe(betas);
    expect(betas).toEqual([0.9, 0.999]);
    expect(o.paramGroups[0]!.betas[1]).toBe(0.999);
    expect(o.paramGroups[0]!.betas[0]).toBeLessThan(0.95);
  });

  it('requires momentum or betas when cycleMomentum is on', () => {
    const plain = { paramGroups: [{ lr: 0.1 }] };
    expect(() => new OneCycleLR(plain, { maxLr: 0.1, totalSteps: 10 })).toThrow(
      'OneCycleLR: optimizer must support momentum with `cycleMomentum` option enabled',
    );
    const s = new OneCycleLR(plain, { maxLr: 0.1, totalSteps: 10, cycleMomentum: false });
    expect(s.getLastLr()[0]).toBeCloseTo(0.1 / 25, 15);
    expect(plain.paramGroups[0]).not.toHaveProperty('momentum');
  });

  it('rejects invalid arguments with messages naming them', () => {
    const o = sgd(0.1);
    expect(() => new OneCycleLR(o, { maxLr: 0.1 })).toThrow(
      'OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 0 })).toThrow(
      'OneCycleLR: totalSteps must be a positive integer, got 0',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, epochs: 3 })).toThrow(
      'OneCycleLR: stepsPerEpoch must be a positive integer, got undefined',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, epochs: 0, stepsPerEpoch: 3 })).toThrow(
      'OneCycleLR: epochs must be a positive integer, got 0',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 1.2 })).toThrow(
      'OneCycleLR: pctStart must be in [0, 1], got 1.2',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never })).toThrow(
      "OneCycleLR: annealStrategy must be one of 'cos', 'linear', got 'exp'",
    );
    expect(() => new OneCycleLR(o, { maxLr: [0.1, 0.2], totalSteps: 10 })).toThrow(
      'OneCycleLR: expected 1 values for maxLr (one per param group), got 2',
    );
    expect(() => new OneCycleLR(o, { maxLr: -1, totalSteps: 10 })).toThrow(
      'OneCycleLR: maxLr must be a positive number, got -1',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, divFactor: 0 })).toThrow(
      'OneCycleLR: divFactor must be a positive number, got 0',
    );
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 })).toThrow(
      'OneCycleLR: phase 0 of the cycle spans no steps (it starts and ends at step 0)',
    );
    expect(o.paramGroups[0]).toEqual({ lr: 0.1, momentum: 0.9 });
  });

  it('resumes with lastEpoch from the values stored in the groups', () => {
    const a = sgd(0.1);
    const s = new OneCycleLR(a, { maxLr: 0.1, totalSteps: 20 });
    for (let i = 0; i < 5; i++) s.step();
    const b = { paramGroups: a.paramGroups.map((g) => ({ ...g })) };
    const r = new OneCycleLR(b, { maxLr: 0.1, totalSteps: 20, lastEpoch: 5 });
    s.step();
    expect(r.getLastLr()).toEqual(s.getLastLr());
    expect(b.paramGroups[0]!.momentum).toBe(a.paramGroups[0]!.momentum);
    expect(() => new OneCycleLR(sgd(0.1), { maxLr: 0.1, totalSteps: 20, lastEpoch: 5 })).toThrow(
      'OneCycleLR: paramGroups[0].initialLr is not set, which resuming an optimizer (lastEpoch = 5) requires',
    );
  });
});
