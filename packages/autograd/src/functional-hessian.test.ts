import { dispose, memory, randn, tensor, Generator, type Tensor } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { grad, hessian, hvp } from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('hvp / hessian', () => {
  const f = (x: Tensor) => x.tanh().mul(x.square().sum()).sum().add(x.exp().sum());

  it('hvp is H·v: matches central differences of the gradient (∇f(x + εv) − ∇f(x − εv)) / 2ε', () => {
    const g = new Generator(11);
    const [x, v] = [randn([2, 3], { generator: g }), randn([2, 3], { generator: g })];
    const [fx, hv] = hvp(f, x!, v!);
    expect(fx.item()).toBeCloseTo(f(x!).item(), 5);
    const eps = 1e-3;
    const gf = grad(f);
    const fd = gf(x!.add(v!.mul(eps))).sub(gf(x!.sub(v!.mul(eps)))).div(2 * eps);
    expectClose(values(hv), values(fd), { rtol: 1e-2, atol: 3e-3 });
  });

  it('hessian is [...x.shape, ...x.shape], symmetric, and its contraction with v is hvp', () => {
    const g = new Generator(12);
    const [x, v] = [randn([2, 2], { generator: g }), randn([2, 2], { generator: g })];
    const h = hessian(f, x!);
    expect(h.shape).toEqual([2, 2, 2, 2]);
    const m = h.reshape(4, 4);
    expectClose(values(m), values(m.transpose(0, 1)), { rtol: 1e-5, atol: 1e-5 });
    expectClose(values(m.matmul(v!.reshape(4, 1))), values(hvp(f, x!, v!)[1]), { rtol: 1e-5, atol: 1e-5 });
  });

  it('gives exact values for a quadratic, zeros for a linear f, and works on a scalar x', () => {
    // f(x) = ½ xᵀAx with A symmetric: H = A.
    const A = tensor([[2, 1], [1, 3]]);
    const quad = (x: Tensor) => x.matmul(A).matmul(x).mul(0.5);
    expect(hessian(quad, tensor([0.3, -2])).arraySync()).toEqual([[2, 1], [1, 3]]);
    expect(values(hessian((x) => x.mul(3).sum(), tensor([1, 2])))).toEqual([0, 0, 0, 0]);
    expect(values(hvp((x) => x.sum(), tensor([1, 2]), tensor([1, 1]))[1])).toEqual([0, 0]);
    const h = hessian((x) => x.pow(3), tensor(2));
    expect(h.shape).toEqual([]);
    expect(h.item()).toBe(12);
    // H = I passes v straight through: the result is a fresh tensor.
    const v = tensor([4, 5]);
    const [, hv] = hvp((x) => x.square().sum().mul(0.5), tensor([1, 2]), v);
    expect(hv).not.toBe(v);
    expect(values(hv)).toEqual([4, 5]);
  });

  it('frees everything but its results', () => {
    const x = tensor([0.1, 0.2, 0.3]);
    const v = tensor([1, -1, 0.5]);
    const before = memory().numTensors;
    dispose([hvp(f, x, v), hessian(f, x)]);
    expect(memory().numTensors).toBe(before);
  });

  it('errors name the function, the argument and the shapes', () => {
    expect(() => hvp((x) => x.square(), tensor([1, 2]), tensor([1, 1]))).toThrow('hvp: f must return a one-element (scalar) tensor, got shape [2]');
    expect(() => hessian((x) => [x.sum()] as unknown as Tensor, tensor([1, 2]))).toThrow(
      'hessian: f must return a one-element (scalar) tensor, got an array of 1 tensors',
    );
    expect(() => hvp(f, tensor([1, 2]), tensor([[1, 1]]))).toThrow('hvp: v has shape [1,2] but x has shape [2]');
    expect(() => hvp(f, tensor([1, 2]), 2 as unknown as Tensor)).toThrow('hvp: v must be a Tensor, got number 2');
    expect(() => hessian(f, tensor([1, 2], { dtype: 'int32' }))).toThrow('hessian: x must be float32 to be differentiated, got int32 of shape [2]');
  });
});
