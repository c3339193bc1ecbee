/**
 * Test support (not built into the package): loads the PyTorch golden sequences written by
 * `scripts/golden.py`, builds the same optimizer and scheduler from each case's camelCase spec, replays the
 * steps, and compares with relative tolerance 1e-10 (`FLOAT64`): float64 on both sides, so only rounding may
 * differ.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose, type Tolerance } from '@nn/testing';
import * as S from '../index.js';
import type { OptimizerLike, ParamGroup, StateDict } from '../types.js';

export interface GroupSpec {
  lr: number;
  momentum?: number;
  initialLr?: number;
}

export interface OptimizerSpec {
  kind: 'sgd' | 'adam';
  groups: GroupSpec[];
  momentum?: number;
}

export interface SchedulerSpec {
  type: string;
  options: Record<string, unknown>;
}

export interface GoldenRecord {
  lr: number[][];
  momentum?: number[][];
  beta1?: number[][];
  best?: (number | string)[];
  numBadEpochs?: number[];
  cooldownCounter?: number[];
}

export interface GoldenCase {
  name: string;
  optimizer: OptimizerSpec;
  scheduler: SchedulerSpec;
  steps?: number;
  stepArgs?: number[];
  metrics?: number[];
  lastEpoch?: number;
  recordMomentum?: boolean;
  record: GoldenRecord;
}

export interface GoldenFile {
  torch: string;
  cases: GoldenCase[];
  errors?: Record<string, { totalSteps: number; stepsTaken: number; message: string }>;
}

export function loadGolden(name: string): GoldenFile {
  return JSON.parse(readFileSync(new URL(`../golden/${name}.json`, import.meta.url), 'utf8')) as GoldenFile;
}

/** The functions the golden script names (same definitions as its LAMBDAS and SCALE_FNS). */
export const LAMBDAS: Record<string, (e: number) => number> = {
  exp095: (e) => 0.95 ** e,
  stairs3: (e) => Math.floor(e / 3) + 1,
  inverse: (e) => 1 / (1 + e),
  const095: () => 0.95,
  decaying: (e) => 1 - 0.01 * e,
};
export const SCALE_FNS: Record<string, (x: number) => number> = {
  halfPow: (x) => 0.5 ** x,
  invSqrt: (x) => 1 / Math.sqrt(1 + x),
};

export interface TestOptimizer extends OptimizerLike {
  paramGroups: ParamGroup[];
}

/** A stand-in optimizer: SGD groups carry `momentum` (0 unless given), Adam groups `betas: [0.9, 0.999]`. */
export function makeOptimizer(spec: OptimizerSpec, kind: 'sgd' | 'adam' = spec.kind): TestOptimizer {
  return {
    paramGroups: spec.groups.map((g) => {
      const { momentum, ...rest } = g;
      return kind === 'sgd' ? { ...rest, momentum: momentum ?? spec.momentum ?? 0 } : { ...rest, betas: [0.9, 0.999] };
    }),
  };
}

type AnyScheduler = S.Scheduler | S.ReduceLROnPlateau;

export function makeScheduler(opt: OptimizerLike, spec: SchedulerSpec, lastEpoch?: number): AnyScheduler {
  const options: Record<string, unknown> = { ...spec.options };
  if (lastEpoch !== undefined) options.lastEpoch = lastEpoch;
  if (typeof options.lrLambda === 'string') options.lrLambda = LAMBDAS[options.lrLambda];
  if (Array.isArray(options.lrLambda)) options.lrLambda = (options.lrLambda as string[]).map((n) => LAMBDAS[n]);
  if (typeof options.scaleFn === 'string') options.scaleFn = SCALE_FNS[options.scaleFn];
  const children = () => (options.schedulers as SchedulerSpec[]).map((c) => makeScheduler(opt, c));
  const o = options as never;
  switch (spec.type) {
    case 'StepLR':
      return new S.StepLR(opt, o);
    case 'MultiStepLR':
      return new S.MultiStepLR(opt, o);
    case 'ExponentialLR':
      return new S.ExponentialLR(opt, o);
    case 'CosineAnnealingLR':
      return new S.CosineAnnealingLR(opt, o);
    case 'CosineAnnealingWarmRestarts':
      return new S.CosineAnnealingWarmRestarts(opt, o);
    case 'LinearLR':
      return new S.LinearLR(opt, o);
    case 'ConstantLR':
      return new S.ConstantLR(opt, o);
    case 'PolynomialLR':
      return new S.PolynomialLR(opt, o);
    case 'LambdaLR':
      return new S.LambdaLR(opt, o);
    case 'MultiplicativeLR':
      return new S.MultiplicativeLR(opt, o);
    case 'OneCycleLR':
      return new S.OneCycleLR(opt, o);
    case 'CyclicLR':
      return new S.CyclicLR(opt, o);
    case 'ReduceLROnPlateau':
      return new S.ReduceLROnPlateau(opt, o);
    case 'SequentialLR':
      return new S.SequentialLR(opt, { ...options, schedulers: children() } as never);
    case 'ChainedScheduler':
      return new S.ChainedScheduler(children() as S.Scheduler[]);
    default:
      throw new Error(`unknown scheduler type ${spec.type}`);
  }
}

/** The arguments of each step after construction: none, an explicit epoch, or a metric. */
export function stepArgs(c: GoldenCase): number[][] {
  if (c.metrics) return c.metrics.map((m) => [m]);
  if (c.stepArgs) return c.stepArgs.map((e) => [e]);
  return Array.from({ length: c.steps! }, () => []);
}

export function step(s: AnyScheduler, args: number[]): void {
  (s.step as (...a: number[]) => void)(...args);
}

/** Appends what the golden script records after a step (lr, and momentum / β1 / plateau state when recorded). */
export function snapshot(
  c: GoldenCase,
  opt: TestOptimizer,
  s: AnyScheduler,
  rec: GoldenRecord,
  kind = c.optimizer.kind,
): void {
  const groups = opt.paramGroups;
  rec.lr.push(s.getLastLr());
  expect(s.getLastLr()).toEqual(groups.map((g) => g.lr));
  if (c.recordMomentum) {
    if (kind === 'sgd') (rec.momentum ??= []).push(groups.map((g) => g.momentum as number));
    else {
      (rec.beta1 ??= []).push(groups.map((g) => (g.betas as number[])[0]!));
      for (const g of groups) expect((g.betas as number[])[1]).toBe(0.999);
    }
  }
  if (s instanceof S.ReduceLROnPlateau) {
    const best = s.best;
    (rec.best ??= []).push(Number.isFinite(best) ? best : String(best));
    (rec.numBadEpochs ??= []).push(s.numBadEpochs);
    (rec.cooldownCounter ??= []).push(s.cooldownCounter);
  }
}

/** Builds the case's scheduler and replays all its steps, recording as the golden script does. */
export function replay(c: GoldenCase, kind: 'sgd' | 'adam' = c.optimizer.kind): GoldenRecord {
  const opt = makeOptimizer(c.optimizer, kind);
  const s = makeScheduler(opt, c.scheduler, c.lastEpoch);
  const rec: GoldenRecord = { lr: [] };
  snapshot(c, opt, s, rec, kind);
  for (const a of stepArgs(c)) {
    step(s, a);
    snapshot(c, opt, s, rec, kind);
  }
  return rec;
}

/** Float64 on both sides: only rounding may differ. */
export const FLOAT64: Tolerance = { rtol: 1e-10, atol: 0 };

/**
 * Compares two recorded sequences step by step, each step a number or one number per param group: numbers
 * with `expectClose` within `tol` (its elements are the groups), anything else (a plateau's 'Infinity' best)
 * exactly.
 */
export function expectSteps(actual: unknown[], expected: unknown[], label: string, tol: Tolerance): void {
  expect(actual.length, `${label}: number of steps`).toBe(expected.length);
  const numbers = (xs: unknown[]): xs is number[] => xs.every((x) => typeof x === 'number');
  expected.forEach((row, t) => {
    const a = [actual[t]].flat();
    const e = [row].flat();
    if (numbers(a) && numbers(e)) expectClose(a, e, { ...tol, label: `${label} at step ${t}` });
    else expect(a, `${label} at step ${t}`).toEqual(e);
  });
}

/** Compares every recorded sequence of `rec` with the golden record. */
export function expectMatches(rec: GoldenRecord, golden: GoldenRecord, label: string): void {
  for (const key of Object.keys(golden) as (keyof GoldenRecord)[]) {
    expectSteps(rec[key] ?? [], golden[key]!, `${label} ${key}`, FLOAT64);
  }
}

/**
 * Runs `at` steps, saves optimizer groups and scheduler state through JSON, builds a fresh optimizer and
 * scheduler from the spec (as a resuming program would), loads both, and checks that the rest of the
 * sequence is PyTorch's.
 */
export function expectResumes(c: GoldenCase, at: number): void {
  const args = stepArgs(c);
  const opt = makeOptimizer(c.optimizer);
  const s = makeScheduler(opt, c.scheduler, c.lastEpoch);
  for (const a of args.slice(0, at)) step(s, a);
  const saved = JSON.parse(JSON.stringify({ groups: opt.paramGroups, scheduler: s.stateDict() })) as {
    groups: ParamGroup[];
    scheduler: StateDict;
  };

  const opt2 = makeOptimizer(c.optimizer);
  const s2 = makeScheduler(opt2, c.scheduler, c.lastEpoch);
  opt2.paramGroups.forEach((g, i) => {
    for (const k of Object.keys(g)) delete g[k];
    Object.assign(g, saved.groups[i]);
  });
  s2.loadStateDict(saved.scheduler);
  expect(s2.stateDict()).toEqual(s.stateDict());

  const rec: GoldenRecord = { lr: [] };
  snapshot(c, opt2, s2, rec);
  for (const a of args.slice(at)) {
    step(s2, a);
    snapshot(c, opt2, s2, rec);
  }
  const tail: GoldenRecord = { lr: [] };
  for (const key of Object.keys(c.record) as (keyof GoldenRecord)[]) {
    (tail as unknown as Record<string, unknown[]>)[key] = c.record[key]!.slice(at);
  }
  expectMatches(rec, tail, `${c.name} resumed at ${at}`);
}

/**
 * The two tests every golden case gets: the whole sequence matches PyTorch, and a scheduler resumed halfway
 * from a JSON state dict continues it exactly. Call inside the scheduler's `describe`; returns the file.
 */
export function describeGolden(file: string): GoldenFile {
  const golden = loadGolden(file);
  describe.each(golden.cases)('$name', (c) => {
    it('matches PyTorch', () => expectMatches(replay(c), c.record, c.name));
    it('resumes from a JSON state dict', () => expectResumes(c, Math.floor(stepArgs(c).length / 2)));
  });
  return golden;
}
