import { backward } from '@nn/autograd';
import { add, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Flatten, Identity, Linear, ReLU, Residual, Sequential, Tanh } from './index.js';

describe('Sequential', () => {
  it('applies its children in order and names them by position', () => {
    const a = new Linear(3, 4);
    const b = new Linear(4, 2);
    const seq = new Sequential(a, new ReLU(), b);
    const x = tensor([[1, -2, 3], [0.5, 0, -1]]);
    expect(seq.forward(x).dataSync()).toEqual(b.forward(a.forward(x).relu()).dataSync());
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.length).toBe(3);
    expect(seq.at(0)).toBe(a);
    expect(seq.at(-1)).toBe(b);
    expect([...seq]).toEqual(seq.children());
    expect(() => seq.at(3)).toThrow('Sequential.at: index 3 is out of range for a Sequential of length 3');
  });

  it('accepts named modules and appends', () => {
    const seq = new Sequential({ fc: new Linear(2, 2), act: new Tanh() });
    expect(seq.namedChildren().map(([n]) => n)).toEqual(['fc', 'act']);
    const empty = new Sequential();
    const x = tensor([1, 2]);
    expect(empty.forward(x)).toBe(x);
    empty.append(new BatchNorm1d(2)).append(new Identity());
    expect(Object.keys(empty.stateDict())).toEqual(['0.weight', '0.bias', '0.running_mean', '0.running_var', '0.num_batches_tracked']);
    expect(() => new Sequential(new Linear(1, 1), 'relu' as never)).toThrow("Sequential: module 1 must be a Module, got 'relu'");
  });

  it('backpropagates through every child', () => {
    const seq = new Sequential(new Flatten(), new Linear(4, 3), new ReLU(), new Linear(3, 1));
    const x = tensor([[[1, 2], [3, 4]]], { requiresGrad: true });
    backward(seq.forward(x).sum());
    expect(x.grad!.shape).toEqual([1, 2, 2]);
    expect(seq.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe('Residual', () => {
  it('computes x + module(x), with the module as child "module"', () => {
    const lin = new Linear(2, 2);
    const res = new Residual(lin);
    const x = tensor([[1, 2]]);
    expect(res.forward(x).dataSync()).toEqual(add(x, lin.forward(x)).dataSync());
    expect(Object.keys(res.stateDict())).toEqual(['module.weight', 'module.bias']);
    expect(() => new Residual(new Linear(2, 3)).forward(x)).toThrow("Residual: the module's output shape [1,3] differs from its input shape [1,2]");
    expect(() => new Residual(null as never)).toThrow('Residual: module must be a Module, got null');
  });

  it('passes the gradient through both branches', () => {
    const res = new Residual(new Sequential(new Linear(2, 2, { bias: false })));
    res.loadStateDict({ 'module.0.weight': tensor([[1, 2], [3, 4]]) });
    const x = tensor([[1, 1]], { requiresGrad: true });
    backward(res.forward(x).sum());
    // d/dx Σ (x + x·Wᵀ) = 1 + column sums of W.
    expect(x.grad!.arraySync()).toEqual([[5, 7]]);
  });
});
