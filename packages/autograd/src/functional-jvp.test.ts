import { dispose, memory, randn, tensor, Generator, type Tensor } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { jvp, noGrad, vjp } from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const dot = (a: Tensor, b: Tensor): number => a.mul(b).sum().item();

describe('jvp', () => {
  it('is J·t: matches central finite differences (f(x + εt) − f(x − εt)) / 2ε', () => {
    const g = new Generator(3);
    const f = (a: Tensor, b: Tensor) => a.matmul(b).tanh().mul(b.sum().exp());
    const [a, b, ta, tb] = [randn([2, 3], { generator: g }), randn([3, 2], { generator: g }), randn([2, 3], { generator: g }), randn([3, 2], { generator: g })];
    const [y, dy] = jvp(f, [a!, b!], [ta!, tb!]);
    expectClose(values(y), values(f(a!, b!)), { rtol: 0, atol: 0 });
    const eps = 1e-3;
    const fd = f(a!.add(ta!.mul(eps)), b!.add(tb!.mul(eps))).sub(f(a!.sub(ta!.mul(eps)), b!.sub(tb!.mul(eps)))).div(2 * eps);
    expectClose(values(dy), values(fd), { rtol: 1e-2, atol: 2e-3 });
  });

  it('is the adjoint of vjp: ⟨u, J·t⟩ = ⟨Jᵀu, t⟩', () => {
    const g = new Generator(5);
    const f = (x: Tensor) => x.softmax(-1).mul(x.sin());
    const [x, t, u] = [randn([3, 4], { generator: g }), randn([3, 4], { generator: g }), randn([3, 4], { generator: g })];
    const [, jt] = jvp(f, [x!], [t!]);
    const [, pullback] = vjp(f, [x!]);
    expect(dot(u!, jt)).toBeCloseTo(dot(pullback(u!)[0]!, t!), 5);
    pullback.dispose();
  });

  it('keeps the structure of f: a list of outputs gives a list of tangents', () => {
    const [ys, dys] = jvp((a, b) => [a.mul(b), a.add(b).sum()], [tensor([1, 2]), tensor([3, 4])], [tensor([1, 0]), tensor([0, 1])]);
    expect(ys.map(values)).toEqual([[3, 8], [10]]);
    expect(dys.map(values)).toEqual([[3, 2], [2]]); // t_a·b + a·t_b; Σ(t_a + t_b)
  });

  it('gives zeros for outputs that do not depend on the primals, and the tangent itself for f = identity', () => {
    const c = tensor([7, 8, 9]);
    const [, [d0, d1]] = jvp((x) => [c, x.mul(0)], [tensor([1, 2, 3])], [tensor([1, 1, 1])]);
    expect(values(d0!)).toEqual([0, 0, 0]);
    expect(values(d1!)).toEqual([0, 0, 0]);
    const t = tensor([5, 6]);
    const [, d] = jvp((x) => x, [tensor([1, 2])], [t]);
    expect(d).not.toBe(t);
    expect(values(d)).toEqual([5, 6]);
  });

  it('works inside noGrad (it records what it needs itself)', () => {
    const [, d] = noGrad(() => jvp((x) => x.exp(), [tensor([0, 1])], [tensor([2, 1])]));
    expectClose(values(d), [2, Math.E], { rtol: 1e-6, atol: 0 });
  });

  it('frees everything but its results, and leaves the primals and .grad alone', () => {
    const x = tensor([0.5, -1, 2], { requiresGrad: true });
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const t = tensor([1, 0, -1]);
    const before = memory().numTensors;
    const out = jvp((a) => a.mul(w).exp().sum(), [x], [t]);
    expect(memory().numTensors).toBe(before + 2);
    dispose(out);
    expect(memory().numTensors).toBe(before);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
    expect(x.requiresGrad).toBe(true);
  });

  it('errors name the function, the argument and the shapes', () => {
    const f = (x: Tensor) => x.square();
    expect(() => jvp(f, [tensor([1, 2])], [tensor([1, 2, 3])])).toThrow('jvp: tangents[0] has shape [3] but primals[0] has shape [2]');
    expect(() => jvp(f, [tensor([1, 2])], [])).toThrow('jvp: tangents must hold at least one tensor, got an empty array');
    expect(() => jvp(f, [tensor([1]), tensor([2])], [tensor([1])])).toThrow('jvp: got 2 primals but 1 tangents');
    expect(() => jvp(f, [tensor([1, 2], { dtype: 'int32' })], [tensor([1, 2])])).toThrow(
      'jvp: primals[0] must be float32 to be differentiated, got int32 of shape [2]',
    );
    expect(() => jvp(f, tensor([1]) as unknown as Tensor[], [tensor([1])])).toThrow('jvp: primals must be an array of tensors, got Tensor');
    expect(() => jvp((x) => x.gt(0), [tensor([1])], [tensor([1])])).toThrow('jvp: f must return float32 tensors, its output is bool of shape [1]');
    expect(() => jvp(() => 3 as unknown as Tensor, [tensor([1])], [tensor([1])])).toThrow('jvp: f must return a Tensor or a non-empty array of tensors, got number 3');
  });
});
