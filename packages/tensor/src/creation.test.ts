import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, memory, ones, rand, randn, randint, tensor, tidy, zeros, Generator, manualSeed, keep } from '@nn/tensor';

describe('creation', () => {
  it('infers shapes and dtypes from nested arrays', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
  });
  it('rejects ragged arrays and bad shapes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: element 1 has shape [1], element 0 has [2]');
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: shape [2,2] needs 4 elements, but data has 3');
    expect(() => zeros([-1])).toThrow('zeros');
  });
  it('arange gives int32 for integer arguments, like PyTorch', () => {
    expect(arange(5).dtype).toBe('int32');
    expect(arange(5).arraySync()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(0, 1, 0.25).dtype).toBe('float32');
    expect(arange(0, 1, 0.25).arraySync()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -2).arraySync()).toEqual([5, 3, 1]);
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be non-zero');
  });
  it('linspace, eye, full, ones', () => {
    expect(linspace(0, 1, 5).arraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(full([2], 7).arraySync()).toEqual([7, 7]);
    expect(ones(2, { dtype: 'int32' }).arraySync()).toEqual([1, 1]);
  });
});

describe('random', () => {
  it('is reproducible under a seed and differs across draws', () => {
    manualSeed(42);
    const a = rand([5]).dataSync();
    const b = rand([5]).dataSync();
    manualSeed(42);
    expect(rand([5]).dataSync()).toEqual(a);
    expect(b).not.toEqual(a);
    const g = new Generator(7);
    const s = g.getState();
    const x = randn([3], { generator: g }).dataSync();
    g.setState(s);
    expect(randn([3], { generator: g }).dataSync()).toEqual(x);
  });
  it('has the right moments', () => {
    const g = new Generator(1);
    const u = rand([20000], { generator: g }).dataSync();
    const n = randn([20000], { generator: g }).dataSync();
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(n)).toBeCloseTo(0, 1);
    expect(mean(Array.from(n, (v) => v * v))).toBeCloseTo(1, 1);
    const r = randint(3, 7, [1000], { generator: g }).dataSync();
    expect(Math.min(...r)).toBe(3);
    expect(Math.max(...r)).toBe(6);
  });
});

describe('memory', () => {
  it('tidy frees everything but the result and kept tensors', () => {
    const before = memory().numTensors;
    let kept!: ReturnType<typeof zeros>;
    const r = tidy(() => {
      zeros([3]);
      kept = keep(ones([2]));
      return { a: zeros([4]) };
    });
    expect(memory().numTensors).toBe(before + 2);
    r.a.dispose();
    kept.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => r.a.dataSync()).toThrow('dataSync: tensor (shape [4], float32) has been disposed');
  });
});
