import { readFileSync } from 'node:fs';
import { Dropout, LayerNorm, Linear, ReLU, Sequential, Tanh, type TensorModule } from '@nn/layers';
import { manualSeed, memory, randn, rand, tensor, tidy, type Tensor } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backward, checkpoint, checkpointSequential, grad, noGrad, registerHook } from './index.js';

const golden = JSON.parse(readFileSync(new URL('./golden/checkpoint.json', import.meta.url), 'utf8')) as {
  x: { shape: number[]; data: number[] };
  state: Record<string, { shape: number[]; data: number[] }>;
  loss: number;
  grads: Record<string, number[]>;
};

/** An MLP with LayerNorm and Dropout (so the recomputation must replay the random stream). */
function mlp(seed: number): Sequential {
  manualSeed(seed);
  return new Sequential(
    new Linear(6, 8), new LayerNorm(8), new ReLU(), new Dropout(0.3),
    new Linear(8, 8), new Tanh(), new Dropout(0.5), new Linear(8, 3),
  );
}

/** Loss and the gradients of x and every parameter, after one backward of `run(model, x)`. */
function step(model: Sequential, x: Tensor, run: (m: Sequential, x: Tensor) => Tensor) {
  model.zeroGrad();
  x.grad = null;
  manualSeed(123);
  const loss = tidy(() => run(model, x).square().mean());
  backward(loss);
  const out = { loss: loss.dataSync(), grads: [x, ...model.parameters()].map((p) => p.grad && Array.from(p.grad.dataSync())) };
  loss.dispose();
  return out;
}

const steps = (m: Sequential) => m.children() as TensorModule[];

describe('checkpoint', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the plain run\'s loss and gradients bit for bit (Dropout, LayerNorm, parameters inside fn)', () => {
    const model = mlp(1);
    const x = randn([5, 6]);
    x.requiresGrad = true;
    const plain = step(model, x, (m, h) => m.forward(h));
    const head = (h: Tensor) => steps(model).slice(0, 5).reduce((a, l) => l.forward(a), h);
    const tail = (h: Tensor) => steps(model).slice(5).reduce((a, l) => l.forward(a), h);
    const ck = step(model, x, (_, h) => tail(checkpoint(head, h)));
    expect(ck.loss).toEqual(plain.loss);
    expect(ck.grads).toEqual(plain.grads);
    // Dropout really is random here: without the replay the recomputed mask differs and so do the gradients.
    const noReplay = step(model, x, (_, h) => tail(checkpoint(head, h, { preserveRngState: false })));
    expect(noReplay.loss).toEqual(plain.loss);
    expect(noReplay.grads).not.toEqual(plain.grads);
  });

  it('checkpointSequential gives the plain gradients for every number of segments', () => {
    const model = mlp(2);
    const x = randn([4, 6]);
    x.requiresGrad = true;
    const plain = step(model, x, (m, h) => m.forward(h));
    for (const segments of [1, 2, 3, 8]) {
      const ck = step(model, x, (m, h) => checkpointSequential(m, segments, h));
      expect(ck.grads, `${segments} segments`).toEqual(plain.grads);
    }
  });

  it('reaches parameters when the input needs no grad, and works with grad()', () => {
    const model = mlp(3);
    const x = randn([4, 6]); // data: no grad, as the first segment of a network sees it
    const plain = step(model, x, (m, h) => m.forward(h));
    const ck = step(model, x, (m, h) => checkpointSequential(steps(m), 4, h));
    expect(ck.grads.slice(1)).toEqual(plain.grads.slice(1));
    const w = randn([6, 6]);
    const f = (v: Tensor) => checkpoint((a: Tensor, b: Tensor) => a.matmul(b).tanh(), v, w).sum();
    expect(Array.from(grad(f)(w).dataSync())).toEqual(Array.from(grad((v: Tensor) => v.matmul(w).tanh().sum())(w).dataSync()));
  });

  it('matches PyTorch\'s gradients for a fixed tiny model (golden from scripts/golden_checkpoint.py)', () => {
    const model = new Sequential(new Linear(3, 4), new LayerNorm(4), new Tanh(), new Linear(4, 4), new ReLU(), new Linear(4, 2));
    model.loadStateDict(Object.fromEntries(Object.entries(golden.state).map(([k, v]) => [k, tensor(v.data, { shape: v.shape })])));
    const x = tensor(golden.x.data, { shape: golden.x.shape, requiresGrad: true });
    const names = ['x', ...model.namedParameters().map(([n]) => n)];
    for (const run of [
      (m: Sequential, h: Tensor) => steps(m).slice(3).reduce((a, l) => l.forward(a), checkpoint((v: Tensor) => steps(m).slice(0, 3).reduce((a, l) => l.forward(a), v), h)),
      (m: Sequential, h: Tensor) => checkpointSequential(m, 2, h),
    ]) {
      const r = step(model, x, run);
      expect(r.loss[0]).toBeCloseTo(golden.loss, 6);
      r.grads.forEach((g, i) => {
        const want = golden.grads[names[i]!]!;
        g!.forEach((v, j) => expect(v, `${names[i]}[${j}]`).toBeCloseTo(want[j]!, 5));
      });
    }
  });

  it('keeps only the inputs: the forward records nothing inside fn', () => {
    const w = randn([64, 64]);
    w.requiresGrad = true;
    const x = randn([32, 64]);
    const chain = (h: Tensor) => [0, 1, 2, 3].reduce((a) => a.matmul(w).tanh(), h);
    const held = (run: () => Tensor) => {
      const before = memory().numBytes;
      const y = tidy(run);
      const bytes = memory().numBytes - before;
      y.sum().backward();
      return bytes;
    };
    const plain = held(() => chain(x));
    const ck = held(() => checkpoint(chain, x));
    // Plain: the 4 tanh outputs are kept (each the next matmul's saved input; the last is y); checkpointed: y alone.
    expect(ck).toBe(32 * 64 * 4);
    expect(plain).toBe(4 * 32 * 64 * 4);
  });

  it('leaks nothing over many training steps', () => {
    const model = mlp(4);
    const x = randn([8, 6]);
    const run = () => {
      const loss = tidy(() => checkpointSequential(model, 3, x).square().mean());
      loss.backward();
      loss.dispose();
      model.zeroGrad();
    };
    run();
    const before = memory().numTensors;
    const bytes = memory().numBytes;
    for (let i = 0; i < 20; i++) run();
    expect(memory().numTensors).toBe(before);
    expect(memory().numBytes).toBe(bytes);
  });

  it('under noGrad just runs fn', () => {
    const w = randn([3, 3]);
    w.requiresGrad = true;
    const calls = vi.fn((h: Tensor) => h.matmul(w));
    const y = noGrad(() => checkpoint(calls, randn([2, 3])));
    expect(y.requiresGrad).toBe(false);
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('runs fn again only in backward, replaying the random stream, and puts the outer stream back', () => {
    const w = randn([4, 4]);
    w.requiresGrad = true;
    const masks: number[][] = [];
    const fn = vi.fn((h: Tensor) => {
      const m = rand([4]).lt(0.5).float();
      masks.push(Array.from(m.dataSync()));
      return h.matmul(w).mul(m);
    });
    manualSeed(9);
    const y = checkpoint(fn, randn([2, 4]));
    expect(fn).toHaveBeenCalledTimes(1);
    y.sum().backward();
    expect(fn).toHaveBeenCalledTimes(2);
    expect(masks[1]).toEqual(masks[0]);
    // The next draw continues the outer stream, as if no recomputation had happened.
    const next = Array.from(rand([2]).dataSync());
    manualSeed(9);
    randn([2, 4]);
    rand([4]);
    expect(next).toEqual(Array.from(rand([2]).dataSync()));
  });

  it('warns when nothing fn reads requires grad, as PyTorch does, and returns the plain result', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = randn([2, 2]);
    const y = checkpoint((h: Tensor) => h.exp(), x);
    expect(y.requiresGrad).toBe(false);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.exp().dataSync()));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^checkpoint: none of the inputs.*None of the inputs have requires_grad=True/));
  });

  it('rejects bad arguments with errors naming them', () => {
    const x = randn([2, 2]);
    x.requiresGrad = true;
    expect(() => checkpoint(42 as never, x)).toThrow('checkpoint: fn must be a function, got number 42');
    expect(() => checkpoint((() => 3) as never, x)).toThrow('checkpoint: fn must return a Tensor, got number 3');
    expect(() => checkpoint((() => [x, x]) as never, x)).toThrow('checkpoint: fn must return a Tensor, got an array');
    expect(() => checkpoint((h: Tensor) => h, x, { preserveRngState: 1 } as never)).toThrow(
      'checkpoint: preserveRngState must be a boolean, got number 1',
    );
    expect(() => checkpoint((h: Tensor) => h, x, { preserve: true } as never)).toThrow("checkpoint: unknown option 'preserve'");
    const model = mlp(5);
    expect(() => checkpointSequential(model, 0, x)).toThrow(
      'checkpointSequential: segments must be an integer in [1, 8] (the number of modules), got number 0',
    );
    expect(() => checkpointSequential(model, 9, x)).toThrow('got number 9');
    expect(() => checkpointSequential([(h: Tensor) => h, 3 as never], 1, x)).toThrow(
      'checkpointSequential: module 1 must be a function or have a forward method, got number 3',
    );
    const y = checkpoint((h: Tensor) => h.exp().sum(), x);
    expect(() => backward(y, { createGraph: true })).toThrow('checkpoint: higher-order gradients (createGraph) cannot go through a checkpoint');
  });

  it('does not run tensor hooks twice on the inputs', () => {
    const x = randn([3]);
    x.requiresGrad = true;
    const seen = vi.fn();
    registerHook(x, seen);
    checkpoint((h: Tensor) => h.mul(2), x).sum().backward();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 2, 2]);
  });
});
