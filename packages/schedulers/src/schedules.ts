/**
 * Pure schedules, optax-style: each function returns a `(step) => value` with no state, for a training loop
 * that sets `lr` itself, for LambdaLR (as a factor: `peakValue: 1`), or for any other hyperparameter.
 * Steps before the start clip to the first value and steps after the end hold the last one.
 *
 * Where a schedule has a PyTorch scheduler of the same shape, it gives that scheduler's closed form:
 * `stepSchedule` ↔ StepLR, `piecewiseConstantSchedule` ↔ MultiStepLR, `exponentialDecaySchedule` ↔
 * ExponentialLR, `polynomialSchedule` ↔ PolynomialLR, `linearSchedule` ↔ LinearLR, `cosineDecaySchedule` ↔
 * CosineAnnealingLR (up to tMax), `oneCycleSchedule` ↔ OneCycleLR's learning rate.
 */
import { bisectRight } from './bisect.js';
import {
  annealFunction,
  locatePhase,
  oneCyclePhases,
  type AnnealStrategy,
  type OneCycleKey,
} from './one-cycle-phases.js';
import {
  boolean,
  fail,
  finite,
  fmt,
  func,
  increasingInts,
  inRange,
  nonNegative,
  oneOf,
  positive,
  positiveInt,
} from './validate.js';

/** A value as a function of the step count. */
export type Schedule = (step: number) => number;

/** Wraps `fn` so that a step that is not a number fails with a message naming the schedule. */
function schedule(name: string, fn: (step: number) => number): Schedule {
  return (step: number) => {
    if (typeof step !== 'number' || Number.isNaN(step)) fail(name, `step must be a number, got ${fmt(step)}`);
    return fn(step);
  };
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** The same value at every step. */
export function constantSchedule(value: number): Schedule {
  finite('constantSchedule', 'value', value);
  return schedule('constantSchedule', () => value);
}

export interface PolynomialScheduleOptions {
  initValue: number;
  endValue: number;
  power: number;
  /** Steps over which the value moves from initValue to endValue. */
  transitionSteps: number;
  /** Steps to hold initValue before the transition starts. Default 0. */
  transitionBegin?: number;
}

/**
 * (init − end) · (1 − c/T)^power + end, with c = clip(step − transitionBegin, 0, T) and T = transitionSteps.
 * With endValue 0 this is PyTorch's PolynomialLR.
 */
export function polynomialSchedule(options: PolynomialScheduleOptions): Schedule {
  const name = 'polynomialSchedule';
  const {
    initValue,
    endValue,
    power,
    transitionSteps,
    transitionBegin = 0,
  } = options ?? ({} as PolynomialScheduleOptions);
  finite(name, 'initValue', initValue);
  finite(name, 'endValue', endValue);
  nonNegative(name, 'power', power);
  positive(name, 'transitionSteps', transitionSteps);
  nonNegative(name, 'transitionBegin', transitionBegin);
  return schedule(name, (step) => {
    const count = clip(step - transitionBegin, 0, transitionSteps);
    return (initValue - endValue) * (1 - count / transitionSteps) ** power + endValue;
  });
}

export interface LinearScheduleOptions {
  initValue: number;
  endValue: number;
  transitionSteps: number;
  transitionBegin?: number;
}

/** Moves linearly from initValue to endValue over transitionSteps (after transitionBegin), then holds. */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  const name = 'linearSchedule';
  const { initValue, endValue, transitionSteps, transitionBegin = 0 } = options ?? ({} as LinearScheduleOptions);
  finite(name, 'initValue', initValue);
  finite(name, 'endValue', endValue);
  positive(name, 'transitionSteps', transitionSteps);
  nonNegative(name, 'transitionBegin', transitionBegin);
  return schedule(name, (step) => {
    const count = clip(step - transitionBegin, 0, transitionSteps);
    return initValue + ((endValue - initValue) * count) / transitionSteps;
  });
}

export interface LinearWarmupScheduleOptions {
  peakValue: number;
  warmupSteps: number;
  /** Value at step 0. Default 0. */
  initValue?: number;
}

/** Linear warmup from initValue to peakValue over warmupSteps, then constant at peakValue. */
export function linearWarmupSchedule(options: LinearWarmupScheduleOptions): Schedule {
  const name = 'linearWarmupSchedule';
  const { peakValue, warmupSteps, initValue = 0 } = options ?? ({} as LinearWarmupScheduleOptions);
  finite(name, 'peakValue', peakValue);
  positive(name, 'warmupSteps', warmupSteps);
  finite(name, 'initValue', initValue);
  return schedule(name, (step) => initValue + ((peakValue - initValue) * clip(step, 0, warmupSteps)) / warmupSteps);
}

export interface CosineDecayScheduleOptions {
  initValue: number;
  decaySteps: number;
  /** Final value as a fraction of initValue. Default 0. */
  alpha?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Cosine decay (SGDR without restarts): init · ((1 − α) · c^exponent + α) with
 * c = (1 + cos(π · min(step, T) / T)) / 2 and T = decaySteps; holds init·α after T.
 */
export function cosineDecaySchedule(options: CosineDecayScheduleOptions): Schedule {
  const name = 'cosineDecaySchedule';
  const { initValue, decaySteps, alpha = 0, exponent = 1 } = options ?? ({} as CosineDecayScheduleOptions);
  finite(name, 'initValue', initValue);
  positive(name, 'decaySteps', decaySteps);
  inRange(name, 'alpha', alpha, '[0, 1]');
  nonNegative(name, 'exponent', exponent);
  return schedule(name, (step) => {
    const c = 0.5 * (1 + Math.cos((Math.PI * clip(step, 0, decaySteps)) / decaySteps));
    return initValue * ((1 - alpha) * c ** exponent + alpha);
  });
}

export interface WarmupCosineDecayScheduleOptions {
  /** Value at step 0. */
  initValue: number;
  /** Value reached at the end of the warmup. */
  peakValue: number;
  warmupSteps: number;
  /** Total length of the schedule, warmup included. */
  decaySteps: number;
  /** Value at decaySteps and after. Default 0. */
  endValue?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * The common recipe: linear warmup from initValue to peakValue over warmupSteps, then cosine decay to endValue
 * at decaySteps: end + (peak − end) · ((1 + cos(π·t/T)) / 2)^exponent with t = step − warmupSteps and
 * T = decaySteps − warmupSteps.
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayScheduleOptions): Schedule {
  const name = 'warmupCosineDecaySchedule';
  const {
    initValue,
    peakValue,
    warmupSteps,
    decaySteps,
    endValue = 0,
    exponent = 1,
  } = options ?? ({} as WarmupCosineDecayScheduleOptions);
  finite(name, 'initValue', initValue);
  finite(name, 'peakValue', peakValue);
  nonNegative(name, 'warmupSteps', warmupSteps);
  finite(name, 'decaySteps', decaySteps);
  if (decaySteps <= warmupSteps) {
    fail(name, `decaySteps must be greater than warmupSteps (${warmupSteps}), got ${decaySteps}`);
  }
  finite(name, 'endValue', endValue);
  nonNegative(name, 'exponent', exponent);
  const total = decaySteps - warmupSteps;
  return schedule(name, (step) => {
    if (step < warmupSteps) return initValue + ((peakValue - initValue) * Math.max(step, 0)) / warmupSteps;
    const c = 0.5 * (1 + Math.cos((Math.PI * Math.min(step - warmupSteps, total)) / total));
    return endValue + (peakValue - endValue) * c ** exponent;
  });
}

export interface ExponentialDecayScheduleOptions {
  initValue: number;
  /** Steps over which the value is multiplied by decayRate once. */
  transitionSteps: number;
  decayRate: number;
  /** Steps to hold initValue before decaying. Default 0. */
  transitionBegin?: number;
  /** Decay in whole multiples of transitionSteps (a staircase). Default false. */
  staircase?: boolean;
  /** Bound the value stops at (a floor when decaying, a ceiling when growing). */
  endValue?: number;
}

/**
 * init · decayRate^(c / transitionSteps) with c = step − transitionBegin (floored to whole transitions with
 * `staircase`), initValue for c <= 0, bounded by endValue. With transitionSteps 1 this is ExponentialLR.
 */
export function exponentialDecaySchedule(options: ExponentialDecayScheduleOptions): Schedule {
  const name = 'exponentialDecaySchedule';
  const o = options ?? ({} as ExponentialDecayScheduleOptions);
  const { initValue, transitionSteps, decayRate, transitionBegin = 0, staircase = false, endValue } = o;
  finite(name, 'initValue', initValue);
  positive(name, 'transitionSteps', transitionSteps);
  positive(name, 'decayRate', decayRate);
  nonNegative(name, 'transitionBegin', transitionBegin);
  boolean(name, 'staircase', staircase);
  if (endValue !== undefined) finite(name, 'endValue', endValue);
  return schedule(name, (step) => {
    const count = step - transitionBegin;
    if (count <= 0) return initValue;
    const p = staircase ? Math.floor(count / transitionSteps) : count / transitionSteps;
    const value = initValue * decayRate ** p;
    if (endValue === undefined) return value;
    return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
  });
}

export interface StepScheduleOptions {
  initValue: number;
  /** Period of the decay, in steps. */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

/** init · gamma^⌊step / stepSize⌋: PyTorch's StepLR as a function. */
export function stepSchedule(options: StepScheduleOptions): Schedule {
  const name = 'stepSchedule';
  const { initValue, stepSize, gamma = 0.1 } = options ?? ({} as StepScheduleOptions);
  finite(name, 'initValue', initValue);
  positiveInt(name, 'stepSize', stepSize);
  positive(name, 'gamma', gamma);
  return schedule(name, (step) => initValue * gamma ** Math.floor(Math.max(step, 0) / stepSize));
}

export interface PiecewiseConstantScheduleOptions {
  initValue: number;
  /** Boundary step → factor applied from that step on, e.g. `{ 30: 0.1, 80: 0.1 }`. */
  boundariesAndScales: Record<number, number>;
}

/** initValue multiplied by the scale of every boundary <= step (MultiStepLR with one gamma per milestone). */
export function piecewiseConstantSchedule(options: PiecewiseConstantScheduleOptions): Schedule {
  const name = 'piecewiseConstantSchedule';
  const { initValue, boundariesAndScales } = options ?? ({} as PiecewiseConstantScheduleOptions);
  finite(name, 'initValue', initValue);
  if (boundariesAndScales === null || typeof boundariesAndScales !== 'object' || Array.isArray(boundariesAndScales)) {
    fail(name, `boundariesAndScales must be an object mapping steps to scales, got ${fmt(boundariesAndScales)}`);
  }
  const entries = Object.entries(boundariesAndScales).map(([k, v]) => {
    const boundary = Number(k);
    if (!Number.isInteger(boundary) || boundary < 0) {
      fail(name, `boundariesAndScales: boundary ${fmt(k)} must be a non-negative integer`);
    }
    return [boundary, finite(name, `boundariesAndScales[${k}]`, v)] as const;
  });
  entries.sort((a, b) => a[0] - b[0]);
  const boundaries = entries.map((e) => e[0]);
  // values[i]: the value once i boundaries have been passed.
  const values = [initValue];
  for (const [, scale] of entries) values.push(values.at(-1)! * scale);
  return schedule(name, (step) => values[bisectRight(boundaries, step)]!);
}

export interface OneCycleScheduleOptions {
  totalSteps: number;
  /** The peak value (OneCycleLR's maxLr). */
  peakValue: number;
  /** Default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: AnnealStrategy;
  /** Starts at peakValue / divFactor. Default 25. */
  divFactor?: number;
  /** Ends at peakValue / (divFactor · finalDivFactor). Default 1e4. */
  finalDivFactor?: number;
  /** Default false. */
  threePhase?: boolean;
}

/**
 * The 1cycle learning rate as a function: equal to OneCycleLR's for steps 0..totalSteps−1, clipped to that
 * range outside it (so it holds the final value instead of extrapolating or throwing).
 */
export function oneCycleSchedule(options: OneCycleScheduleOptions): Schedule {
  const name = 'oneCycleSchedule';
  const o = options ?? ({} as OneCycleScheduleOptions);
  const totalSteps = positiveInt(name, 'totalSteps', o.totalSteps);
  const peak = positive(name, 'peakValue', o.peakValue);
  const pctStart = inRange(name, 'pctStart', o.pctStart ?? 0.3, '[0, 1]');
  const anneal = annealFunction(oneOf(name, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear'] as const));
  const divFactor = positive(name, 'divFactor', o.divFactor ?? 25);
  const finalDivFactor = positive(name, 'finalDivFactor', o.finalDivFactor ?? 1e4);
  const phases = oneCyclePhases(totalSteps, pctStart, boolean(name, 'threePhase', o.threePhase ?? false));
  const initial = peak / divFactor;
  const values: Record<OneCycleKey, number> = {
    initialLr: initial,
    maxLr: peak,
    minLr: initial / finalDivFactor,
    maxMomentum: 0,
    baseMomentum: 0,
  };
  return schedule(name, (step) => {
    const { phase, pct } = locatePhase(name, phases, clip(step, 0, totalSteps - 1));
    return anneal(values[phase.startLr], values[phase.endLr], pct);
  });
}

/**
 * Runs `schedules[0]` until `boundaries[0]`, then `schedules[1]` restarted at step 0, and so on:
 * schedule i sees `step − boundaries[i−1]`. The boundaries are step counts, strictly increasing.
 */
export function joinSchedules(schedules: Schedule[], boundaries: number[]): Schedule {
  const name = 'joinSchedules';
  if (!Array.isArray(schedules) || schedules.length === 0) {
    fail(name, `schedules must be a non-empty array of functions, got ${fmt(schedules)}`);
  }
  schedules.forEach((s, i) => func(name, `schedules[${i}]`, s));
  const bs = increasingInts(name, 'boundaries', boundaries);
  if (bs.length !== schedules.length - 1) {
    fail(
      name,
      `expected ${schedules.length - 1} boundaries (one fewer than the ${schedules.length} schedules), got ${
        bs.length
      }: ${fmt(bs)}`,
    );
  }
  const parts = [...schedules];
  return schedule(name, (step) => {
    const i = bisectRight(bs, step);
    return parts[i]!(i === 0 ? step : step - bs[i - 1]!);
  });
}
