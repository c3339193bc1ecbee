import { describe, expect, it } from 'vitest';
import { Generator } from '@nn/tensor';
import { glorotNormal, glorotUniform, normal, uniform, xavierNormal, xavierUniform } from '@nn/init';
import { expectMoments, moments } from '@nn/testing';
import golden from './golden/init.json' with { type: 'json' };
import { xavierStd } from './xavier.js';

describe('xavierUniform / xavierNormal', () => {
  it("uses PyTorch's bounds and std for every shape and gain", () => {
    for (const c of golden.scales) {
      const gain = (c.opts as { gain?: number }).gain;
      if (c.fn === 'xavierUniform') {
        const bound = Math.sqrt(3) * xavierStd('test', c.shape, gain);
        expect(bound, `${c.shape} gain ${gain}`).toBeCloseTo(c.high!, 14);
        // Same draws as uniform(-bound, bound) from the same generator state.
        const got = xavierUniform(c.shape, { gain, generator: new Generator(1) }).dataSync();
        expect(got).toEqual(uniform(c.shape, c.low!, c.high!, { generator: new Generator(1) }).dataSync());
      } else if (c.fn === 'xavierNormal') {
        expect(xavierStd('test', c.shape, gain), `${c.shape} gain ${gain}`).toBeCloseTo(c.std!, 14);
        const got = xavierNormal(c.shape, { gain, generator: new Generator(1) }).dataSync();
        expect(got).toEqual(normal(c.shape, 0, c.std!, { generator: new Generator(1) }).dataSync());
      }
    }
  });
  it('samples with the Glorot variance 2 / (fanIn + fanOut)', () => {
    const u = xavierUniform([100, 300], { generator: new Generator(2) }).dataSync();
    expectMoments(u, 0, 2 / 400);
    const bound = Math.sqrt(6 / 400);
    expect(moments(u).max).toBeLessThanOrEqual(Math.fround(bound));
    expect(moments(u).min).toBeGreaterThanOrEqual(-Math.fround(bound));
    expectMoments(xavierNormal([100, 300], { gain: 2, generator: new Generator(3) }).dataSync(), 0, (4 * 2) / 400);
  });
  it('has the Glorot aliases', () => {
    expect(glorotUniform).toBe(xavierUniform);
    expect(glorotNormal).toBe(xavierNormal);
  });
  it('validates shape and gain', () => {
    expect(() => xavierUniform([5])).toThrow('xavierUniform: shape must have at least 2 dimensions to define fan in and fan out, got [5]');
    expect(() => xavierNormal([3, 2], { gain: -1 })).toThrow('xavierNormal: gain must be a non-negative finite number, got -1');
    expect(xavierUniform([0, 3]).shape).toEqual([0, 3]);
  });
});
