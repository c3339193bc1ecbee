/**
 * The optimizers on WebGPU (Dawn on SwiftShader here): one golden case per optimizer replayed with parameters,
 * gradients and state on the GPU, read back asynchronously; and state dicts of GPU tensors. Skipped when WebGPU cannot
 * be initialised (required under CI=true) or lacks a kernel the updates use.
 */
import { describe, expect, it } from 'vitest';
import { dispose, tensor, Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import * as optim from './index.js';
import { applySets, loadGolden, type OptimizerClass } from './testing/golden-harness.js';

const KERNELS = ['Add', 'Sub', 'Mul', 'Div', 'Sqrt', 'Neg', 'Abs', 'Sign', 'Maximum', 'Reciprocal', 'Clone'];
const CLASSES: [string, OptimizerClass][] = [
  ['sgd', optim.SGD], ['adam', optim.Adam], ['adamw', optim.AdamW], ['adagrad', optim.Adagrad], ['rmsprop', optim.RMSprop],
  ['adadelta', optim.Adadelta], ['adamax', optim.Adamax], ['nadam', optim.NAdam], ['radam', optim.RAdam], ['lion', optim.Lion],
];

const requireWebGpu = useWebGpu({ kernels: KERNELS });

const onGpu = (data: number[], shape: number[], requiresGrad = false) => tensor(data, { shape, device: 'webgpu', requiresGrad });

describe('optimizers on WebGPU', () => {
  for (const [file, Ctor] of CLASSES) {
    const c = loadGolden(file).at(-1)!;
    it(`${Ctor.name}: ${c.name}`, async (ctx) => {
      requireWebGpu(ctx);
      const params = c.params.map((p) => onGpu(p.data, p.shape, true));
      const opt = c.groups
        ? new Ctor(c.groups.map((g) => ({ ...g.options, params: g.params.map((i) => params[i]!) })), c.options)
        : new Ctor(params, c.options);
      for (const [t, step] of c.steps.entries()) {
        applySets(opt, step);
        for (const [i, p] of params.entries()) {
          p.grad?.dispose();
          p.grad = step.grads[i] ? onGpu(step.grads[i]!, c.params[i]!.shape) : null;
        }
        opt.step();
        for (const [i, p] of params.entries()) expectClose(await p.data(), step.params[i]!, { rtol: 1e-5, atol: 1e-6, label: `step ${t + 1} param ${i}` });
      }
      for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) expect(v.device).toBe('webgpu');
      opt.zeroGrad();
      opt.dispose();
    });
  }

  it('stateDict holds GPU tensors; loadStateDict takes them, or CPU tensors, onto the GPU', async (ctx) => {
    requireWebGpu(ctx);
    const p = onGpu([1, 2, 3], [3], true);
    const opt = new optim.Adam([p], { lr: 0.1 });
    p.grad = onGpu([0.5, -1, 2], [3]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state['0']!.step).toBe(1);
    const expAvg = sd.state['0']!.expAvg as Tensor;
    expect(expAvg.device).toBe('webgpu');
    const want = Array.from(await expAvg.data());
    const onCpu = await expAvg.toAsync('cpu');
    for (const given of [sd, { ...sd, state: { 0: { ...sd.state['0']!, expAvg: onCpu } } }]) {
      const q = onGpu([1, 2, 3], [3], true);
      const other = new optim.Adam([q], { lr: 0.1 });
      other.loadStateDict(given);
      const s = other.state.get(q)!;
      expect(s.expAvg.device).toBe('webgpu');
      expect(Array.from(await s.expAvg.data())).toEqual(want);
      other.dispose();
    }
    dispose(sd);
    onCpu.dispose();
  });
});
