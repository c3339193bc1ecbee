/**
 * Test helpers shared by the optimizer tests (not part of the package build): replaying PyTorch's golden
 * trajectories (scripts/golden.py), bit-exact resume through a state dict, and memory checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, dispose, memory, tensor, tidy } from '@nn/tensor';
import { expectClose, type Tolerance } from '@nn/testing';
import type { Optimizer } from '../optimizer.js';
import { jsonStateDict } from './state-dicts.js';

export interface GoldenStep {
  grads: (number[] | null)[];
  /** Hyperparameters written into param groups before this step. */
  set: { group: number; key: string; value: unknown }[];
  params: number[][];
  state: Record<string, Record<string, number | number[]>>;
}
export interface GoldenCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  params: { shape: number[]; data: number[] }[];
  steps: GoldenStep[];
}

export type AnyOptimizer = Optimizer<any, any>;
export type OptimizerClass = new (params: any, options?: any) => AnyOptimizer;

export function loadGolden(file: string): GoldenCase[] {
  const text = readFileSync(new URL(`../golden/${file}.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: GoldenCase[] }).cases;
}

export function makeParams(c: GoldenCase, values?: Float32Array[]): Tensor[] {
  return c.params.map((p, i) => tensor(values ? values[i]! : p.data, { shape: p.shape, requiresGrad: true }));
}

export function makeOptimizer(Ctor: OptimizerClass, c: GoldenCase, params: Tensor[]): AnyOptimizer {
  if (!c.groups) return new Ctor(params, c.options);
  return new Ctor(c.groups.map((g) => ({ ...g.options, params: g.params.map((i) => params[i]!) })), c.options);
}

/** Replaces every parameter's gradient with this step's (null: no gradient), disposing the old ones. */
export function feedGrads(params: Tensor[], grads: (number[] | null)[]): void {
  for (const [i, p] of params.entries()) {
    p.grad?.dispose();
    p.grad = grads[i] ? tensor(grads[i]!, { shape: p.shape }) : null;
  }
}

export function applySets(opt: AnyOptimizer, step: GoldenStep): void {
  for (const s of step.set) (opt.paramGroups[s.group] as Record<string, unknown>)[s.key] = s.value;
}

/** Float32 rounding: how closely parameters and state follow PyTorch's trajectories. */
const FLOAT32: Tolerance = { rtol: 1e-5, atol: 1e-7 };

/** Steps `opt` through `steps`, asserting parameters and state against PyTorch's after every step. */
export function replay(c: GoldenCase, params: Tensor[], opt: AnyOptimizer, from = 0, to = c.steps.length): void {
  for (let t = from; t < to; t++) {
    const step = c.steps[t]!;
    applySets(opt, step);
    feedGrads(params, step.grads);
    opt.step();
    for (const [i, p] of params.entries()) expectClose(p.dataSync(), step.params[i]!, { ...FLOAT32, label: `${c.name}: step ${t + 1} param ${i}` });
    for (const [i, p] of params.entries()) {
      const mine = opt.state.get(p) ?? {};
      const theirs = step.state[String(i)] ?? {};
      const keys = Object.keys(mine).filter((k) => mine[k] !== undefined);
      expect(keys.sort(), `${c.name}: step ${t + 1} state keys of param ${i}`).toEqual(Object.keys(theirs).sort());
      for (const [k, v] of Object.entries(theirs)) {
        const where = `${c.name}: step ${t + 1} state[${i}].${k}`;
        if (typeof v === 'number') expect(mine[k], where).toBe(v);
        else expectClose((mine[k] as Tensor).dataSync(), v, { ...FLOAT32, label: where });
      }
    }
  }
}

function snapshot(params: Tensor[]): Float32Array[] {
  return params.map((p) => p.dataSync() as Float32Array);
}

function expectBitEqual(a: Float32Array[], b: Float32Array[], where: string): void {
  for (const [i, x] of a.entries()) {
    const ua = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const ub = new Uint32Array(b[i]!.buffer, b[i]!.byteOffset, b[i]!.length);
    expect(Array.from(ua), `${where}: param ${i}`).toEqual(Array.from(ub));
  }
}

function release(params: Tensor[], opt: AnyOptimizer): void {
  opt.zeroGrad();
  opt.dispose();
  for (const p of params) p.dispose();
}

/**
 * The standard tests of one optimizer class: every golden case of `file` replayed against PyTorch, a resume
 * from `stateDict()` (and from its earlier JSON form) bit-identical to an uninterrupted run, flat memory, and a step
 * wrapped in `tidy`.
 */
export function describeOptimizer(file: string, Ctor: OptimizerClass): void {
  const cases = loadGolden(file);
  describe(`${Ctor.name} matches PyTorch`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const params = makeParams(c);
        const opt = makeOptimizer(Ctor, c, params);
        replay(c, params, opt);
        release(params, opt);
      });
    }
  });

  describe(`${Ctor.name} state dict`, () => {
    for (const c of cases) {
      for (const form of ['tensors', 'JSON'] as const)
      it(`resumes bit for bit from stateDict() (${form}): ${c.name}`, () => {
        const split = 3;
        const params = makeParams(c);
        const opt = makeOptimizer(Ctor, c, params);
        replay(c, params, opt, 0, split);
        const sd = opt.stateDict();
        const saved = jsonStateDict(sd);
        const resumedParams = makeParams(c, snapshot(params));
        // Constructed with the case's initial options: loadStateDict must restore the hyperparameters changed since.
        const resumed = makeOptimizer(Ctor, c, resumedParams);
        resumed.loadStateDict(form === 'tensors' ? sd : saved);
        dispose(sd);
        expect(tidy(() => jsonStateDict(resumed.stateDict()))).toEqual(saved);
        for (let t = split; t < c.steps.length; t++) {
          const step = c.steps[t]!;
          for (const o of [opt, resumed]) applySets(o, step);
          feedGrads(params, step.grads);
          feedGrads(resumedParams, step.grads);
          opt.step();
          resumed.step();
          expectBitEqual(snapshot(resumedParams), snapshot(params), `${c.name}: step ${t + 1}`);
        }
        release(params, opt);
        release(resumedParams, resumed);
      });
    }
  });

  describe(`${Ctor.name} memory`, () => {
    const c = cases[cases.length - 1]!;
    it('keeps the number of live tensors flat across steps', () => {
      const params = makeParams(c);
      const opt = makeOptimizer(Ctor, c, params);
      feedGrads(params, c.steps[0]!.grads);
      opt.step();
      feedGrads(params, c.steps[1]!.grads);
      const before = memory();
      for (let t = 1; t < 6; t++) {
        feedGrads(params, c.steps[1]!.grads);
        opt.step();
      }
      const after = memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
      expect(after.numBytes).toBe(before.numBytes);
      release(params, opt);
    });

    it('works with every step inside tidy, including the first (lazy state survives)', () => {
      const params = makeParams(c);
      const opt = makeOptimizer(Ctor, c, params);
      const ref = makeParams(c);
      const refOpt = makeOptimizer(Ctor, c, ref);
      let live = -1;
      for (const [t, step] of c.steps.entries()) {
        for (const o of [opt, refOpt]) applySets(o, step);
        feedGrads(params, step.grads);
        feedGrads(ref, step.grads);
        const out = tidy(() => {
          opt.step();
          return params[0]!.mul(2);
        });
        refOpt.step();
        expect(out.isDisposed).toBe(false);
        out.dispose();
        for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) expect(v.isDisposed).toBe(false);
        if (t === 1) live = memory().numTensors;
        if (t > 1 && step.grads.every((g) => g !== null)) expect(memory().numTensors).toBe(live);
      }
      expectBitEqual(snapshot(params), snapshot(ref), c.name);
      release(params, opt);
      release(ref, refOpt);
    });
  });
}

/** A small float32 parameter that requires gradients. */
export function param(values: number[] = [1, -2, 3]): Tensor {
  return tensor(values, { requiresGrad: true });
}

/** The group hyperparameters an optimizer gets from its defaults (everything but `params`). */
export function groupHyper(opt: AnyOptimizer, i = 0): Record<string, unknown> {
  const { params: _params, ...rest } = opt.paramGroups[i] as Record<string, unknown>;
  return rest;
}
