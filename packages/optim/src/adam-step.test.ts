/**
 * The fused AdamStep kernel (what Adam and AdamW run) against the composite of elementwise ops it replaces
 * (`adamMoments`, the reference): the same bits on the CPU, over several steps and every option; the same values
 * within float32 rounding on WebGPU.
 */
import { Generator, keep, randn, tidy, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { adamInitState, adamMoments, adamStep, type AdamHyper, type AdamState } from './adam.js';
import type { ParamGroup } from './optimizer.js';
import { coupledDecay, decoupledDecay, direction } from './pointwise.js';

type Group = ParamGroup<AdamHyper>;
const group = (h: Partial<AdamHyper>): Group =>
  ({ params: [], lr: 1e-2, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...h }) as Group;

/** `steps` updates of one parameter from the same start, with the fused kernel and with the composite. */
function run(h: Partial<AdamHyper>, adamW: boolean, steps: number, device: 'cpu' | 'webgpu' = 'cpu') {
  const gen = new Generator(3);
  const start = randn([7, 13], { generator: gen, device });
  const grads = Array.from({ length: steps }, () => keep(randn([7, 13], { generator: gen, device })));
  const g = group(h);
  const trajectory = (fused: boolean): { param: Tensor; s: AdamState } => {
    let param = keep(start.clone());
    const s = adamInitState(param);
    for (const grad of grads)
      param = tidy(() => {
        s.step += 1;
        const l2 = adamW ? 0 : g.weightDecay;
        const next = fused
          ? adamStep(param, grad, s, g, l2, adamW ? g.weightDecay : 0)
          : adamW
            ? adamMoments(decoupledDecay(param, g.lr, g.weightDecay), direction(grad, g.maximize), s, g)
            : adamMoments(param, coupledDecay(direction(grad, g.maximize), param, l2), s, g);
        return keep(next);
      });
    return { param, s };
  };
  return { fused: trajectory(true), composite: trajectory(false) };
}

const CASES: [string, Partial<AdamHyper>, boolean][] = [
  ['Adam', {}, false],
  ['Adam, L2 weight decay 0.1, maximize', { weightDecay: 0.1, maximize: true }, false],
  ['Adam, amsgrad, weight decay 1', { amsgrad: true, weightDecay: 1 }, false],
  ['Adam, betas [0, 0.5]', { betas: [0, 0.5] }, false],
  ['AdamW, weight decay 0.05', { weightDecay: 0.05 }, true],
  ['AdamW, amsgrad, maximize', { weightDecay: 0.01, amsgrad: true, maximize: true }, true],
];

describe('AdamStep: the fused update against the composite reference', () => {
  for (const [name, h, adamW] of CASES)
    it(`${name}: the same bits over 5 steps [cpu]`, () => {
      const { fused, composite } = run(h, adamW, 5);
      expect(Array.from(fused.param.dataSync())).toEqual(Array.from(composite.param.dataSync()));
      expect(Array.from(fused.s.expAvg.dataSync())).toEqual(Array.from(composite.s.expAvg.dataSync()));
      expect(Array.from(fused.s.expAvgSq.dataSync())).toEqual(Array.from(composite.s.expAvgSq.dataSync()));
      if (h.amsgrad) expect(Array.from(fused.s.maxExpAvgSq!.dataSync())).toEqual(Array.from(composite.s.maxExpAvgSq!.dataSync()));
    });

  const requireWebGpu = useWebGpu({ kernels: ['AdamStep'] });
  for (const [name, h, adamW] of CASES.filter(([, o]) => o.amsgrad || o.weightDecay))
    it(`${name}: the same values within float32 rounding [webgpu]`, async (ctx) => {
      requireWebGpu(ctx);
      const { fused, composite } = run(h, adamW, 5, 'webgpu');
      expect(fused.param.device).toBe('webgpu');
      expectClose(await fused.param.data(), await composite.param.data(), { rtol: 1e-5, atol: 1e-6, label: 'param' });
      expectClose(await fused.s.expAvgSq.data(), await composite.s.expAvgSq.data(), { rtol: 1e-5, atol: 1e-7, label: 'expAvgSq' });
    });
});
