/**
 * A run moves between PyTorch and @nn and continues as if it had never left: PyTorch 1.13's own optimizer and
 * scheduler state dicts (scripts/golden_torch_state.py) load into @nn and continue PyTorch's trajectory; and @nn,
 * trained the same steps from the same start, exports exactly the state dict PyTorch had (keys, value types,
 * values).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPt, savePt } from '@nn/layers';
import { Tensor, dispose, tensor, tidy } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import type { StateDict } from '@nn/schedulers';
import { TORCH_CASES, decodeTorch, loadTorchCase, makeRun, trainStep, type TorchCase } from './testing/torch-state.js';

/** The golden optimizer tests' tolerance: float32 rounding (autograd and our hand-written backward sum in different orders). */
const TOL = { rtol: 1e-5, atol: 1e-7 };

function start(c: TorchCase, values: number[][]) {
  const x = tensor(c.x.data, { shape: c.x.shape });
  const y = tensor(c.y.data, { shape: c.y.shape });
  const params = c.initial.map((p, i) => tensor(values[i]!, { shape: p.shape, requiresGrad: true }));
  return { x, y, params, ...makeRun(c.name, params) };
}

/** Same keys, same kind of value (tensor, number, null, array, ...), close values, recursively. */
function expectSameState(ours: unknown, theirs: unknown, where: string): void {
  if (theirs instanceof Tensor) {
    expect(ours, `${where} is a tensor`).toBeInstanceOf(Tensor);
    const t = ours as Tensor;
    expect(t.shape, `${where} shape`).toEqual(theirs.shape);
    expect(t.dtype, `${where} dtype`).toBe(theirs.dtype);
    expectClose(t.dataSync(), theirs.dataSync(), { ...TOL, label: where });
  } else if (theirs instanceof Map) {
    expect(ours, `${where} is a Map`).toBeInstanceOf(Map);
    expectSameState(Object.fromEntries(ours as Map<unknown, unknown>), Object.fromEntries(theirs), where);
  } else if (Array.isArray(theirs)) {
    expect(Array.isArray(ours), `${where} is an array`).toBe(true);
    expect((ours as unknown[]).length, `${where} length`).toBe(theirs.length);
    theirs.forEach((v, i) => expectSameState((ours as unknown[])[i], v, `${where}[${i}]`));
  } else if (theirs !== null && typeof theirs === 'object') {
    expect(ours !== null && typeof ours === 'object', `${where} is an object`).toBe(true);
    expect(Object.keys(ours as object).sort(), `${where} keys`).toEqual(Object.keys(theirs).sort());
    for (const [k, v] of Object.entries(theirs)) expectSameState((ours as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else if (typeof theirs === 'number' && Number.isFinite(theirs) && !Number.isInteger(theirs)) {
    expect(typeof ours, `${where} is a number`).toBe('number');
    expect(Math.abs((ours as number) - theirs), `${where}: ${ours} vs ${theirs}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(theirs));
  } else expect(ours, where).toEqual(theirs);
}

describe('PyTorch state dicts continue in @nn', () => {
  for (const name of TORCH_CASES) {
    it(name, () => {
      const c = loadTorchCase(name);
      const run = start(c, c.atK);
      const optState = decodeTorch(c.optimizerState);
      run.opt.loadStateDict(optState as never);
      run.sched.loadStateDict(decodeTorch(c.schedulerState) as StateDict);
      dispose(optState as never);
      for (const [t, step] of c.continued.entries()) {
        const loss = trainStep(run.x, run.y, run.params, run.opt, run.sched);
        expect(loss, `${name}: loss at step ${t + 1}`).toBeCloseTo(step.loss, 5);
        for (const [i, p] of run.params.entries()) expectClose(p.dataSync(), step.params[i]!, { ...TOL, label: `${name}: step ${t + 1} param ${i}` });
        expect(run.opt.paramGroups.map((g) => g.lr), `${name}: step ${t + 1} lrs`).toEqual(step.lrs.map((lr) => expect.closeTo(lr, 12)));
      }
      run.opt.dispose();
      dispose([run.x, run.y, ...run.params]);
    });
  }
});

describe('@nn exports the state dicts PyTorch had', () => {
  for (const name of TORCH_CASES) {
    it(name, () => {
      const c = loadTorchCase(name);
      const run = start(c, c.initial.map((p) => p.data));
      for (let t = 0; t < c.losses.length; t++) trainStep(run.x, run.y, run.params, run.opt, run.sched);
      // NN_TORCH_OUT=dir writes the exported state with savePt, for a check with a real PyTorch (see README).
      if (process.env.NN_TORCH_OUT) writeFileSync(`${process.env.NN_TORCH_OUT}/${name}.pt`, tidy(() => savePt({ optimizer: run.opt.stateDict({ format: 'torch' }), scheduler: run.sched.stateDict({ format: 'torch' }) })));
      for (const [i, p] of run.params.entries()) expectClose(p.dataSync(), c.atK[i]!, { ...TOL, label: `${name}: param ${i}` });
      const theirs = decodeTorch(c.optimizerState);
      const ours = run.opt.stateDict({ format: 'torch' });
      expectSameState(ours, theirs, `${name} optimizer`);
      expectSameState(run.sched.stateDict({ format: 'torch' }), decodeTorch(c.schedulerState), `${name} scheduler`);
      dispose([ours as never, theirs as never]);
      run.opt.dispose();
      dispose([run.x, run.y, ...run.params]);
    });
  }
});

describe("loadStateDict of PyTorch's layout validates before changing anything", () => {
  const c = loadTorchCase('adam-amsgrad-cosine');
  const fresh = () => decodeTorch(c.optimizerState) as { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
  const cases: [string, (sd: ReturnType<typeof fresh>) => void, string][] = [
    ['a state shape', (sd) => (sd.state['2']!.exp_avg = tensor([1, 2, 3])), 'Adam.loadStateDict: state[2].exp_avg has shape [3], but its parameter has shape [2,5]'],
    ['an unknown state key', (sd) => (sd.state['0']!.momentum_buffer = tensor(0)), "Adam.loadStateDict: state[0] has unknown key 'momentum_buffer' (Adam state keys: step, exp_avg, exp_avg_sq, max_exp_avg_sq)"],
    ['a missing state key', (sd) => delete sd.state['1']!.exp_avg_sq, "Adam.loadStateDict: state[1] lacks 'exp_avg_sq'"],
    ['another optimizer\'s hyperparameter', (sd) => (sd.param_groups[0]!.momentum = 0.9), "Adam.loadStateDict: param_groups[0] has 'momentum', which is not a hyperparameter of this optimizer"],
    ['a missing hyperparameter', (sd) => delete sd.param_groups[0]!.betas, "Adam.loadStateDict: param_groups[0] lacks 'betas'"],
    ['the params count', (sd) => (sd.param_groups[0]!.params = [0, 1, 2]), 'Adam.loadStateDict: param_groups[0] has 3 parameters in the state dict, 4 in the optimizer'],
    ['the group count', (sd) => sd.param_groups.push({ ...sd.param_groups[0]!, params: [] }), 'Adam.loadStateDict: the state dict has 2 parameter groups, the optimizer has 1'],
  ];
  for (const [what, tamper, message] of cases) {
    it(what, () => {
      const run = start(c, c.atK);
      trainStep(run.x, run.y, run.params, run.opt, run.sched);
      const before = run.opt.stateDict({ format: 'torch' });
      const sd = fresh();
      tamper(sd);
      expect(() => run.opt.loadStateDict(sd as never)).toThrow(message);
      expectSameState(run.opt.stateDict({ format: 'torch' }), before, 'unchanged');
      run.opt.dispose();
    });
  }

  it('a scheduler state of another class', () => {
    const run = start(c, c.atK);
    const step = decodeTorch(loadTorchCase('sgd-nesterov-steplr').schedulerState) as StateDict;
    expect(() => run.sched.loadStateDict(step)).toThrow("CosineAnnealingLR: loadStateDict: PyTorch's state is missing 'T_max'");
    run.opt.dispose();
  });
});

describe('torch.save checkpoints (read with loadPt) continue in @nn', () => {
  for (const name of TORCH_CASES) {
    it(name, () => {
      const c = loadTorchCase(name);
      const bytes = readFileSync(new URL(`./golden/torch-state/${name}.pt`, import.meta.url));
      const ckpt = loadPt(new Uint8Array(bytes)) as { model: Record<string, Tensor>; optimizer: never; scheduler: StateDict };
      const run = start(c, Object.values(ckpt.model).map((t) => Array.from(t.dataSync())));
      run.opt.loadStateDict(ckpt.optimizer);
      run.sched.loadStateDict(ckpt.scheduler);
      for (const [t, step] of c.continued.entries()) {
        trainStep(run.x, run.y, run.params, run.opt, run.sched);
        for (const [i, p] of run.params.entries()) expectClose(p.dataSync(), step.params[i]!, { ...TOL, label: `${name}: step ${t + 1} param ${i}` });
      }
      run.opt.dispose();
      dispose([run.x, run.y, ...run.params, ckpt as never]);
    });
  }
});
