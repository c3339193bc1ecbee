import { dispose, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad, vjp } from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('vjp', () => {
  it('returns the outputs and a pullback giving one gradient per primal', () => {
    const [y, pullback] = vjp((a, b) => a.mul(b).exp(), [tensor([0, 1]), tensor([2, 0.5])]);
    expect(values(y)).toEqual([1, Math.fround(Math.exp(0.5))]);
    expect(y.requiresGrad).toBe(false);
    const [ga, gb] = pullback(tensor([1, 2]));
    expect(values(ga!)).toEqual([2, Math.fround(2 * 0.5 * Math.exp(0.5))]); // u·b·e^{ab}
    expect(values(gb!)).toEqual([0, Math.fround(2 * Math.exp(0.5))]); // u·a·e^{ab}
    pullback.dispose();
  });

  it('with one-hot cotangents of a scalar f it is grad', () => {
    const f = (w: Tensor) => w.tanh().square().sum();
    const w = tensor([0.3, -0.7, 1.1]);
    const [, pullback] = vjp(f, [w]);
    expect(values(pullback(tensor(1))[0]!)).toEqual(values(grad(f)(w)));
    pullback.dispose();
  });

  it('takes a list of cotangents for a list of outputs, and can be called again', () => {
    const [ys, pullback] = vjp((a) => [a.square(), a.sum()], [tensor([1, 2])]);
    expect(ys.map(values)).toEqual([[1, 4], [3]]);
    expect(values(pullback([tensor([1, 1]), tensor(0)])[0]!)).toEqual([2, 4]);
    expect(values(pullback([tensor([0, 0]), tensor(3)])[0]!)).toEqual([3, 3]);
    pullback.dispose();
    expect(() => pullback([tensor([0, 0]), tensor(3)])).toThrow('vjp: vjpFn was called after dispose()');
  });

  it('gives zeros for a primal the outputs do not use, and never the caller’s cotangent object', () => {
    const [, pullback] = vjp((a, _b) => a, [tensor([1, 2]), tensor([3])]);
    const u = tensor([5, 6]);
    const [ga, gb] = pullback(u);
    expect(ga).not.toBe(u);
    expect(values(ga!)).toEqual([5, 6]);
    expect(values(gb!)).toEqual([0]);
    pullback.dispose();
  });

  it('dispose() frees the recorded graph; the caller’s tensors and .grad are untouched', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([0.5, 0.25, 2]);
    const u = tensor([1, 1, 1]);
    const before = memory().numTensors;
    const [y, pullback] = vjp((a) => a.mul(w).sin().mul(a), [x]);
    const gs = pullback(u);
    gs.push(pullback(u)[0]!);
    dispose([y, gs]);
    pullback.dispose();
    expect(memory().numTensors).toBe(before);
    expect(w.grad).toBeNull();
    expect(values(x)).toEqual([0.5, 0.25, 2]);
  });

  it('errors name the function, the argument and the shapes', () => {
    const [, pullback] = vjp((a) => [a.square(), a.sum()], [tensor([1, 2])]);
    expect(() => pullback([tensor([1, 1])] as unknown as Tensor[])).toThrow('vjp: got 2 outputs but 1 cotangents');
    expect(() => pullback([tensor([1, 1]), tensor([1, 1])])).toThrow('vjp: cotangents[1] has shape [2] but outputs[1] has shape []');
    pullback.dispose();
    expect(() => vjp((a) => a, [tensor([true])])).toThrow('vjp: primals[0] must be float32 to be differentiated, got bool of shape [1]');
    expect(() => vjp('f' as unknown as () => Tensor, [tensor([1])])).toThrow('vjp: f must be a function, got string "f"');
  });
});
