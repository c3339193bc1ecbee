import { keep, memory, ones, tensor, tidy, type Tensor } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { backward, grad, registerHook } from './index.js';
import golden from './golden/hooks.json' with { type: 'json' };

const F32 = { rtol: 1e-5, atol: 1e-6 };
const leaf = (values: number[], shape?: number[]) => tensor(values, { shape, requiresGrad: true });
const values = (t: Tensor) => Array.from(t.dataSync());
/** A hook that records (a copy of) each gradient it sees and returns `f(grad)`. */
const recording = (seen: number[][], f?: (g: Tensor) => Tensor) => (g: Tensor) => {
  seen.push(values(g));
  return f?.(g);
};

describe('tensor.registerHook (PyTorch 1.13 goldens)', () => {
  it('a hook on a non-leaf replaces the gradient flowing upstream', () => {
    const c = golden.cases.nonleaf_scale;
    const x = leaf(c.x);
    const y = x.exp();
    const seen: number[][] = [];
    y.registerHook(recording(seen, (g) => g.mul(2)));
    backward(y.mul(tensor(c.w)).sum());
    expect(seen.length).toBe(1);
    expectClose(seen[0]!, c.seen[0]!, F32);
    expectClose(x.grad!.dataSync(), c.dx, F32);
  });

  it('a hook on a leaf replaces what is accumulated into .grad, on every backward', () => {
    const c = golden.cases.leaf_replace_accumulate;
    const x = leaf(c.x);
    const seen: number[][] = [];
    x.registerHook(recording(seen, (g) => g.mul(g)));
    const grads: number[][] = [];
    for (const k of [1, 2]) {
      backward(x.sin().mul(k).sum());
      grads.push(values(x.grad!));
    }
    seen.forEach((s, i) => expectClose(s, c.seen[i]!, F32));
    grads.forEach((g, i) => expectClose(g, c.grads[i]!, F32));
  });

  it('runs once on the summed gradient of a tensor used three times, hooks chained in registration order', () => {
    for (const [name, removeFirst] of [['fanout_chain', false], ['fanout_removed', true]] as const) {
      const c = golden.cases[name];
      const x = leaf(c.x);
      const a = x.mul(x);
      const seen1: number[][] = [];
      const seen2: number[][] = [];
      const h1 = a.registerHook(recording(seen1, (g) => g.mul(0.5)));
      a.registerHook(recording(seen2, (g) => g.add(1)));
      if (removeFirst) h1.remove();
      backward(a.add(a.sin()).mul(a).sum());
      expect(seen1.length).toBe(c.seen1.length);
      seen1.forEach((s, i) => expectClose(s, c.seen1[i]!, { ...F32, label: `${name} hook 1` }));
      seen2.forEach((s, i) => expectClose(s, c.seen2[i]!, { ...F32, label: `${name} hook 2` }));
      expectClose(x.grad!.dataSync(), c.dx, { ...F32, label: `${name} dx` });
    }
  });

  it("a hook on the loss gets the seed and scales every leaf's gradient", () => {
    const c = golden.cases.root;
    const x = leaf(c.x, c.shape);
    const loss = x.mul(x).mean();
    const seen: number[][] = [];
    loss.registerHook(recording(seen, (g) => g.mul(3)));
    loss.backward();
    expect(seen).toEqual(c.seen);
    expectClose(x.grad!.dataSync(), c.dx, F32);
  });

  it('a hook that returns nothing only observes', () => {
    const c = golden.cases.observe;
    const x = leaf(c.x);
    const h = x.mul(2);
    const seen: number[][] = [];
    const handle = registerHook(h, recording(seen));
    backward(h.tanh().sum());
    expectClose(seen[0]!, c.seen[0]!, F32);
    expectClose(x.grad!.dataSync(), c.dx, F32);
    handle.remove();
    handle.remove(); // idempotent
  });
});

describe('tensor.registerHook', () => {
  it('calls hooks in registration order and stops calling removed ones (also through `using`)', () => {
    const x = leaf([1, 2]);
    const calls: string[] = [];
    const a = x.registerHook(() => void calls.push('a'));
    {
      using _b = x.registerHook(() => void calls.push('b'));
      x.registerHook(() => void calls.push('c'));
      backward(x.sum());
    }
    a.remove();
    backward(x.sum());
    expect(calls).toEqual(['a', 'b', 'c', 'c']);
  });

  it('the gradient a hook sees survives backward when kept', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(x);
    let kept: Tensor | undefined;
    y.registerHook((g) => void (kept = keep(g)));
    backward(y.mul(tensor([1, 10, 100])).sum());
    expect(values(kept!)).toEqual([1, 10, 100]);
    kept!.dispose();
  });

  it('a hook may return a tensor of its own (never freed by backward) or the tensor it was given', () => {
    const x = leaf([1, 2]);
    const fixed = keep(tensor([5, 7]));
    const h = x.registerHook(() => fixed);
    backward(x.mul(3).sum());
    expect(values(x.grad!)).toEqual([5, 7]);
    h.remove();
    x.registerHook((g) => g);
    backward(x.mul(3).sum());
    expect(values(x.grad!)).toEqual([8, 10]);
    expect(values(fixed)).toEqual([5, 7]);
  });

  it('frees everything: the tensor count is flat over repeated backward passes with hooks', () => {
    const x = leaf([0.5, -1, 2]);
    x.registerHook((g) => g.mul(2));
    const run = () =>
      tidy(() => {
        const y = x.exp();
        y.registerHook((g) => g.add(1).mul(0.5));
        backward(y.mul(y).sum());
      });
    run();
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) run();
    expect(memory().numTensors).toBe(before);
  });

  it('runs in the functional grad too', () => {
    const g = grad((x: Tensor) => {
      const y = x.mul(x);
      y.registerHook((d) => d.mul(10));
      return y.sum();
    })(tensor([1, 2]));
    expect(values(g)).toEqual([20, 40]);
  });

  it('rejects tensors without gradients, non-functions and wrong replacements', () => {
    expect(() => tensor([1]).registerHook(() => {})).toThrow(
      'registerHook: cannot register a hook on a tensor (shape [1]) that does not require grad',
    );
    expect(() => registerHook(leaf([1]), 3 as never)).toThrow('registerHook: fn must be a function, got number 3');
    const x = leaf([1, 2]);
    x.registerHook(() => ones([3]));
    expect(() => backward(x.sum())).toThrow(
      'backward: a tensor hook must return a float32 gradient of the tensor\'s shape [2] on cpu, got float32 [3] on cpu',
    );
    const y = leaf([1]);
    y.registerHook(() => 'no' as never);
    expect(() => backward(y.sum())).toThrow("backward: a tensor hook must return a Tensor or nothing, got string \"no\"");
  });
});
