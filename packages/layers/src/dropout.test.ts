import { backward } from '@nn/autograd';
import { Generator, manualSeed, ones, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, dropout } from './index.js';

describe('Dropout', () => {
  it('zeroes a fraction p and scales the rest by 1/(1 - p), keeping the mean', () => {
    const n = 40_000;
    const p = 0.3;
    const x = ones([n]).mul(2);
    const y = new Dropout(p, { generator: new Generator(3) }).forward(x).dataSync();
    let zeros = 0;
    let total = 0;
    for (const v of y) {
      if (v === 0) zeros++;
      else expect(v).toBe(Math.fround(2 * Math.fround(1 / Math.fround(1 - p))));
      total += v;
    }
    // Binomial(n, p): standard deviation √(n·p·(1 − p)) ≈ 92; allow 5σ.
    expect(Math.abs(zeros - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    expect(Math.abs(total / n - 2)).toBeLessThan(0.03);
  });

  it('passes the gradient through the kept elements scaled by 1/(1 - p)', () => {
    const x = ones([1000], { requiresGrad: true });
    const y = dropout(x, 0.5, { generator: new Generator(1) });
    backward(y.sum());
    expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(y.dataSync()));
  });

  it('is reproducible from its generator or the global seed', () => {
    const x = ones([64]);
    const a = new Dropout(0.5, { generator: new Generator(9) }).forward(x).dataSync();
    const b = new Dropout(0.5, { generator: new Generator(9) }).forward(x).dataSync();
    expect(a).toEqual(b);
    const d = new Dropout(0.5);
    manualSeed(4);
    const c1 = d.forward(x).dataSync();
    const c2 = d.forward(x).dataSync();
    manualSeed(4);
    expect(d.forward(x).dataSync()).toEqual(c1);
    expect(c2).not.toEqual(c1);
  });

  it('is the identity in evaluation mode and for p = 0; p = 1 gives zeros', () => {
    const x = tensor([1, 2, 3]);
    const d = new Dropout(0.9).eval();
    expect(d.forward(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    expect(Array.from(dropout(x, 1).dataSync())).toEqual([0, 0, 0]);
    expect(new Dropout().p).toBe(0.5);
  });

  it('validates p and its options', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, got 1.5');
    expect(() => new Dropout(-0.1)).toThrow('Dropout: dropout probability has to be between 0 and 1, got -0.1');
    expect(() => dropout(ones([2]), Number.NaN)).toThrow('dropout: dropout probability has to be between 0 and 1, got NaN');
    expect(() => new Dropout(0.5, { generator: 3 } as never)).toThrow('Dropout: generator must be a Generator, got 3');
    expect(() => dropout(ones([2], { dtype: 'int32' }))).toThrow('dropout: input must have dtype float32, got int32');
  });
});
