import { describe, expect, it } from 'vitest';
import { dispose, memory, tensor, Tensor, tidy } from '@nn/tensor';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { SGD } from './sgd.js';
import type { JsonOptimizerStateDict, OptimizerStateDict } from './state-dict.js';
import { param } from './testing/golden-harness.js';
import { jsonStateDict } from './testing/state-dicts.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const grad = (v: number[]) => tensor(v);

describe('Optimizer construction', () => {
  it('rejects params that are not an iterable of tensors or groups', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: params is empty; pass at least one parameter');
    expect(() => new SGD(param() as never, { lr: 0.1 })).toThrow('SGD: params must be an iterable of Tensors or of parameter groups, got a single Tensor');
    expect(() => new SGD(5 as never, { lr: 0.1 })).toThrow('SGD: params must be an iterable of Tensors or of parameter groups, got 5');
    expect(() => new SGD([param(), { params: [param()] }] as never, { lr: 0.1 })).toThrow('SGD: params mixes Tensors and parameter groups');
    expect(() => new SGD([{ lr: 0.1 }] as never)).toThrow('SGD: paramGroups[0] must be an object with a params array, got {"lr":0.1}');
  });

  it('rejects parameters that are not live float32 tensors', () => {
    expect(() => new Adam([param(), tensor([1, 2], { dtype: 'int32' })])).toThrow('Adam: paramGroups[0].params[1] must be a float32 tensor, got int32');
    expect(() => new Adam([param(), [1, 2] as never])).toThrow('Adam: paramGroups[0].params[1] must be a Tensor, got [1,2]');
    const gone = param();
    gone.dispose();
    expect(() => new Adam([gone])).toThrow('Adam: paramGroups[0].params[0] (shape [3]) has been disposed');
  });

  it('rejects a parameter listed twice, in one group or across groups', () => {
    const a = param();
    const b = param();
    expect(() => new Adam([a, b, a])).toThrow('Adam: paramGroups[0].params[2] appears twice in the group');
    expect(() => new Adam([{ params: [a] }, { params: [b, a] }])).toThrow(
      'Adam: paramGroups[1].params[1] is already in paramGroups[0]; a parameter may be in one group only',
    );
    const opt = new Adam([a]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('Adam.addParamGroup: paramGroups[1].params[0] is already in paramGroups[0]');
  });

  it('rejects unknown options and non-object options', () => {
    expect(() => new Adam([param()], { learningRate: 0.1 } as never)).toThrow(
      "Adam: unknown option 'learningRate' (options: lr, betas, eps, weightDecay, amsgrad, maximize)",
    );
    expect(() => new Adam([param()], 0.1 as never)).toThrow('Adam: options must be an object, got 0.1');
  });

  it('fills groups from the defaults without sharing arrays, and keeps extra keys', () => {
    const a = param();
    const b = param();
    const opt = new Adam([{ params: [a], lr: 0.1, name: 'encoder' }, { params: b }], { betas: [0.8, 0.9] });
    const [g0, g1] = opt.paramGroups;
    expect(g0!.lr).toBe(0.1);
    expect(g0!.name).toBe('encoder');
    expect(g1!.lr).toBe(1e-3);
    expect(g1!.params).toEqual([b]);
    expect(g0!.betas).toEqual([0.8, 0.9]);
    expect(g0!.betas).not.toBe(g1!.betas);
    expect(g0!.betas).not.toBe(opt.defaults.betas);
  });

  it('addParamGroup validates and takes defaults', () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const c = param();
    opt.addParamGroup({ params: [c], lr: 0.01 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, momentum: 0.9, params: [c] });
    expect(() => opt.addParamGroup({ params: [param()], momentum: -1 })).toThrow(
      'SGD.addParamGroup: paramGroups[2].momentum must be a non-negative number, got -1',
    );
    expect(opt.paramGroups.length).toBe(2);
  });
});

describe('Optimizer.step', () => {
  it('skips parameters without a gradient (no state, no change)', () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = grad([1, 1]);
    opt.step();
    expect(values(b)).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)!.step).toBe(1);
  });

  it('reads lr from the group at every step (what schedulers rely on)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = grad([1]);
    opt.step();
    expect(values(p)).toEqual([0.5]);
    opt.paramGroups[0]!.lr = 0.25;
    opt.step();
    expect(values(p)).toEqual([0.25]);
  });

  it('calls the closure first and returns its result', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 1 });
    const loss = opt.step(() => {
      p.grad = grad([2]);
      return 42;
    });
    expect(loss).toBe(42);
    expect(values(p)).toEqual([-1]);
    expect(opt.step()).toBeUndefined();
  });

  it('keeps the parameter tensor (identity and requiresGrad) and does not touch the gradient', () => {
    const p = param([1, 2]);
    const g = grad([1, 1]);
    p.grad = g;
    const opt = new Adam([p]);
    opt.step();
    expect(p.requiresGrad).toBe(true);
    expect(opt.paramGroups[0]!.params[0]).toBe(p);
    expect(p.grad).toBe(g);
    expect(values(g)).toEqual([1, 1]);
  });

  it('rejects a disposed or non-float32 gradient', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 1 });
    p.grad = tensor([1, 2], { dtype: 'int32' });
    expect(() => opt.step()).toThrow('SGD.step: the gradient of paramGroups[0].params[0] must be float32, got int32');
    p.grad = grad([1, 2]);
    p.grad.dispose();
    expect(() => opt.step()).toThrow('SGD.step: the gradient of paramGroups[0].params[0] has been disposed');
  });

  it('checks hyperparameters written into paramGroups after construction, before updating anything', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new AdamW([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    a.grad = grad([1, 1]);
    b.grad = grad([1]);
    const cases: [number, string, unknown, string][] = [
      [1, 'lr', NaN, 'AdamW.step: paramGroups[1].lr must be a non-negative number, got NaN'],
      [0, 'lr', -0.5, 'AdamW.step: paramGroups[0].lr must be a non-negative number, got -0.5'],
      [1, 'lr', '0.1', 'AdamW.step: paramGroups[1].lr must be a non-negative number, got "0.1"'],
      [0, 'lr', undefined, 'AdamW.step: paramGroups[0].lr is required'],
      [0, 'betas', [0.9, 1.5], 'AdamW.step: paramGroups[0].betas[1] must be in [0, 1), got 1.5'],
      [1, 'weightDecay', Infinity, 'AdamW.step: paramGroups[1].weightDecay must be a non-negative number, got Infinity'],
      [0, 'amsgrad', 1, 'AdamW.step: paramGroups[0].amsgrad must be a boolean, got 1'],
    ];
    for (const [gi, key, bad, message] of cases) {
      const group = opt.paramGroups[gi] as Record<string, unknown>;
      const saved = group[key];
      group[key] = bad;
      expect(() => opt.step()).toThrow(message);
      group[key] = saved;
    }
    // Group 1's bad lr was caught before group 0's parameter moved.
    expect(values(a)).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);
    opt.step();
    expect(opt.state.size).toBe(2);
    const sgd = new SGD([a], { lr: 0.1, momentum: 0.9, nesterov: true });
    sgd.paramGroups[0]!.momentum = 0;
    expect(() => sgd.step()).toThrow('SGD.step: paramGroups[0].');
  });

  it('leaks nothing: a tidy around the step frees only temporaries', () => {
    const p = param([1, 2, 3]);
    const opt = new Adam([p], { amsgrad: true });
    p.grad = grad([0.1, -0.2, 0.3]);
    tidy(() => opt.step());
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) tidy(() => opt.step());
    opt.step();
    expect(memory().numTensors).toBe(before);
  });
});

describe('Optimizer.zeroGrad', () => {
  it('disposes gradients and sets them to null by default', () => {
    const a = param();
    const b = param();
    const ga = grad([1, 2, 3]);
    a.grad = ga;
    const opt = new SGD([a, b], { lr: 0.1 });
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(ga.isDisposed).toBe(true);
    expect(b.grad).toBeNull();
  });

  it('fills gradients with zeros in place with setToNone = false', () => {
    const a = param();
    const ga = grad([1, 2, 3]);
    a.grad = ga;
    const opt = new SGD([a], { lr: 0.1 });
    const before = memory().numTensors;
    opt.zeroGrad(false);
    expect(a.grad).toBe(ga);
    expect(values(ga)).toEqual([0, 0, 0]);
    expect(memory().numTensors).toBe(before);
    expect(() => opt.zeroGrad('yes' as never)).toThrow('SGD.zeroGrad: setToNone must be a boolean, got "yes"');
  });
});

describe('Optimizer state dict', () => {
  function trained(): { opt: Adam; a: Tensor; b: Tensor } {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new Adam([{ params: [a], lr: 0.1 }, { params: [b], initialLr: 0.5 }], { amsgrad: true });
    a.grad = grad([0.5, -1]);
    b.grad = grad([2]);
    opt.step();
    b.grad = null;
    opt.step();
    return { opt, a, b };
  }

  it('references parameters by position and holds state tensors as snapshots of this moment', () => {
    const { opt, a } = trained();
    const before = memory().numTensors;
    const sd = opt.stateDict();
    expect(sd.paramGroups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0] },
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, initialLr: 0.5, params: [1] },
    ]);
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state['0']!.step).toBe(2);
    expect(sd.state['1']!.step).toBe(1);
    const expAvg = sd.state['1']!.expAvg as Tensor;
    expect(expAvg).toBeInstanceOf(Tensor);
    expect(expAvg.dtype).toBe('float32');
    expect(values(expAvg)).toEqual([Math.fround(0.2)]);
    expect(memory().numTensors).toBe(before + 6); // detached views, no copies of the data
    const snapshot = values(sd.state['0']!.expAvg as Tensor);
    a.grad = grad([1, 1]);
    opt.step();
    expect(values(sd.state['0']!.expAvg as Tensor)).toEqual(snapshot);
    dispose(sd);
    expect(memory().numTensors).toBe(before + 1); // a's new gradient
    expect(opt.state.get(a)!.expAvg.isDisposed).toBe(false);
  });

  it('stateDictAsync gives the same dict', async () => {
    const { opt } = trained();
    expect(jsonStateDict(await opt.stateDictAsync())).toEqual(jsonStateDict(opt.stateDict()));
  });

  for (const form of ['tensors', 'JSON'] as const)
    it(`restores hyperparameters in place and state into kept tensors (${form})`, () => {
      const { opt } = trained();
      const sd = opt.stateDict();
      const given = form === 'JSON' ? jsonStateDict(sd) : sd;
      given.paramGroups[0]!.lr = 0.02;
      const a = param([0, 0]);
      const b = param([0]);
      const other = new Adam([{ params: [a] }, { params: [b] }]);
      const group0 = other.paramGroups[0]!;
      const s = tidy(() => {
        other.loadStateDict(given);
        return other.state.get(a)!;
      });
      dispose(sd);
      expect(other.paramGroups[0]).toBe(group0);
      expect(group0.lr).toBe(0.02);
      expect(group0.amsgrad).toBe(true);
      expect(other.paramGroups[1]!.initialLr).toBe(0.5);
      expect(s.expAvg.isDisposed).toBe(false);
      expect(values(s.expAvg)).toEqual(values(opt.state.get(opt.paramGroups[0]!.params[0]!)!.expAvg));
      const back = tidy(() => jsonStateDict(other.stateDict()));
      const want = tidy(() => jsonStateDict(opt.stateDict()));
      want.paramGroups[0]!.lr = 0.02;
      expect(back).toEqual(want);
    });

  it('carries NaN, ±Infinity and -0 bit for bit, as tensors and through the JSON form', () => {
    const p = param([0, 0, 0, 0, 0]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = grad([NaN, Infinity, -Infinity, -0, 1.5]);
    opt.step();
    const json = jsonStateDict(opt.stateDict());
    expect(json.state['0']!.momentumBuffer).toEqual({ shape: [5], dtype: 'float32', data: ['NaN', 'Infinity', '-Infinity', '-0', 1.5] });
    for (const given of [json, opt.stateDict()]) {
      const q = param([0, 0, 0, 0, 0]);
      const other = new SGD([q], { lr: 0.1, momentum: 0.9 });
      other.loadStateDict(given);
      const buf = other.state.get(q)!.momentumBuffer!.dataSync();
      expect(Number.isNaN(buf[0])).toBe(true);
      expect(buf[1]).toBe(Infinity);
      expect(buf[2]).toBe(-Infinity);
      expect(Object.is(buf[3], -0)).toBe(true);
    }
  });

  it('validates everything before changing anything', () => {
    const { opt } = trained();
    const good = jsonStateDict(opt.stateDict());
    const a = param([0, 0]);
    const b = param([0]);
    const target = new Adam([{ params: [a] }, { params: [b] }]);
    const load = (edit: (sd: OptimizerStateDict & JsonOptimizerStateDict) => void) => {
      const sd = JSON.parse(JSON.stringify(good));
      edit(sd);
      return () => target.loadStateDict(sd);
    };
    expect(() => target.loadStateDict({ state: {} } as never)).toThrow(
      'Adam.loadStateDict: expected {state, paramGroups} as returned by stateDict(), got {"state":{}}',
    );
    expect(load((sd) => sd.paramGroups.pop())).toThrow('Adam.loadStateDict: the state dict has 1 parameter groups, the optimizer has 2');
    expect(load((sd) => sd.paramGroups[1]!.params.push(7))).toThrow(
      'Adam.loadStateDict: paramGroups[1] has 2 parameters in the state dict, 1 in the optimizer',
    );
    expect(load((sd) => (sd.paramGroups[0]!.lr = -1))).toThrow('Adam.loadStateDict: paramGroups[0].lr must be a non-negative number, got -1');
    expect(load((sd) => ((sd.state['0']!.expAvg as { shape: number[] }).shape = [1, 2]))).toThrow(
      'Adam.loadStateDict: state[0].expAvg has shape [1,2], but its parameter has shape [2]',
    );
    expect(load((sd) => (sd.state['0']!.expAvg as { data: unknown[] }).data.pop())).toThrow(
      'Adam.loadStateDict: state[0].expAvg.data has 1 elements, shape [2] needs 2',
    );
    expect(load((sd) => ((sd.state['0']!.expAvg as { data: unknown[] }).data[1] = 'x'))).toThrow(
      "Adam.loadStateDict: state[0].expAvg.data[1] must be a number or one of 'NaN', 'Infinity', '-Infinity', '-0', got \"x\"",
    );
    expect(load((sd) => (sd.state['0']!.expAvg = tensor([1, 2, 3]) as never))).toThrow(
      'Adam.loadStateDict: state[0].expAvg has shape [3], but its parameter has shape [2]',
    );
    expect(load((sd) => (sd.state['0']!.expAvg = tensor([1, 2], { dtype: 'int32' }) as never))).toThrow(
      'Adam.loadStateDict: state[0].expAvg must be a float32 tensor, got int32',
    );
    const gone = tensor([1, 2]);
    gone.dispose();
    expect(load((sd) => (sd.state['0']!.expAvg = gone as never))).toThrow('Adam.loadStateDict: state[0].expAvg (shape [2]) has been disposed');
    expect(load((sd) => (sd.state['0']!.expAvg = [1, 2] as never))).toThrow(
      'Adam.loadStateDict: state[0].expAvg must be a Tensor (or a serialized tensor {shape, dtype, data}), got [1,2]',
    );
    expect(load((sd) => (sd.state['0']!.momentumBuffer = 1))).toThrow(
      "Adam.loadStateDict: state[0] has unknown key 'momentumBuffer' (Adam state keys: step, expAvg, expAvgSq, maxExpAvgSq)",
    );
    expect(load((sd) => delete sd.state['1']!.expAvgSq)).toThrow("Adam.loadStateDict: state[1] lacks 'expAvgSq'");
    expect(load((sd) => (sd.state['5'] = sd.state['0']!))).toThrow('Adam.loadStateDict: state[5] refers to no parameter of paramGroups');
    expect(load((sd) => (sd.state['0']!.step = 'two' as never))).toThrow('Adam.loadStateDict: state[0].step must be a finite number, got "two"');
    // Nothing changed by the failed loads.
    expect(target.state.size).toBe(0);
    expect(target.paramGroups[0]!.lr).toBe(1e-3);
    expect(target.paramGroups[0]!.amsgrad).toBe(false);
    expect(load(() => {})).not.toThrow();
  });

  it('dispose frees the state tensors', () => {
    const { opt } = trained();
    const before = memory().numTensors;
    opt.dispose();
    expect(opt.state.size).toBe(0);
    expect(memory().numTensors).toBe(before - 6);
  });
});
