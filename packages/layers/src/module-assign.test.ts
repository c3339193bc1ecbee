/**
 * Registration by assignment (PyTorch's `self.fc = nn.Linear(...)`): Modules and Parameters assigned to a
 * module's properties register under the property name; explicit registration keeps PyTorch keys possible.
 */
import { backward } from '@nn/autograd';
import { SGD } from '@nn/optim';
import { ones, tensor, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, isParameter, Linear, Module, Parameter, ReLU, Sequential } from './index.js';

const keys = (m: Module) => Object.keys(m.stateDict());
const names = (m: Module) => m.namedParameters().map(([n]) => n);

/** PyTorch's `self.fc1 = nn.Linear(4, 8)` style, as class fields. */
class FieldNet extends Module {
  fc1 = new Linear(4, 8);
  act = new ReLU();
  fc2 = new Linear(8, 2);
  scale = new Parameter(ones([2]));
  forward(x: Tensor) {
    return this.fc2.call(this.act.call(this.fc1.call(x))).mul(this.scale);
  }
}

/** The same in a constructor, with a PyTorch key that differs from the property. */
class CtorNet extends Module {
  readonly stack: Sequential;
  readonly head: Linear;
  readonly cache: Tensor;
  readonly label: string;
  constructor() {
    super();
    this.stack = this.registerModule('linear_relu_stack', new Sequential(new Linear(4, 8), new ReLU()));
    this.head = new Linear(8, 2);
    this.cache = zeros([2]); // a plain tensor is a plain property, as in PyTorch
    this.label = 'net';
  }
  forward(x: Tensor) {
    return this.head.call(this.stack.call(x));
  }
}

describe('registration by assignment', () => {
  it('registers class fields under their names, in definition order, with PyTorch keys and order', () => {
    const net = new FieldNet();
    // torch: own parameters first, then each child's (named_parameters and state_dict).
    expect(names(net)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(keys(net)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(net.parameters()[1]).toBe(net.fc1.weight);
    expect(net.scale.requiresGrad).toBe(true);
    expect(net.call(ones([3, 4])).shape).toEqual([3, 2]);
  });

  it('registers constructor assignments; an explicit registerModule keeps its own (PyTorch) key', () => {
    const net = new CtorNet();
    expect(keys(net)).toEqual(['linear_relu_stack.0.weight', 'linear_relu_stack.0.bias', 'head.weight', 'head.bias']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['linear_relu_stack', 'head']);
    expect(net.namedBuffers()).toEqual([]);
    expect(net.label).toBe('net');
    // Loads a PyTorch-keyed state dict.
    const sd = new CtorNet().stateDict();
    net.loadStateDict(sd);
    expect(Array.from(net.head.bias!.dataSync())).toEqual(Array.from(sd['head.bias']!.dataSync()));
  });

  it('a subclass adds its fields after its base class registrations', () => {
    class Wider extends FieldNet {
      extra = new Linear(2, 1);
    }
    expect(new Wider().namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'fc2', 'extra']);
  });

  it('keeps private fields of Module and of subclasses working', () => {
    class Secretive extends Module {
      #calls = 0;
      fc = new Linear(2, 2);
      forward(x: Tensor) {
        this.#calls++;
        return this.fc.call(x);
      }
      get calls() {
        return this.#calls;
      }
    }
    const m = new Secretive();
    m.call(ones([1, 2]));
    m.call(ones([1, 2]));
    expect(m.calls).toBe(2);
    expect(m instanceof Secretive && m instanceof Module).toBe(true);
    expect(names(m)).toEqual(['fc.weight', 'fc.bias']);
  });

  it('assigning to a property that holds a child replaces the child in place (same key, same position)', () => {
    const net = new FieldNet();
    const old = net.fc1;
    const fresh = new Linear(4, 8);
    net.fc1 = fresh;
    expect(net.namedChildren().map(([n, m]) => [n, m])).toEqual([['fc1', fresh], ['act', net.act], ['fc2', net.fc2]]);
    expect(net.parameters()).not.toContain(old.weight);
    expect(net.parameters()[1]).toBe(fresh.weight);
    // CtorNet's property 'stack' stands for the child 'linear_relu_stack'.
    const c = new CtorNet();
    const seq = new Sequential(new Linear(4, 8));
    (c as { stack: Sequential }).stack = seq;
    expect(c.namedChildren().map(([n]) => n)).toEqual(['linear_relu_stack', 'head']);
    expect(c.children()[0]).toBe(seq);
    expect(() => ((c as { head: unknown }).head = 3)).toThrow(
      "CtorNet: assigning 3 to property 'head', which holds the child module 'head': a Module or null is expected",
    );
    (c as { head: unknown }).head = null;
    expect(c.namedChildren().map(([n]) => n)).toEqual(['linear_relu_stack']);
  });

  it('replaces parameters with Parameters (or null) and refuses plain tensors, as PyTorch', () => {
    const lin = new Linear(3, 2);
    const w = new Parameter(zeros([2, 3]));
    (lin as { weight: Tensor }).weight = w;
    expect(lin.namedParameters()).toEqual([['weight', w], ['bias', lin.bias]]);
    expect(() => ((lin as { weight: Tensor }).weight = zeros([2, 3]))).toThrow(
      "Linear: assigning Tensor to property 'weight', which holds the parameter 'weight': a Parameter (new Parameter(t)) or null is expected; " +
        'to change its values in place use assign',
    );
    (lin as { bias: Tensor | null }).bias = null;
    expect(keys(lin)).toEqual(['weight']);
    // A Linear built without bias gets one by assigning a Parameter to the (null) property.
    const nb = new Linear(3, 2, { bias: false });
    (nb as { bias: Tensor | null }).bias = new Parameter(ones([2]));
    expect(keys(nb)).toEqual(['weight', 'bias']);
  });

  it("ties weights by assigning one module's parameter to another's, as PyTorch", () => {
    class Tied extends Module {
      enc = new Linear(4, 4, { bias: false });
      dec = new Linear(4, 4, { bias: false });
      constructor() {
        super();
        (this.dec as { weight: Tensor }).weight = this.enc.weight;
      }
      forward(x: Tensor) {
        return this.dec.call(this.enc.call(x));
      }
    }
    const m = new Tied();
    expect(m.parameters()).toEqual([m.enc.weight]); // once
    expect(keys(m)).toEqual(['enc.weight', 'dec.weight']); // under each name, as torch's state_dict
    expect(isParameter(m.enc.weight) && m.enc.weight instanceof Parameter).toBe(true);
    expect(zeros([1]) instanceof Parameter).toBe(false);
    // One optimizer step updates the shared tensor.
    const opt = new SGD(m.parameters(), { lr: 0.1 });
    backward(m.call(ones([2, 4])).sum());
    opt.step();
    expect(m.dec.weight).toBe(m.enc.weight);
  });

  it('replaces a buffer through its property (PyTorch key running_mean, property runningMean)', () => {
    const bn = new BatchNorm1d(3);
    const fresh = tensor([1, 2, 3]);
    (bn as { runningMean: Tensor | null }).runningMean = fresh;
    expect(bn.namedBuffers()[0]).toEqual(['running_mean', fresh]);
    expect(Array.from(bn.stateDict({ keepVars: true }).running_mean!.dataSync())).toEqual([1, 2, 3]);
    expect(() => ((bn as { runningVar: unknown }).runningVar = 1)).toThrow(
      "BatchNorm1d: assigning 1 to property 'runningVar', which holds the buffer 'running_var': a Tensor or null is expected",
    );
  });

  it('Parameter marks a float32 tensor (requiresGrad as given) and returns it', () => {
    const t = zeros([2]);
    expect(new Parameter(t)).toBe(t);
    expect(t.requiresGrad).toBe(true);
    const frozen = Parameter(ones([2]), false);
    expect(frozen.requiresGrad).toBe(false);
    class Holder extends Module {
      frozen = frozen;
      forward(x: Tensor) {
        return x;
      }
    }
    const h = new Holder();
    expect(h.namedParameters()).toEqual([['frozen', frozen]]);
    expect(frozen.requiresGrad).toBe(false); // registration keeps a Parameter's flag
    expect(() => new Parameter(ones([1], { dtype: 'int32' }))).toThrow('Parameter: data must be float32, got int32');
    expect(() => new Parameter([1] as never)).toThrow('Parameter: data must be a Tensor, got an array');
  });

  it('refuses an assignment that would make a module its own descendant, leaving the property unset', () => {
    const outer = new Sequential(new Linear(2, 2));
    const inner = outer.at(0) as Linear;
    expect(() => ((inner as unknown as { parent: Module }).parent = outer)).toThrow(
      "Linear.registerModule: registering 'parent' (Sequential) would make the module its own descendant",
    );
    expect((inner as unknown as { parent?: Module }).parent).toBeUndefined();
  });
});
