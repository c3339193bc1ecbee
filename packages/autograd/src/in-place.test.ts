/**
 * In-place ops (`add_`, `mul_`, ... of @nn/tensor) under autograd: a leaf that requires grad is refused while
 * recording, a tensor saved for backward and then modified makes backward throw, and an in-place op on a tensor
 * in the graph is recorded (expected gradients from PyTorch 1.13, scripts in the comments).
 */
import { memory, tensor, tidy, zeros } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { backward, noGrad } from './index.js';

describe('in-place ops and autograd', () => {
  it('refuses a leaf that requires grad while recording, allows it under noGrad', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    expect(() => p.add_(1)).toThrow(
      'add_: a leaf tensor that requires grad (shape [2]) cannot be modified in place while gradients are recorded; do it inside noGrad',
    );
    for (const f of [() => p.zero_(), () => p.fill_(3), () => p.copy_(tensor([0, 0])), () => p.clamp_(0, 1), () => p.mul_(2)])
      expect(f).toThrow('a leaf tensor that requires grad');
    expect(Array.from(p.dataSync())).toEqual([1, 2]);
    const same = noGrad(() => p.add_(1));
    expect(same).toBe(p);
    expect(Array.from(p.dataSync())).toEqual([2, 3]);
    expect(p.requiresGrad).toBe(true);
    // A leaf that does not require grad is free to change.
    expect(Array.from(tensor([1, 2]).sub_(1).dataSync())).toEqual([0, 1]);
  });

  it('a tensor saved for backward and modified in place afterwards makes backward throw, naming the op', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const x = a.mul(2);
    const y = x.mul(x); // saves x
    x.add_(1);
    expect(() => backward(y.sum())).toThrow(
      "backward: a tensor (shape [3]) saved for the gradient of 'Mul' was modified by an in-place op (the last was add_()) after it was used",
    );
    // Under noGrad too (the values changed all the same).
    const w = tensor([1, 2], { requiresGrad: true });
    const h = w.exp(); // saves its output
    const loss = h.sum();
    noGrad(() => h.mul_(2));
    expect(() => backward(loss)).toThrow("saved for the gradient of 'Exp' was modified by an in-place op (the last was mul_()) after it was used");
  });

  it('records an in-place op on a non-leaf: later uses see the new value, earlier ones the old', () => {
    // a = [1,2,3] (rg); x = a*2; z = x.exp(); x.mul_(3); loss = z.sum() + (x*x).sum(); loss.backward()
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const x = a.mul(2);
    const z = x.exp();
    expect(x.mul_(3)).toBe(x);
    backward(z.sum().add(x.mul(x).sum()));
    expectClose(a.grad!.dataSync(), [86.77811431884766, 253.19630432128906, 1022.8576049804688], { rtol: 1e-5 });
  });

  it('an in-place op with an operand that requires grad makes a plain tensor require grad', () => {
    // x = zeros(2); x.add_(b*2); x.mul_(b); x.sum().backward()
    const b = tensor([1, 2], { requiresGrad: true });
    const x = zeros([2]);
    x.add_(b.mul(2)).mul_(b);
    expect(x.requiresGrad).toBe(true);
    backward(x.sum());
    expect(Array.from(b.grad!.dataSync())).toEqual([4, 8]);
  });

  it('clamp_, zero_, fill_ and copy_ pass PyTorch gradients', () => {
    // x = a*1; x.clamp_(0, 1); w = a*1; w2 = w.exp(); w.zero_(); (x.sum() + w2.sum() + w.sum()).backward()
    const a = tensor([-1, 0.5, 3], { requiresGrad: true });
    const x = a.mul(1).clamp_(0, 1);
    const w = a.mul(1);
    const w2 = w.exp();
    w.zero_();
    backward(x.sum().add(w2.sum()).add(w.sum()));
    expectClose(a.grad!.dataSync(), [0.3678794503211975, 2.648721218109131, 20.08553695678711], { rtol: 1e-6 });
    // x = a*1; x.copy_(s*2); (x * [1, 3]).sum().backward() → a.grad = [0, 0], s.grad = [8]
    const a2 = tensor([1, 2], { requiresGrad: true });
    const s = tensor([5], { requiresGrad: true });
    const c = a2.mul(1).copy_(s.mul(2));
    backward(c.mul(tensor([1, 3])).sum());
    expect(Array.from(a2.grad!.dataSync())).toEqual([0, 0]);
    expect(Array.from(s.grad!.dataSync())).toEqual([8]);
    const f = a2.mul(1).fill_(7);
    a2.grad = null;
    backward(f.sum());
    expect(Array.from(f.dataSync())).toEqual([7, 7]);
    expect(Array.from(a2.grad!.dataSync())).toEqual([0, 0]);
  });

  it('an in-place op inside tidy keeps what backward needs and leaks nothing', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const before = memory().numTensors;
    const loss = tidy(() => {
      const x = a.mul(2);
      x.mul_(x.detach().add(1)); // Mul saves its inputs: the old x lives on as the graph's copy
      return x.sum();
    });
    backward(loss);
    // d/da of 2a·(2a+1) with the factor detached: 2·(2a+1)
    expect(Array.from(a.grad!.dataSync())).toEqual([6, 10, 14]);
    loss.dispose();
    expect(memory().numTensors - before).toBe(1); // a.grad
  });
});
