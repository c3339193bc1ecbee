import type { Tensor } from '@nn/tensor';
import { fansOf } from './fan.js';
import { gainOf, type Nonlinearity } from './gain.js';
import { sampleNormal } from './normal.js';
import { checkFinite, checkOptions, describe, type InitOptions } from './options.js';
import { sampleUniform } from './uniform.js';

/** Which fan the variance is normalised by; PyTorch's spellings `'fan_in'`/`'fan_out'` are accepted too. */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier that follows (only used with `'leaky_relu'`; default 0). */
  a?: number;
  /**
   * `'fanIn'` (default) preserves the variance of activations in the forward pass; `'fanOut'` preserves the
   * variance of gradients in the backward pass.
   */
  mode?: FanMode;
  /** The nonlinearity that follows, by PyTorch's name (default `'leaky_relu'`, which with a = 0 is ReLU's √2). */
  nonlinearity?: Nonlinearity | (string & {});
}

/**
 * The Kaiming/He standard deviation (He et al., "Delving deep into rectifiers", 2015):
 * std = gain / √fan with gain = `calculateGain(nonlinearity, a)` and fan = fanIn or fanOut by `mode`.
 */
export function kaimingStd(op: string, shape: unknown, opts: KaimingOptions): number {
  const a = checkFinite(op, 'a', opts.a ?? 0);
  const mode = opts.mode ?? 'fanIn';
  const fans = fansOf(op, shape);
  let fan: number;
  if (mode === 'fanIn' || mode === 'fan_in') fan = fans.fanIn;
  else if (mode === 'fanOut' || mode === 'fan_out') fan = fans.fanOut;
  else throw new Error(`${op}: mode must be 'fanIn' or 'fanOut', got ${describe(mode)}`);
  const gain = gainOf(op, opts.nonlinearity ?? 'leaky_relu', a);
  return fan === 0 ? 0 : gain / Math.sqrt(fan);
}

/**
 * Kaiming/He uniform: U(−bound, bound) with bound = √3·std = gain·√(3 / fan). PyTorch's defaults
 * (a = 0, fan_in, leaky_relu) give bound = √(6 / fanIn).
 */
export function kaimingUniform(shape: number | readonly number[], opts?: KaimingOptions): Tensor {
  const o = checkOptions('kaimingUniform', opts);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, o);
  return sampleUniform('kaimingUniform', shape, -bound, bound, o);
}

/** Kaiming/He normal: N(0, std²) with std = gain / √fan (√(2 / fanIn) with the defaults). */
export function kaimingNormal(shape: number | readonly number[], opts?: KaimingOptions): Tensor {
  const o = checkOptions('kaimingNormal', opts);
  return sampleNormal('kaimingNormal', shape, 0, kaimingStd('kaimingNormal', shape, o), o);
}

/** Alias of `kaimingUniform`. */
export const heUniform = kaimingUniform;
/** Alias of `kaimingNormal`. */
export const heNormal = kaimingNormal;
