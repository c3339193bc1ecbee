import { Generator, ones as onesT, tensor, zeros as zerosT, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  constant, constant_, kaimingNormal, kaimingNormal_, kaimingUniform, kaimingUniform_, normal, normal_, ones_, orthogonal,
  orthogonal_, truncNormal, truncNormal_, uniform, uniform_, xavierNormal, xavierNormal_, xavierUniform, xavierUniform_, zeros_,
} from './index.js';

const bits = (t: Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

/** [name, in-place call, the out-of-place call it must equal bit for bit] with the same generator seed. */
const CASES: [string, (w: Tensor, g: Generator) => Tensor, (shape: number[], g: Generator) => Tensor][] = [
  ['uniform_', (w, g) => uniform_(w, { a: -0.5, b: 2, generator: g }), (s, g) => uniform(s, -0.5, 2, { generator: g })],
  ['uniform_ default', (w, g) => uniform_(w, { generator: g }), (s, g) => uniform(s, { generator: g })],
  ['normal_', (w, g) => normal_(w, { mean: 1, std: 0.1, generator: g }), (s, g) => normal(s, 1, 0.1, { generator: g })],
  ['normal_ positional', (w, g) => normal_(w, 0, 0.02, { generator: g }), (s, g) => normal(s, 0, 0.02, { generator: g })],
  ['uniform_ positional', (w, g) => uniform_(w, -1, 1, { generator: g }), (s, g) => uniform(s, -1, 1, { generator: g })],
  ['truncNormal_', (w, g) => truncNormal_(w, { std: 0.02, a: -0.04, b: 0.04, generator: g }),
    (s, g) => truncNormal(s, { std: 0.02, a: -0.04, b: 0.04, generator: g })],
  ['constant_', (w) => constant_(w, 0.25), (s) => constant(s, 0.25)],
  ['xavierUniform_', (w, g) => xavierUniform_(w, { gain: 5 / 3, generator: g }), (s, g) => xavierUniform(s, { gain: 5 / 3, generator: g })],
  ['xavierNormal_', (w, g) => xavierNormal_(w, { generator: g }), (s, g) => xavierNormal(s, { generator: g })],
  ['kaimingUniform_', (w, g) => kaimingUniform_(w, { a: Math.sqrt(5), generator: g }), (s, g) => kaimingUniform(s, { a: Math.sqrt(5), generator: g })],
  ['kaimingNormal_', (w, g) => kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu', generator: g }),
    (s, g) => kaimingNormal(s, { mode: 'fan_out', nonlinearity: 'relu', generator: g })],
  ['orthogonal_', (w, g) => orthogonal_(w, { gain: 2, generator: g }), (s, g) => orthogonal(s, { gain: 2, generator: g })],
];

describe('in-place initializers', () => {
  for (const [name, inPlace, outOfPlace] of CASES) {
    it(`${name} fills the same tensor object with the out-of-place values, bit for bit`, () => {
      const w = zerosT([6, 4, 3], { requiresGrad: true });
      const before = w.dataId;
      expect(inPlace(w, new Generator(42))).toBe(w);
      expect(w.dataId).not.toBe(before);
      expect(bits(w)).toEqual(bits(outOfPlace([6, 4, 3], new Generator(42))));
      expect(w.requiresGrad).toBe(true);
      expect(w.shape).toEqual([6, 4, 3]);
    });
  }

  it('zeros_ and ones_ fill, keeping requiresGrad and .grad', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const g = onesT([3]);
    w.grad = g;
    expect(Array.from(zeros_(w).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(ones_(w).dataSync())).toEqual([1, 1, 1]);
    expect(w.grad).toBe(g);
    expect(w.requiresGrad).toBe(true);
  });

  it('draw from the global generator by default, as the out-of-place functions', () => {
    const a = kaimingUniform_(zerosT([3, 2]), { generator: new Generator(1) });
    const b = kaimingUniform([3, 2], { generator: new Generator(1) });
    expect(bits(a)).toEqual(bits(b));
    expect(bits(kaimingUniform_(zerosT([3, 2])))).not.toEqual(bits(b));
  });

  it('reject what they cannot fill, naming the in-place function', () => {
    expect(() => zeros_(zerosT([2], { dtype: 'int32' }))).toThrow('zeros_: tensor must be float32, got int32');
    expect(() => ones_([1, 2] as never)).toThrow('ones_: tensor must be a Tensor, got an array');
    const gone = zerosT([2]);
    gone.dispose();
    expect(() => normal_(gone)).toThrow('normal_: tensor (shape [2]) has been disposed');
    expect(() => normal_(zerosT([2]), { std: -1 })).toThrow('normal_: std must be non-negative, got -1');
    expect(() => uniform_(zerosT([2]), { a: 2, b: 1 })).toThrow('uniform_: a must be less than or equal to b, got a=2, b=1');
    expect(() => xavierUniform_(zerosT([3]))).toThrow(/^xavierUniform_: /);
    expect(() => orthogonal_(zerosT([3]))).toThrow('orthogonal_: shape must have at least 2 dimensions, got [3]');
    expect(() => kaimingNormal_(zerosT([2, 2]), 3 as never)).toThrow('kaimingNormal_: options must be an object, got 3');
  });
});
