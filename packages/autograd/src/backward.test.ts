import { engine, memory, registerKernel, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { backward, noGrad, zeroGrad } from './index.js';
import golden from './golden/grads.json' with { type: 'json' };

const goldenCase = (name: string) => golden.cases.find((c) => c.name === name)!;

/** f(x) = (x² + sin x²)·x², the worked example: a = x² is used three times. */
const seedFn = (x: Tensor): Tensor => {
  const a = x.square();
  return a.add(a.sin()).mul(a);
};

describe('backward', () => {
  it('differentiates the seed example f(x) = (x² + sin x²)·x² at x = 2', () => {
    const x = tensor(2, { requiresGrad: true });
    const f = seedFn(x);
    backward(f);
    expect(f.item()).toBeCloseTo(12.97, 2);
    expect(x.grad!.item()).toBeCloseTo(18.51, 2);
    // Exact float32 values from PyTorch 1.13.
    const g = goldenCase('seed_example');
    expect(f.item()).toBeCloseTo(g.output as number, 5);
    expect(x.grad!.item()).toBeCloseTo(g.grads[0] as number, 4);
  });

  it('sums the gradient where a tensor fans out (a used three times) and matches the closed form', () => {
    const xs = [0.3, -1.2, 2];
    const x = tensor(xs, { requiresGrad: true });
    backward(seedFn(x).sum());
    // d/dx [(x² + sin x²)·x²] = 2x·(2x² + sin x² + x² cos x²)
    const expected = xs.map((v) => 2 * v * (2 * v * v + Math.sin(v * v) + v * v * Math.cos(v * v)));
    const got = Array.from(x.grad!.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('works through the method form loss.backward()', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
  });

  it('accumulates across calls until zeroed, keeping the .grad object', () => {
    const x = tensor([1, -2], { requiresGrad: true });
    backward(x.mul(3).sum());
    const first = x.grad!;
    backward(x.mul(3).sum());
    expect(x.grad).toBe(first);
    expect(Array.from(x.grad!.dataSync())).toEqual([6, 6]);
    zeroGrad([x]);
    expect(x.grad).toBeNull();
    expect(first.isDisposed).toBe(true);
    backward(x.mul(3).sum());
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 3]);
  });

  it('takes gradOutput for a non-scalar loss', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.square();
    const g = tensor([[1, 0, -1], [0.5, 2, 0]]);
    backward(y, g);
    expect(x.grad!.arraySync()).toEqual([[2, 0, -6], [4, 20, 0]]);
    expect(g.isDisposed).toBe(false);
  });

  it('gives each leaf its own .grad tensor even when one gradient is shared', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    backward(a.add(b).sum());
    expect(a.grad).not.toBe(b.grad);
    a.grad!.dispose();
    expect(Array.from(b.grad!.dataSync())).toEqual([1, 1]);
  });

  it('seeds a leaf loss with gradOutput without aliasing the caller tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = tensor([5, 6]);
    backward(x, g);
    expect(x.grad).not.toBe(g);
    g.dispose();
    expect(Array.from(x.grad!.dataSync())).toEqual([5, 6]);
  });

  it('does not give .grad to non-leaves or to tensors without requiresGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const h = x.mul(c);
    backward(h.sum());
    expect(h.grad).toBeNull();
    expect(c.grad).toBeNull();
    expect(c.requiresGrad).toBe(false);
    expect(h.requiresGrad).toBe(true);
  });

  it('handles deep graphs without recursion', () => {
    const x = tensor(1, { requiresGrad: true });
    const one = tensor(1);
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(one);
    backward(y);
    expect(x.grad!.item()).toBe(1);
  });

  it('stops at detach()', () => {
    const x = tensor([2, 3], { requiresGrad: true });
    const y = x.mul(x.detach());
    backward(y.sum());
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 3]);
    expect(x.detach().requiresGrad).toBe(false);
  });

  it('retainGraph allows a second backward; otherwise the second one fails clearly', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    backward(y, { retainGraph: true });
    backward(y);
    expect(Array.from(x.grad!.dataSync())).toEqual([2 * Math.fround(Math.E), 2 * Math.fround(Math.exp(2))].map(Math.fround));
    expect(() => backward(y)).toThrow(
      "backward: trying to backward through the graph a second time (the saved tensors of 'Sum' were freed by the first backward); pass {retainGraph: true} to the first backward to keep them",
    );
  });

  it('createGraph records the gradient so it can be differentiated again', () => {
    const x = tensor(1.5, { requiresGrad: true });
    backward(x.mul(x).mul(x), { createGraph: true }); // dx = 3x²
    const g = x.grad!;
    expect(g.item()).toBeCloseTo(6.75, 5);
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    backward(g); // d(3x²)/dx = 6x
    expect(x.grad!.item()).toBeCloseTo(9, 5);
  });

  it('rejects bad calls with messages naming the problem', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => backward(y)).toThrow('backward: grad can be implicitly created only for scalar outputs, got shape [2,3]');
    expect(() => backward(y, tensor([1, 2, 3]))).toThrow('backward: gradOutput shape [3] does not match loss shape [2,3]');
    expect(() => backward(tensor([1, 2]).sum())).toThrow('backward: loss (shape []) does not require grad');
    expect(() => backward(1 as unknown as Tensor)).toThrow('backward: loss must be a Tensor, got number 1');
    expect(() => backward(y, tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }))).toThrow('backward: gradOutput must be float32, got int32');
    expect(() => (tensor([1], { dtype: 'int32' }).requiresGrad = true)).toThrow(
      'requiresGrad: only floating (float32, float16) tensors can require gradients, got int32',
    );
  });

  it('fails on a kernel without a gradient rule, naming it', () => {
    registerKernel('cpu', 'TestFoo', ({ inputs: [x] }) => ({ dataId: x!.dataId, shape: x!.shape, dtype: x!.dtype }));
    const x = tensor([1, 2], { requiresGrad: true });
    const y = engine.runKernel('TestFoo', [x]);
    expect(y.requiresGrad).toBe(true);
    expect(() => backward(y.sum())).toThrow("backward: no gradient rule for kernel 'TestFoo'");
  });

  it('detects a saved tensor changed by assign() between forward and backward', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4], { requiresGrad: true });
    const y = w.mul(x).sum();
    noGrad(() => w.assign(tensor([5, 6])));
    expect(() => backward(y)).toThrow("backward: a tensor (shape [2]) saved for the gradient of 'Mul' was modified by assign() after it was used");
  });

  it('leaf gradients survive the tidy backward runs in, and intermediates do not leak', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const before = memory().numTensors;
    tidy(() => {
      backward(x.exp().mul(x).sum());
    });
    expect(x.grad!.isDisposed).toBe(false);
    expect(memory().numTensors - before).toBe(1); // just x.grad
  });
});
