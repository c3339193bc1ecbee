import { memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad, valueAndGrad } from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('grad / valueAndGrad', () => {
  it('grad(f)(x) is df/dx for the first argument by default', () => {
    const g = grad((w) => w.square().sum())(tensor([1, 2, 3]));
    expect(values(g)).toEqual([2, 4, 6]);
  });

  it('argnums picks arguments: a number gives one tensor, a list gives a list', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).add(b.square()).sum();
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expect(values(grad(f, 1)(a, b))).toEqual([7, 10]); // a + 2b
    const [ga, gb] = grad(f, [0, 1])(a, b);
    expect(values(ga!)).toEqual([3, 4]);
    expect(values(gb!)).toEqual([7, 10]);
    expect(values(grad(f, { argnums: [1] })(a, b)[0]!)).toEqual([7, 10]);
  });

  it('passes arguments outside argnums through untouched (they need not be tensors)', () => {
    const f = (x: Tensor, k: Tensor) => x.mul(k).sum();
    expect(values(grad(f)(tensor([1, 2]), 3 as unknown as Tensor))).toEqual([3, 3]);
  });

  it('valueAndGrad returns [value, gradient] from one evaluation', () => {
    let calls = 0;
    const f = (x: Tensor) => {
      calls++;
      return x.exp().sum();
    };
    const [v, g] = valueAndGrad(f)(tensor([0, 1]));
    expect(calls).toBe(1);
    expect(v.item()).toBeCloseTo(1 + Math.E, 5);
    expect(values(g)).toEqual([1, Math.fround(Math.E)]);
    expect(v.requiresGrad).toBe(false);
  });

  it('does not touch .grad of its arguments or of tensors f closes over', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4], { requiresGrad: true });
    const g = grad((a) => a.mul(w).sum())(x);
    expect(values(g)).toEqual([3, 4]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('gives zeros for an argument f does not depend on, and for a constant f', () => {
    const [, gb] = grad((a: Tensor, _b: Tensor) => a.sum(), [0, 1])(tensor([1, 2]), tensor([5, 6, 7]));
    expect(values(gb!)).toEqual([0, 0, 0]);
    expect(values(grad(() => tensor(3))(tensor([1, 2])))).toEqual([0, 0]);
  });

  it('returns distinct tensors for arguments sharing one gradient', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => a.add(b).sum(), [0, 1])(tensor([1, 2]), tensor([3, 4]));
    expect(ga).not.toBe(gb);
    ga!.dispose();
    expect(values(gb!)).toEqual([1, 1]);
  });

  it('nests: grad(grad(f)) is the second derivative', () => {
    const f = (x: Tensor) => x.mul(x).mul(x).sum(); // x³
    const d1 = grad(f);
    const d2 = grad((x: Tensor) => d1(x).sum());
    const d3 = grad((x: Tensor) => d2(x).sum());
    const x = tensor([0.5, -2]);
    expect(values(d1(x))).toEqual([0.75, 12]);
    expect(values(d2(x))).toEqual([3, -12]);
    expect(values(d3(x))).toEqual([6, 6]);
    const s = grad((x: Tensor) => grad((y: Tensor) => y.sin().sum())(x).sum())(tensor([0.3]));
    expect(s.item()).toBeCloseTo(-Math.sin(0.3), 6);
  });

  it('frees its intermediates', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const g = grad((a) => a.exp().mul(a.sin()).logsumexp(0))(x);
    expect(memory().numTensors - before).toBe(1);
    g.dispose();
    const h = grad((a: Tensor) => grad((b: Tensor) => b.square().mul(b).sum())(a).sum())(x);
    expect(values(h)).toEqual([6, 12, 18]);
    expect(memory().numTensors - before).toBe(1);
    h.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('validates its arguments', () => {
    const f = (x: Tensor) => x.sum();
    expect(() => grad(3 as unknown as () => Tensor)).toThrow('grad: f must be a function, got number 3');
    expect(() => grad(f, -1)).toThrow('grad: argnums must be a non-negative integer or a non-empty list of them, got -1');
    expect(() => grad(f, [0, 0])).toThrow('grad: argnums [0,0] repeats an index');
    expect(() => grad(f, 1)(tensor([1]))).toThrow('grad: argnums 1 is out of range for 1 argument(s)');
    expect(() => grad(f)(tensor([1], { dtype: 'int32' }))).toThrow('grad: argument 0 must be float32 to be differentiated, got int32');
    expect(() => valueAndGrad((x: Tensor) => x.mul(2))(tensor([1, 2]))).toThrow(
      'valueAndGrad: f must return a one-element float32 tensor, got float32 of shape [2]',
    );
    expect(() => valueAndGrad(f, { createGraph: 1 as unknown as boolean })).toThrow('valueAndGrad: createGraph must be a boolean, got number 1');
  });
});
