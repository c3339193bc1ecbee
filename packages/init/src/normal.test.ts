import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, randn } from '@nn/tensor';
import { normal } from '@nn/init';
import { expectMoments } from '@nn/testing';

describe('normal', () => {
  it('has the moments of N(mean, std²)', () => {
    const x = normal([20000], 2, 0.5, { generator: new Generator(2) });
    expect(x.dtype).toBe('float32');
    expectMoments(x.dataSync(), 2, 0.25);
  });
  it('defaults to N(0, 1) and draws what randn draws', () => {
    expect(normal([5, 4], { generator: new Generator(9) }).dataSync()).toEqual(randn([5, 4], { generator: new Generator(9) }).dataSync());
    const z = randn([8], { generator: new Generator(4) }).dataSync();
    const x = normal([8], -1, 3, { generator: new Generator(4) }).dataSync();
    for (let i = 0; i < 8; i++) expect(x[i]).toBeCloseTo(-1 + 3 * z[i]!, 5);
  });
  it('is reproducible under a seed', () => {
    manualSeed(5);
    const a = normal([10]).dataSync();
    manualSeed(5);
    expect(normal([10]).dataSync()).toEqual(a);
  });
  it('allows std = 0 and rejects a negative or non-finite std', () => {
    expect(normal([3], 1.5, 0).dataSync()).toEqual(new Float32Array([1.5, 1.5, 1.5]));
    expect(() => normal([3], 0, -1)).toThrow('normal: std must be non-negative, got -1');
    expect(() => normal([3], 0, NaN)).toThrow('normal: std must be a finite number, got NaN');
    expect(() => normal([3], 'a' as unknown as number)).toThrow("normal: mean must be a finite number, got 'a'");
  });
});
