/**
 * The fused SgdStep kernel (what SGD runs) against the composite of elementwise ops it replaces (`sgdComposite`,
 * the reference): the same bits on the CPU, over several steps and every option; the same values within float32
 * rounding on WebGPU.
 */
import { Generator, keep, randn, tidy, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import type { ParamGroup } from './optimizer.js';
import { sgdComposite, sgdStep, type SGDHyper, type SGDState } from './sgd.js';

type Group = ParamGroup<SGDHyper>;
const group = (h: Partial<SGDHyper>): Group =>
  ({ params: [], lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...h }) as Group;

/** `steps` updates of one parameter from the same start, with the fused kernel and with the composite. */
function run(h: Partial<SGDHyper>, steps: number, device: 'cpu' | 'webgpu' = 'cpu', size = 91) {
  const gen = new Generator(5);
  const start = randn([size], { generator: gen, device });
  const grads = Array.from({ length: steps }, () => keep(randn([size], { generator: gen, device })));
  const g = group(h);
  const trajectory = (fused: boolean): { param: Tensor; s: SGDState } => {
    let param = keep(start.clone());
    const s: SGDState = {};
    for (const grad of grads) param = tidy(() => keep((fused ? sgdStep : sgdComposite)(param, grad, s, g)));
    return { param, s };
  };
  return { fused: trajectory(true), composite: trajectory(false) };
}

const CASES: [string, Partial<SGDHyper>][] = [
  ['plain SGD', {}],
  ['plain SGD, lr 1 (the factor skipped)', { lr: 1 }],
  ['weight decay 0.01, maximize', { weightDecay: 0.01, maximize: true }],
  ['weight decay 1', { weightDecay: 1 }],
  ['momentum 0.9', { momentum: 0.9 }],
  ['momentum 0.9, dampening 0.1, weight decay 0.05', { momentum: 0.9, dampening: 0.1, weightDecay: 0.05 }],
  ['nesterov momentum 0.9', { momentum: 0.9, nesterov: true }],
  ['nesterov momentum 1', { momentum: 1, nesterov: true }],
];

describe('SgdStep: the fused update against the composite reference', () => {
  for (const [name, h] of CASES)
    for (const size of [91, 20_000])
      it(`${name}: the same bits over 4 steps, ${size} elements [cpu]`, () => {
        const { fused, composite } = run(h, 4, 'cpu', size);
        expect(Array.from(fused.param.dataSync())).toEqual(Array.from(composite.param.dataSync()));
        if (h.momentum) expect(Array.from(fused.s.momentumBuffer!.dataSync())).toEqual(Array.from(composite.s.momentumBuffer!.dataSync()));
        else expect(fused.s.momentumBuffer).toBeUndefined();
      });

  const requireWebGpu = useWebGpu({ kernels: ['SgdStep'] });
  for (const [name, h] of CASES.filter(([, o]) => o.momentum))
    it(`${name}: the same values within float32 rounding [webgpu]`, async (ctx) => {
      requireWebGpu(ctx);
      const { fused, composite } = run(h, 4, 'webgpu');
      expect(fused.param.device).toBe('webgpu');
      expectClose(await fused.param.data(), await composite.param.data(), { rtol: 1e-6, atol: 1e-7, label: 'param' });
      expectClose(await fused.s.momentumBuffer!.data(), await composite.s.momentumBuffer!.data(), { rtol: 1e-6, atol: 1e-7, label: 'buffer' });
    });
});
