import { backward } from '@nn/autograd';
import { tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, Loss, Module, MSELoss, NLLLoss, Sequential, Linear, loadSafetensors,
  saveSafetensors,
} from '../index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from '../testing/golden.js';

interface Case {
  name: string;
  module: keyof typeof CLASSES;
  options: Record<string, unknown>;
  input: Encoded;
  target: Encoded;
  g: Encoded;
  loss: Encoded;
  dinput: Encoded;
  keys: string[];
}

const CLASSES = { MSELoss, HuberLoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss };
const golden = readGolden<{ cases: Case[] }>('loss-modules.json');

const isEncoded = (v: unknown): v is Encoded => typeof v === 'object' && v !== null && 'shape' in v;

describe('loss modules (PyTorch 1.13 goldens)', () => {
  for (const c of golden.cases) {
    it(`${c.module} ${c.name}: loss, gradient and state-dict keys`, () => {
      const opts = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, isEncoded(v) ? decode(v) : v]));
      const m: Loss = new CLASSES[c.module](opts as never);
      expect(m).toBeInstanceOf(Module);
      const x = decode(c.input, { requiresGrad: true });
      const loss = m.call(x, decode(c.target));
      expectGolden(loss, c.loss, `${c.name} loss`, FLOAT32);
      backward(loss.mul(decode(c.g)).sum());
      expectGolden(x.grad!, c.dinput, `${c.name} dinput`, FLOAT32);
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
    });
  }
});

describe('loss modules', () => {
  it('hold their options; tensor options are buffers viewing the given tensor', () => {
    const w = tensor([1, 2, 3]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.2, ignoreIndex: 0, reduction: 'sum' });
    expect([ce.reduction, ce.labelSmoothing, ce.ignoreIndex]).toEqual(['sum', 0.2, 0]);
    expect(ce.namedBuffers()).toEqual([['weight', ce.weight]]);
    expect(ce.weight).not.toBe(w);
    ce.dispose();
    expect(w.isDisposed).toBe(false);
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    const bce = new BCEWithLogitsLoss({ posWeight: tensor([2]) });
    expect(bce.namedBuffers().map(([k]) => k)).toEqual(['pos_weight']);
    expect(bce.weight).toBeNull();
    expect(new HuberLoss({ delta: 0.5 }).delta).toBe(0.5);
    expect(new MSELoss().reduction).toBe('mean');
    expect(new NLLLoss().ignoreIndex).toBe(-100);
    expect(String(new CrossEntropyLoss())).toBe('CrossEntropyLoss()');
  });

  it('load a weight from a state dict, as PyTorch (a loaded model carries its class weights)', () => {
    const saved = saveSafetensors(new CrossEntropyLoss({ weight: tensor([0.5, 2]) }).stateDict());
    const ce = new CrossEntropyLoss({ weight: tensor([1, 1]) });
    ce.loadStateDict(loadSafetensors(saved));
    expect(Array.from(ce.weight!.dataSync())).toEqual([0.5, 2]);
    const logits = tensor([[2, 0], [0, 1]]);
    const t = tensor([0, 1], { dtype: 'int32' });
    const expected = (0.5 * -Math.log(Math.exp(2) / (Math.exp(2) + 1)) + 2 * -Math.log(Math.E / (Math.E + 1))) / 2.5;
    expect(ce.call(logits, t).item()).toBeCloseTo(expected, 6);
  });

  it('are children like any module (no parameters), e.g. inside a Sequential', () => {
    class WithLoss extends Module<[Tensor, Tensor], Tensor> {
      body = new Sequential(new Linear(2, 2));
      criterion = new CrossEntropyLoss({ weight: tensor([1, 2]) });
      forward(x: Tensor, y: Tensor) {
        return this.criterion.call(this.body.call(x), y);
      }
    }
    const m = new WithLoss();
    expect(Object.keys(m.stateDict())).toEqual(['body.0.weight', 'body.0.bias', 'criterion.weight']);
    expect(m.parameters()).toHaveLength(2);
  });

  it('validate their options at construction, naming the class', () => {
    expect(() => new MSELoss({ reduction: 'avg' as never })).toThrow("MSELoss: reduction must be 'mean', 'sum' or 'none', got 'avg'");
    expect(() => new HuberLoss({ delta: 0 })).toThrow('HuberLoss: delta');
    expect(() => new CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow('CrossEntropyLoss: labelSmoothing');
    expect(() => new NLLLoss({ weight: tensor([[1, 2]]) })).toThrow('NLLLoss: weight must be 1-D (one weight per class), got shape [1,2]');
    expect(() => new NLLLoss({ weight: tensor([1], { dtype: 'int32' }) })).toThrow('NLLLoss: weight');
    expect(() => new BCEWithLogitsLoss({ pos: 1 } as never)).toThrow('BCEWithLogitsLoss');
  });
});
