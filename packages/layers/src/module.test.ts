import { backward } from '@nn/autograd';
import { SGD } from '@nn/optim';
import { memory, ones, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential } from './index.js';

class Block extends Module {
  readonly scale: Tensor;
  readonly fc: Linear;
  readonly norm: BatchNorm1d;

  constructor() {
    super();
    this.scale = this.registerParameter('scale', ones([3]));
    this.fc = this.registerModule('fc', new Linear(2, 3));
    this.norm = this.registerModule('norm', new BatchNorm1d(3));
  }

  forward(x: Tensor): Tensor {
    return this.norm.call(this.fc.call(x)).mul(this.scale);
  }
}

class Net extends Module {
  readonly block = this.registerModule('block', new Block());
  readonly drop = this.registerModule('drop', new Dropout(0.5));
  readonly head = this.registerModule('head', new Linear(3, 1, { bias: false }));

  forward(x: Tensor): Tensor {
    return this.head.call(this.drop.call(this.block.call(x)));
  }
}

const values = (m: Module) => Object.fromEntries(m.namedParameters().map(([k, t]) => [k, Array.from(t.dataSync())]));

describe('Module registration and traversal', () => {
  it('names parameters, buffers, children and modules with dotted paths in PyTorch order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'block.scale', 'block.fc.weight', 'block.fc.bias', 'block.norm.weight', 'block.norm.bias', 'head.weight',
    ]);
    expect(net.parameters()[1]).toBe(net.block.fc.weight);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['block.norm.running_mean', 'block.norm.running_var', 'block.norm.num_batches_tracked']);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['block', 'drop', 'head']);
    expect(net.children()).toEqual([net.block, net.drop, net.head]);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'block', 'block.fc', 'block.norm', 'drop', 'head']);
    expect(net.modules()[0]).toBe(net);
    expect(Object.keys(net.stateDict())).toEqual([
      'block.scale', 'block.fc.weight', 'block.fc.bias', 'block.norm.weight', 'block.norm.bias', 'block.norm.running_mean',
      'block.norm.running_var', 'block.norm.num_batches_tracked', 'head.weight',
    ]);
  });

  it('lists a shared module once in parameters() but under each name in stateDict(), as PyTorch', () => {
    const shared = new Linear(2, 2);
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.parameters()).toEqual([shared.weight, shared.bias]);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('refuses to traverse a module holding an array of Modules, which would silently lose parameters', () => {
    class ArrayHolder extends Module {
      readonly layers = [new Linear(2, 2)];
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new ArrayHolder().modules()).toThrow(
      "ArrayHolder: property 'layers' holds an array of Modules that is not registered, so its parameters would be missed by parameters() and stateDict(); use a Sequential, or registerModule each element",
    );
    // Another reference to a registered module is fine.
    class Alias extends Module {
      readonly body = this.registerModule('body', new Sequential(new Linear(2, 2)));
      readonly first = this.body.at(0);
      forward(x: Tensor) {
        return this.body.call(x);
      }
    }
    expect(new Alias().parameters()).toHaveLength(2);
  });

  it('validates registrations', () => {
    class M extends Module {
      forward(x: Tensor) {
        return x;
      }
    }
    const m = new M();
    expect(() => m.registerParameter('a.b', ones([1]))).toThrow("M.registerParameter: name must be a non-empty string without '.', got 'a.b'");
    expect(() => m.registerParameter('', ones([1]))).toThrow('name must be a non-empty string');
    expect(() => m.registerParameter('w', ones([1], { dtype: 'int32' }))).toThrow("M.registerParameter: parameter 'w' must be float32, got int32");
    expect(() => m.registerParameter('w', [1] as never)).toThrow("M.registerParameter: parameter 'w' must be a Tensor or null, got an array");
    m.registerBuffer('stat', zeros([2]));
    expect(() => m.registerParameter('stat', ones([1]))).toThrow("M.registerParameter: 'stat' is already registered as a buffer");
    expect(() => m.registerModule('x', {} as never)).toThrow("M.registerModule: module 'x' must be a Module, got Object");
    const outer = new Sequential(m);
    expect(() => m.registerModule('parent', outer)).toThrow("M.registerModule: registering 'parent' (Sequential) would make the module its own descendant");
    expect(() => m.registerBuffer('b', ones([1]), { persistent: 1 } as never)).toThrow('M.registerBuffer: persistent must be a boolean, got 1');
    // Non-persistent buffers are buffers but not state.
    m.registerBuffer('cache', ones([2]), { persistent: false });
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['stat', 'cache']);
    expect(Object.keys(m.stateDict())).toEqual(['stat']);
    const p = m.registerParameter('p', tensor([1, 2]));
    expect(p.requiresGrad).toBe(true);
  });

  it("apply visits each child's subtree, then the module itself (PyTorch 1.13's order)", () => {
    const net = new Net();
    const seen: string[] = [];
    expect(net.apply((m) => seen.push(m.constructor.name))).toBe(net);
    // [type(m).__name__ for m visited by Net().apply] in PyTorch, for the same tree.
    expect(seen).toEqual(['Linear', 'BatchNorm1d', 'Block', 'Dropout', 'Linear', 'Net']);
  });

  it('prints like PyTorch', () => {
    expect(String(new Sequential(new Linear(4, 2), new ReLU(), new Sequential(new Dropout(0.25))))).toBe(
      'Sequential(\n  (0): Linear(inFeatures=4, outFeatures=2, bias=true)\n  (1): ReLU()\n  (2): Sequential(\n    (0): Dropout(p=0.25)\n  )\n)',
    );
  });
});

describe('Module modes and gradients', () => {
  it('train/eval propagate to every descendant and return the module', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect(net.train()).toBe(net);
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.block.eval();
    expect([net.training, net.block.training, net.block.fc.training, net.head.training]).toEqual([true, false, false, true]);
    expect(() => net.train('no' as never)).toThrow('Net.train: mode must be a boolean');
  });

  it('zeroGrad disposes every gradient and sets it to null', () => {
    const net = new Net().eval();
    backward(net.call(tensor([[1, 2]])).sum());
    const grads = net.parameters().map((p) => p.grad);
    expect(grads.every((g) => g !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    expect(grads.every((g) => g!.isDisposed)).toBe(true);
  });

  it('parameters and buffers survive an enclosing tidy', () => {
    const net = tidy(() => new Net());
    expect(net.parameters().every((p) => !p.isDisposed)).toBe(true);
    expect(net.buffers().every((b) => !b.isDisposed)).toBe(true);
    expect(net.call(tensor([[1, 2], [3, 4]])).shape).toEqual([2, 1]);
  });

  it('dispose frees every parameter, gradient and buffer; a disposed module cannot be called', () => {
    const net = new Net().eval();
    backward(net.call(tensor([[1, 2]])).sum());
    const before = memory().numTensors;
    const owned = [...net.parameters(), ...net.parameters().map((p) => p.grad!), ...net.buffers()];
    net.dispose();
    expect(owned.every((t) => t.isDisposed)).toBe(true);
    expect(memory().numTensors).toBe(before - owned.length);
    expect(net.isDisposed).toBe(true);
    expect(() => net.call(tensor([[1, 2]]))).toThrow('Net: the module has been disposed');
  });
});

describe('stateDict and loadStateDict', () => {
  it('stateDict gives detached snapshots sharing storage; keepVars gives the tensors themselves', () => {
    const lin = new Linear(2, 2);
    const bytes = memory().numBytes;
    const sd = lin.stateDict();
    expect(memory().numBytes).toBe(bytes);
    expect(sd.weight).not.toBe(lin.weight);
    expect(sd.weight!.requiresGrad).toBe(false);
    const snapshot = Array.from(sd.weight!.dataSync());
    lin.weight.assign(zeros([2, 2]));
    expect(Array.from(sd.weight!.dataSync())).toEqual(snapshot);
    expect(lin.stateDict({ keepVars: true }).weight).toBe(lin.weight);
  });

  it('strict loading rejects missing, unexpected and mismatched keys, naming them all, and changes nothing', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    const before = values(model);
    const weight = model.at(0).namedParameters()[0]![1];
    const good = new Sequential(new Linear(3, 4), new BatchNorm1d(4)).stateDict();
    expect(() => model.loadStateDict({ ...good, '0.weight': zeros([3, 4]) })).toThrow(
      'loadStateDict: size mismatch for 0.weight: copying a param with shape [3,4] from the state dict, the shape in the current model is [4,3]',
    );
    const { ['1.running_var']: _, ...missing } = good;
    expect(() => model.loadStateDict({ ...missing, '2.weight': ones([1]) })).toThrow(
      'loadStateDict: Missing key(s) in state_dict: "1.running_var"; Unexpected key(s) in state_dict: "2.weight"',
    );
    expect(() => model.loadStateDict({ ...missing, '0.bias': ones([3]) })).toThrow(
      'loadStateDict: Missing key(s) in state_dict: "1.running_var"; size mismatch for 0.bias: copying a param with shape [3] from the state dict, the shape in the current model is [4]',
    );
    expect(() => model.loadStateDict({ ...good, '1.weight': 3 as never })).toThrow("loadStateDict: stateDict['1.weight'] must be a Tensor, got 3");
    expect(() => model.loadStateDict([] as never)).toThrow('loadStateDict: stateDict must be an object (or a Map) of Tensors, got an array');
    expect(() => model.loadStateDict(good, { strict: 'yes' } as never)).toThrow('loadStateDict: strict must be a boolean');
    expect(values(model)).toEqual(before);
    expect(model.at(0).namedParameters()[0]![1]).toBe(weight);
  });

  it('non-strict loading loads what matches and reports the rest; a shape mismatch is still an error', () => {
    const model = new Sequential(new Linear(2, 2), new Linear(2, 1));
    const result = model.loadStateDict({ '0.weight': tensor([[1, 2], [3, 4]]), 'extra.weight': ones([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['0.bias', '1.weight', '1.bias'], unexpectedKeys: ['extra.weight'] });
    expect(model.at(0).namedParameters()[0]![1].arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(() => model.loadStateDict({ '1.weight': ones([2, 2]) }, { strict: false })).toThrow(
      'loadStateDict: size mismatch for 1.weight: copying a param with shape [2,2] from the state dict, the shape in the current model is [1,2]',
    );
    expect(model.loadStateDict(model.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('copies in place: parameter identity is kept, so an optimizer made before the load keeps training them', () => {
    const model = new Sequential(new Linear(2, 1, { bias: false }));
    const w = model.parameters()[0]!;
    const opt = new SGD(model.parameters(), { lr: 0.5 });
    const sd = new Map([['0.weight', tensor([[1, -1]])]]);
    model.loadStateDict(sd);
    sd.get('0.weight')!.dispose(); // the model does not depend on the state dict's tensors
    expect(model.parameters()[0]).toBe(w);
    expect(w.requiresGrad).toBe(true);
    backward(model.call(tensor([[2, 4]])).sum());
    opt.step();
    expect(w.arraySync()).toEqual([[0, -3]]);
  });

  it('converts dtypes: a float32 num_batches_tracked loads into the int32 buffer', () => {
    const bn = new BatchNorm1d(2);
    const sd = { ...bn.stateDict(), num_batches_tracked: tensor(7) };
    bn.loadStateDict(sd);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.item()).toBe(7);
  });
});
