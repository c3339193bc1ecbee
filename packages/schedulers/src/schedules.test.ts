import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecaySchedule,
  joinSchedules,
  linearSchedule,
  linearWarmupSchedule,
  oneCycleSchedule,
  piecewiseConstantSchedule,
  polynomialSchedule,
  stepSchedule,
  warmupCosineDecaySchedule,
  type Schedule,
} from './schedules.js';
import { expectSteps, FLOAT64, loadGolden, type GoldenCase } from './testing/golden.js';

const golden = (file: string, name: string): GoldenCase => {
  const c = loadGolden(file).cases.find((x) => x.name === name);
  if (!c) throw new Error(`no golden case ${file}/${name}`);
  return c;
};

/** The schedule's values at steps 0..n−1 next to the first param group of a PyTorch sequence. */
function expectSequence(f: Schedule, c: GoldenCase, n = c.record.lr.length, group = 0): void {
  const torch = c.record.lr.slice(0, n).map((row) => row[group]!);
  expectSteps(
    torch.map((_, t) => f(t)),
    torch,
    c.name,
    FLOAT64,
  );
}

describe('pure schedules against PyTorch schedulers (closed forms)', () => {
  it('stepSchedule is StepLR', () => {
    expectSequence(stepSchedule({ initValue: 0.1, stepSize: 3, gamma: 0.5 }), golden('step-lr', 'basic'));
    expectSequence(stepSchedule({ initValue: 1, stepSize: 7 }), golden('step-lr', 'default gamma, three groups'));
  });

  it('piecewiseConstantSchedule is MultiStepLR', () => {
    const f = piecewiseConstantSchedule({ initValue: 0.1, boundariesAndScales: { 12: 0.3, 5: 0.3, 20: 0.3 } });
    expectSequence(f, golden('multi-step-lr', 'basic'));
  });

  it('exponentialDecaySchedule is ExponentialLR, and with staircase StepLR', () => {
    expectSequence(
      exponentialDecaySchedule({ initValue: 0.1, transitionSteps: 1, decayRate: 0.9 }),
      golden('exponential-lr', 'gamma 0.9'),
    );
    expectSequence(
      exponentialDecaySchedule({ initValue: 0.1, transitionSteps: 3, decayRate: 0.5, staircase: true }),
      golden('step-lr', 'basic'),
    );
  });

  it('polynomialSchedule with endValue 0 is PolynomialLR', () => {
    expectSequence(
      polynomialSchedule({ initValue: 1, endValue: 0, power: 2, transitionSteps: 20 }),
      golden('polynomial-lr', 'power 2 over 20'),
    );
    expectSequence(
      polynomialSchedule({ initValue: 0.1, endValue: 0, power: 0.5, transitionSteps: 15 }),
      golden('polynomial-lr', 'power 0.5 over 15'),
    );
  });

  it('linearSchedule is LinearLR', () => {
    expectSequence(
      linearSchedule({ initValue: 0.01, endValue: 0.1, transitionSteps: 10 }),
      golden('linear-lr', 'warmup from 0.1 over 10'),
    );
    expectSequence(
      linearSchedule({ initValue: 1, endValue: 0.2, transitionSteps: 20 }),
      golden('linear-lr', 'decay to 0.2 over 20'),
    );
  });

  it('cosineDecaySchedule is CosineAnnealingLR up to tMax', () => {
    expectSequence(
      cosineDecaySchedule({ initValue: 0.1, decaySteps: 7, alpha: 0.01 }),
      golden('cosine-annealing-lr', 'tMax 7 etaMin 0.001'),
      8,
    );
    expectSequence(
      cosineDecaySchedule({ initValue: 0.1, decaySteps: 10 }),
      golden('cosine-annealing-lr', 'tMax 10 over five periods'),
      11,
    );
  });

  it('warmupCosineDecaySchedule and joinSchedules are SequentialLR(LinearLR, CosineAnnealingLR)', () => {
    const c = golden('sequential-lr', 'linear warmup then cosine');
    expectSequence(
      warmupCosineDecaySchedule({ initValue: 0.01, peakValue: 0.1, warmupSteps: 5, decaySteps: 25 }),
      c,
      26,
    );
    const joined = joinSchedules(
      [
        linearSchedule({ initValue: 0.01, endValue: 0.1, transitionSteps: 5 }),
        cosineDecaySchedule({ initValue: 0.1, decaySteps: 20 }),
      ],
      [5],
    );
    expectSequence(joined, c, 26);
  });

  it("oneCycleSchedule is OneCycleLR's learning rate", () => {
    expectSequence(
      oneCycleSchedule({ totalSteps: 100, peakValue: 0.1 }),
      golden('one-cycle-lr', 'cos, SGD momentum'),
      100,
    );
    expectSequence(
      oneCycleSchedule({ totalSteps: 100, peakValue: 0.02, annealStrategy: 'linear' }),
      golden('one-cycle-lr', 'linear, per-group maxLr, epochs x stepsPerEpoch'),
      100,
      1,
    );
    expectSequence(
      oneCycleSchedule({
        totalSteps: 60,
        peakValue: 0.05,
        threePhase: true,
        pctStart: 0.25,
        divFactor: 10,
        finalDivFactor: 100,
      }),
      golden('one-cycle-lr', 'three phase'),
      60,
    );
  });
});

describe('pure schedules: closed forms and edges', () => {
  it('constantSchedule', () => {
    const f = constantSchedule(0.3);
    expect([f(0), f(10), f(-1)]).toEqual([0.3, 0.3, 0.3]);
  });

  it('linearSchedule holds before transitionBegin and after the transition', () => {
    const f = linearSchedule({ initValue: 1, endValue: 3, transitionSteps: 4, transitionBegin: 2 });
    expect([0, 2, 3, 4, 6, 100].map(f)).toEqual([1, 1, 1.5, 2, 3, 3]);
  });

  it('linearWarmupSchedule rises to peakValue and stays', () => {
    const f = linearWarmupSchedule({ peakValue: 1, warmupSteps: 4 });
    expect([0, 1, 2, 4, 9].map(f)).toEqual([0, 0.25, 0.5, 1, 1]);
    expect(linearWarmupSchedule({ peakValue: 1, warmupSteps: 2, initValue: 0.5 })(1)).toBe(0.75);
  });

  it('polynomialSchedule', () => {
    const f = polynomialSchedule({ initValue: 2, endValue: 1, power: 2, transitionSteps: 4 });
    expect([0, 1, 2, 4, 8].map(f)).toEqual([2, 1 + 0.75 ** 2, 1.25, 1, 1]);
  });

  it('cosineDecaySchedule with alpha and exponent', () => {
    const f = cosineDecaySchedule({ initValue: 2, decaySteps: 4 });
    expect(f(2)).toBeCloseTo(1, 15);
    expect([f(0), f(4), f(10)]).toEqual([2, 0, 0]);
    const g = cosineDecaySchedule({ initValue: 2, decaySteps: 4, alpha: 0.5, exponent: 2 });
    expect(g(1)).toBeCloseTo(2 * (0.5 * ((1 + Math.cos(Math.PI / 4)) / 2) ** 2 + 0.5), 15);
    expect(g(4)).toBe(1);
  });

  it('warmupCosineDecaySchedule ends at endValue', () => {
    const f = warmupCosineDecaySchedule({
      initValue: 0,
      peakValue: 1,
      warmupSteps: 2,
      decaySteps: 6,
      endValue: 0.1,
      exponent: 1,
    });
    expect([0, 1, 2].map(f)).toEqual([0, 0.5, 1]);
    expect(f(4)).toBeCloseTo(0.55, 15);
    expect([f(6), f(50)]).toEqual([0.1, 0.1]);
  });

  it('exponentialDecaySchedule with transitionBegin and endValue', () => {
    const f = exponentialDecaySchedule({
      initValue: 1,
      transitionSteps: 2,
      decayRate: 0.5,
      transitionBegin: 2,
      endValue: 0.3,
    });
    expect([0, 2, 4, 6, 100].map(f)).toEqual([1, 1, 0.5, 0.3, 0.3]);
    expect(f(3)).toBeCloseTo(Math.SQRT1_2, 15);
    const up = exponentialDecaySchedule({ initValue: 1, transitionSteps: 1, decayRate: 2, endValue: 5 });
    expect([1, 2, 3, 4].map(up)).toEqual([2, 4, 5, 5]);
  });

  it('stepSchedule and piecewiseConstantSchedule switch at the boundary step', () => {
    expect([0, 2, 3, 6].map(stepSchedule({ initValue: 8, stepSize: 3, gamma: 0.5 }))).toEqual([8, 8, 4, 2]);
    const f = piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 3: 0.5, 5: 4 } });
    expect([0, 2, 3, 4, 5, 9].map(f)).toEqual([1, 1, 0.5, 0.5, 2, 2]);
  });

  it('oneCycleSchedule holds its final value after totalSteps', () => {
    const f = oneCycleSchedule({ totalSteps: 10, peakValue: 1 });
    expect(f(9)).toBeCloseTo(1 / 25 / 1e4, 18);
    expect(f(50)).toBe(f(9));
    expect(f(-3)).toBe(f(0));
  });

  it('joinSchedules restarts each schedule at its boundary', () => {
    const f = joinSchedules([constantSchedule(1), (s) => 10 + s, (s) => 100 + s], [2, 5]);
    expect([0, 1, 2, 4, 5, 7].map(f)).toEqual([1, 1, 10, 12, 100, 102]);
  });

  it('rejects invalid arguments with messages naming the function and argument', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow('constantSchedule: value must be a finite number, got NaN');
    expect(() => linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 0 })).toThrow(
      'linearSchedule: transitionSteps must be a positive number, got 0',
    );
    expect(() => cosineDecaySchedule({ initValue: 1, decaySteps: 10, alpha: 2 })).toThrow(
      'cosineDecaySchedule: alpha must be in [0, 1], got 2',
    );
    expect(() => warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(
      'warmupCosineDecaySchedule: decaySteps must be greater than warmupSteps (10), got 10',
    );
    expect(() => exponentialDecaySchedule({ initValue: 1, transitionSteps: 1, decayRate: 0 })).toThrow(
      'exponentialDecaySchedule: decayRate must be a positive number, got 0',
    );
    expect(() => stepSchedule({ initValue: 1, stepSize: 0 })).toThrow(
      'stepSchedule: stepSize must be a positive integer, got 0',
    );
    expect(() => piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { '-1': 0.5 } })).toThrow(
      "piecewiseConstantSchedule: boundariesAndScales: boundary '-1' must be a non-negative integer",
    );
    expect(() => oneCycleSchedule({ totalSteps: 10, peakValue: 0 })).toThrow(
      'oneCycleSchedule: peakValue must be a positive number, got 0',
    );
    expect(() => joinSchedules([constantSchedule(1)], [3])).toThrow(
      'joinSchedules: expected 0 boundaries (one fewer than the 1 schedules), got 1: [3]',
    );
    expect(() => joinSchedules([constantSchedule(1), 2 as never], [3])).toThrow(
      'joinSchedules: schedules[1] must be a function, got 2',
    );
    expect(() => joinSchedules([constantSchedule(1), constantSchedule(2), constantSchedule(3)], [4, 4])).toThrow(
      'joinSchedules: boundaries must be strictly increasing, got [4,4]',
    );
    expect(() => constantSchedule(1)('3' as never)).toThrow("constantSchedule: step must be a number, got '3'");
  });
});
