import { Generator, keep, memory, randn, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { graphRetainer, nodeOf } from './graph.js';
import { backward, enableGrad, isGradEnabled, noGrad, setGradEnabled, zeroGrad } from './index.js';

function param(shape: number[], g: Generator): Tensor {
  const p = keep(randn(shape, { generator: g }).mul(0.5));
  p.requiresGrad = true;
  return p;
}

/** A two-layer MLP with a mean-squared loss: matmul, add (broadcast bias), relu, sub, square, mean. */
function mlp(g: Generator) {
  const params = { w1: param([3, 8], g), b1: param([8], g), w2: param([8, 2], g), b2: param([2], g) };
  const forward = (x: Tensor, y: Tensor): Tensor =>
    x.matmul(params.w1).add(params.b1).relu().matmul(params.w2).add(params.b2).sub(y).square().mean();
  return { params, forward };
}

describe('recording', () => {
  it('records only when grad is enabled and an input requires grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    expect(nodeOf(x.mul(c))?.kernel).toBe('Mul');
    expect(x.mul(c).requiresGrad).toBe(true);
    expect(c.mul(c).requiresGrad).toBe(false);
    expect(nodeOf(c.mul(c))).toBeUndefined();
    const y = noGrad(() => x.mul(c));
    expect(y.requiresGrad).toBe(false);
    expect(nodeOf(y)).toBeUndefined();
    // Boolean and integer outputs carry no gradient.
    expect(x.gt(1).requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.cast('int32').requiresGrad).toBe(false);
  });

  it('isGradEnabled follows noGrad, enableGrad and setGradEnabled, also for async functions and throws', async () => {
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => isGradEnabled())).toBe(false);
    expect(noGrad(() => enableGrad(() => isGradEnabled()))).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    const p = noGrad(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return isGradEnabled();
    });
    expect(isGradEnabled()).toBe(false);
    expect(await p).toBe(false);
    expect(isGradEnabled()).toBe(true);
    setGradEnabled(false);
    expect(isGradEnabled()).toBe(false);
    setGradEnabled(true);
    expect(() => setGradEnabled(1 as unknown as boolean)).toThrow('setGradEnabled: on must be a boolean, got number 1');
    expect(() => noGrad(5 as unknown as () => void)).toThrow('noGrad: fn must be a function, got number 5');
  });
});

describe('memory', () => {
  it('keeps what the graph needs when the forward ran in a tidy, and frees it after backward', () => {
    const g = new Generator(1);
    const { params, forward } = mlp(g);
    const x = randn([5, 3], { generator: g });
    const y = randn([5, 2], { generator: g });
    const reference = tidy(() => {
      const loss = forward(x, y);
      backward(loss);
      return Object.values(params).map((p) => Array.from(p.grad!.dataSync()));
    });
    for (const p of Object.values(params)) p.grad = null;

    const before = memory().numTensors;
    const loss = tidy(() => forward(x, y));
    const held = memory().numTensors - before;
    expect(held).toBeGreaterThan(1); // the loss plus the saved activations the graph adopted
    backward(loss);
    Object.values(params).forEach((p, i) => expect(Array.from(p.grad!.dataSync())).toEqual(reference[i]));
    // After backward only the loss and the four new .grad tensors remain.
    expect(memory().numTensors - before).toBe(1 + 4);
    loss.dispose();
    for (const p of Object.values(params)) {
      p.grad!.dispose();
      p.grad = null;
    }
    expect(memory().numTensors).toBe(before);
  });

  it('keeps memory().numTensors flat over 1,000 training steps inside tidy', () => {
    const g = new Generator(2);
    const { params, forward } = mlp(g);
    const x = randn([6, 3], { generator: g });
    const y = randn([6, 2], { generator: g });
    // Odd steps accumulate into the existing .grad (in place), even steps start from zeroGrad (a new one).
    let i = 0;
    const step = (): number =>
      tidy(() => {
        if (i++ % 2 === 0) zeroGrad(Object.values(params));
        const loss = forward(x, y);
        backward(loss);
        noGrad(() => {
          for (const p of Object.values(params)) p.assign(p.sub(p.grad!.mul(0.05)));
        });
        return loss.item() as number;
      });
    const first = step();
    const start = memory();
    let last = first;
    for (let i = 0; i < 1000; i++) last = step();
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numDataBuffers).toBe(start.numDataBuffers);
    expect(last).toBeLessThan(first * 0.5); // it trained
  });

  it('frees the adopted tensors of a graph that is released without a loss returned', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const before = memory().numTensors;
    const loss = tidy(() => x.exp().mul(x.sin()).sum());
    expect(memory().numTensors - before).toBeGreaterThan(1);
    backward(loss);
    loss.dispose();
    x.grad!.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('frees everything of a graph dropped inside tidy without backward', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const before = memory().numTensors;
    const out = tidy(() => {
      x.exp().mul(x).sum(); // never returned, never differentiated
      return x.square().sum().detach();
    });
    expect(memory().numTensors - before).toBe(1);
    out.dispose();
  });

  it('walks only the closing scope when the engine says where it starts', () => {
    const x = tensor(1, { requiresGrad: true });
    const one = tensor(1);
    let y = x;
    let e = x;
    for (let i = 0; i < 1000; i++) y = (e = y.exp()).mul(one);
    // Exp saves its output, Mul both inputs: 3 per step over the whole graph.
    expect([...graphRetainer.retained([y])].length).toBe(3000);
    const part = [...graphRetainer.retained([y], y.id)];
    expect(part.length).toBe(2);
    expect(part[0]).toBe(e);
    expect(part[1]).toBe(one);
  });
});
