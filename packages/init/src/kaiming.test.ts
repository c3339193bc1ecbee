import { describe, expect, it } from 'vitest';
import { Generator, manualSeed } from '@nn/tensor';
import { heNormal, heUniform, kaimingNormal, kaimingUniform, normal, uniform, type KaimingOptions } from '@nn/init';
import { expectMoments, moments } from '@nn/testing';
import golden from './golden/init.json' with { type: 'json' };
import { kaimingStd } from './kaiming.js';

describe('kaimingUniform / kaimingNormal', () => {
  it("uses PyTorch's bounds and std for every shape, slope, mode and nonlinearity", () => {
    let checked = 0;
    for (const c of golden.scales) {
      if (!c.fn.startsWith('kaiming')) continue;
      const opts = c.opts as KaimingOptions;
      const label = `${c.fn} ${JSON.stringify(c.shape)} ${JSON.stringify(opts)}`;
      const std = kaimingStd('test', c.shape, opts);
      if (c.fn === 'kaimingUniform') {
        expect(Math.sqrt(3) * std, label).toBeCloseTo(c.high!, 14);
        const got = kaimingUniform(c.shape, { ...opts, generator: new Generator(1) }).dataSync();
        expect(got).toEqual(uniform(c.shape, c.low!, c.high!, { generator: new Generator(1) }).dataSync());
      } else {
        expect(std, label).toBeCloseTo(c.std!, 14);
        const got = kaimingNormal(c.shape, { ...opts, generator: new Generator(1) }).dataSync();
        expect(got).toEqual(normal(c.shape, 0, c.std!, { generator: new Generator(1) }).dataSync());
      }
      checked++;
    }
    expect(checked).toBe(84);
  });
  it("defaults to a = 0, fan_in, leaky_relu (std √(2 / fanIn)) and accepts PyTorch's mode spellings", () => {
    expect(kaimingStd('test', [10, 50], {})).toBeCloseTo(Math.sqrt(2 / 50), 15);
    expect(kaimingStd('test', [10, 50], { mode: 'fan_out' })).toBeCloseTo(Math.sqrt(2 / 10), 15);
    expect(kaimingStd('test', [10, 50], { mode: 'fanOut' })).toBeCloseTo(Math.sqrt(2 / 10), 15);
    const w = kaimingUniform([200, 50], { generator: new Generator(4) }).dataSync();
    expectMoments(w, 0, 2 / 50);
    expect(moments(w).max).toBeLessThanOrEqual(Math.fround(Math.sqrt(6 / 50)));
    expectMoments(kaimingNormal([50, 400], { mode: 'fanOut', nonlinearity: 'relu', generator: new Generator(5) }).dataSync(), 0, 2 / 50);
  });
  it('is reproducible under a seed and has the He aliases', () => {
    manualSeed(8);
    const a = kaimingNormal([4, 6]).dataSync();
    manualSeed(8);
    expect(heNormal([4, 6]).dataSync()).toEqual(a);
    expect(heUniform).toBe(kaimingUniform);
  });
  it('validates mode, nonlinearity, slope and shape', () => {
    expect(() => kaimingUniform([3, 4], { mode: 'foo' as 'fanIn' })).toThrow("kaimingUniform: mode must be 'fanIn' or 'fanOut', got 'foo'");
    expect(() => kaimingNormal([3, 4], { nonlinearity: 'swish' })).toThrow("kaimingNormal: unsupported nonlinearity 'swish'");
    expect(() => kaimingNormal([3, 4], { a: NaN })).toThrow('kaimingNormal: a must be a finite number, got NaN');
    expect(() => kaimingUniform([7])).toThrow('kaimingUniform: shape must have at least 2 dimensions to define fan in and fan out, got [7]');
    expect(kaimingUniform([0, 4]).shape).toEqual([0, 4]);
  });
});
