/**
 * Test helpers for the PyTorch interop tests (scripts/golden_torch_state.py): its JSON fixtures decoded to the
 * values `loadPt` gives (tensors, Maps for Counters, Infinity), the same small MLP with a hand-written backward
 * pass, and each case's optimizer and scheduler built with @nn's names.
 */
import { readFileSync } from 'node:fs';
import { Tensor, keep, tensor, tidy } from '@nn/tensor';
import {
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  PolynomialLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
  type OptimizerLike,
  type StateDict,
} from '@nn/schedulers';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, NAdam, RAdam, RMSprop, SGD } from '../index.js';
import type { Optimizer } from '../optimizer.js';

export interface TorchCase {
  name: string;
  optimizer: string;
  scheduler: string;
  x: { shape: number[]; data: number[] };
  y: { shape: number[]; data: number[] };
  initial: { shape: number[]; data: number[] }[];
  losses: number[];
  atK: number[][];
  optimizerState: unknown;
  schedulerState: unknown;
  continued: { loss: number; params: number[][]; lrs: number[] }[];
}

export const TORCH_CASES = [
  'sgd-nesterov-steplr', 'sgd-plain-multisteplr', 'adam-amsgrad-cosine', 'adamw-onecycle', 'adagrad-exponential',
  'rmsprop-centered-cyclic', 'adadelta-linear', 'adamax-warm-restarts', 'nadam-polynomial', 'radam-constant',
  'sgd-groups-plateau', 'adam-sequential',
] as const;

export function loadTorchCase(name: string): TorchCase {
  return JSON.parse(readFileSync(new URL(`../golden/torch-state/${name}.json`, import.meta.url), 'utf8')) as TorchCase;
}

/** The fixture's JSON encoding back to what `loadPt` gives: Tensors, Maps for Counters, ±Infinity. */
export function decodeTorch(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeTorch);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('__tensor__' in o) return tensor(o.data as number[], { shape: o.shape as number[] });
  if ('__float__' in o) return o.__float__ === 'inf' ? Infinity : -Infinity;
  if ('__counter__' in o)
    return new Map(Object.entries(o.__counter__ as Record<string, number>).map(([k, c]) => [Number(k), c]));
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeTorch(x)]));
}

export type AnyScheduler = { step(metric: number): void; stateDict(o?: { format?: 'nn' | 'torch' }): StateDict; loadStateDict(s: StateDict): void };

/** Each case's optimizer and scheduler, as the Python script builds them. */
export function makeRun(name: string, params: Tensor[]): { opt: Optimizer<any, any>; sched: AnyScheduler } {
  const build: Record<string, () => [Optimizer<any, any>, (o: OptimizerLike) => AnyScheduler]> = {
    'sgd-nesterov-steplr': () => [new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true }), (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
    'sgd-plain-multisteplr': () => [new SGD(params, { lr: 0.05, weightDecay: 0.01 }), (o) => new MultiStepLR(o, { milestones: [2, 5], gamma: 0.5 })],
    'adam-amsgrad-cosine': () => [new Adam(params, { lr: 0.01, amsgrad: true }), (o) => new CosineAnnealingLR(o, { tMax: 6, etaMin: 0.001 })],
    'adamw-onecycle': () => [new AdamW(params, { lr: 0.01, weightDecay: 0.1 }), (o) => new OneCycleLR(o, { maxLr: 0.02, totalSteps: 10 })],
    'adagrad-exponential': () => [new Adagrad(params, { lr: 0.1, lrDecay: 0.01 }), (o) => new ExponentialLR(o, { gamma: 0.9 })],
    'rmsprop-centered-cyclic': () => [
      new RMSprop(params, { lr: 0.01, momentum: 0.5, centered: true }),
      (o) => new CyclicLR(o, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 2 }),
    ],
    'adadelta-linear': () => [new Adadelta(params, { lr: 1 }), (o) => new LinearLR(o, { startFactor: 0.5, totalIters: 4 })],
    'adamax-warm-restarts': () => [new Adamax(params, { lr: 0.02 }), (o) => new CosineAnnealingWarmRestarts(o, { t0: 3, tMult: 2, etaMin: 0.001 })],
    'nadam-polynomial': () => [new NAdam(params, { lr: 0.01 }), (o) => new PolynomialLR(o, { totalIters: 6, power: 2 })],
    'radam-constant': () => [new RAdam(params, { lr: 0.01, weightDecay: 0.01 }), (o) => new ConstantLR(o, { factor: 0.5, totalIters: 3 })],
    'sgd-groups-plateau': () => [
      new SGD([{ params: params.slice(0, 2), lr: 0.1 }, { params: params.slice(2) }], { lr: 0.05, momentum: 0.9 }),
      (o) => new ReduceLROnPlateau(o, { factor: 0.5, patience: 0 }),
    ],
    'adam-sequential': () => [
      new Adam(params, { lr: 0.01 }),
      (o) =>
        new SequentialLR(o, {
          schedulers: [new LinearLR(o, { startFactor: 0.25, totalIters: 3 }), new ExponentialLR(o, { gamma: 0.8 })],
          milestones: [3],
        }),
    ],
  };
  const [opt, sched] = build[name]!();
  return { opt, sched: sched(opt) };
}

/**
 * One training step of the 4 → 5 → tanh → 2 MLP under mean squared error, gradients by hand (the optimizer
 * package does not depend on @nn/autograd): returns the loss before the update.
 */
export function trainStep(x: Tensor, y: Tensor, params: Tensor[], opt: Optimizer<any, any>, sched: AnyScheduler): number {
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const loss = tidy(() => {
    const h = x.matmul(w1.t()).add(b1).tanh();
    const err = h.matmul(w2.t()).add(b2).sub(y);
    const dOut = err.mul(2 / err.size);
    const dPre = dOut.matmul(w2).mul(h.square().neg().add(1));
    const grads = [dPre.t().matmul(x), dPre.sum(0), dOut.t().matmul(h), dOut.sum(0)];
    opt.zeroGrad();
    for (const [i, p] of params.entries()) p.grad = keep(grads[i]!);
    return err.square().mean().item();
  });
  opt.step();
  if (sched instanceof ReduceLROnPlateau) sched.step(loss);
  else (sched as unknown as { step(): void }).step();
  return loss;
}
