import { ones, randn, Generator } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { groupNorm, GroupNorm } from './index.js';

describe('GroupNorm', () => {
  it('owns per-channel weight (1) and bias (0) under PyTorch keys and normalises each group of each sample', () => {
    const gn = new GroupNorm(2, 4);
    expect(Object.keys(gn.stateDict())).toEqual(['weight', 'bias']);
    expect(gn.weight!.arraySync()).toEqual([1, 1, 1, 1]);
    expect(gn.bias!.arraySync()).toEqual([0, 0, 0, 0]);
    expect(Object.keys(new GroupNorm(1, 3, { affine: false }).stateDict())).toEqual([]);
    expect(String(gn)).toBe('GroupNorm(2, 4, eps=0.00001, affine=true)');
    const y = gn.call(randn([3, 4, 5, 5], { generator: new Generator(2) }).mul(3).add(7));
    // Each (sample, group) has mean 0 and (biased) variance 1 - eps-ish.
    const stats = y.reshape(3, 2, -1);
    for (const m of stats.mean(2).dataSync()) expect(Math.abs(m)).toBeLessThan(1e-5);
    for (const v of stats.var(2, { correction: 0 }).dataSync()) expect(v).toBeCloseTo(1, 4);
    // The same in training and evaluation: no batch statistics.
    const x = randn([2, 4, 3], { generator: new Generator(3) });
    expect(Array.from(gn.eval().call(x).dataSync())).toEqual(Array.from(gn.train().call(x).dataSync()));
  });

  it('rejects bad settings and inputs', () => {
    expect(() => new GroupNorm(4, 6)).toThrow('GroupNorm: numChannels (6) must be divisible by numGroups (4)');
    expect(() => new GroupNorm(0, 6)).toThrow('GroupNorm: numGroups must be an integer >= 1, got 0');
    expect(() => new GroupNorm(2, 4, { momentum: 0.1 } as never)).toThrow("GroupNorm: unknown option 'momentum'");
    expect(() => new GroupNorm(2, 4).call(ones([2, 6, 3]))).toThrow('GroupNorm: expected input of shape [N, 4, *], got [2,6,3]');
    expect(() => new GroupNorm(2, 4).call(ones([4]))).toThrow('GroupNorm: expected input of shape [N, 4, *], got [4]');
    expect(() => groupNorm(ones([2, 6]), 4)).toThrow("groupNorm: the input's 6 channels (shape [2,6]) must be divisible by numGroups (4)");
    expect(() => groupNorm(ones([2, 6]), 2, { weight: ones([4]) })).toThrow('groupNorm: weight must have shape [6] (channels), got [4]');
  });
});
