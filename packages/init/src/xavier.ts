import type { Tensor } from '@nn/tensor';
import { fansOf } from './fan.js';
import { sampleNormal } from './normal.js';
import { checkOptions, describe, type InitOptions } from './options.js';
import { sampleUniform } from './uniform.js';

export interface XavierOptions extends InitOptions {
  /** Scale factor, e.g. `calculateGain('tanh')` (default 1). */
  gain?: number;
}

/**
 * The Xavier/Glorot standard deviation (Glorot & Bengio, "Understanding the difficulty of training deep
 * feedforward neural networks", 2010): std = gain·√(2 / (fanIn + fanOut)), which keeps activation and
 * gradient variances equal across layers of a linear network.
 */
export function xavierStd(op: string, shape: unknown, gain: unknown): number {
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0)
    throw new Error(`${op}: gain must be a non-negative finite number, got ${describe(gain)}`);
  const { fanIn, fanOut } = fansOf(op, shape);
  return fanIn + fanOut === 0 ? 0 : gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Xavier/Glorot uniform: U(−bound, bound) with bound = √3·std = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: number | readonly number[], opts?: XavierOptions): Tensor {
  const o = checkOptions('xavierUniform', opts);
  const bound = Math.sqrt(3) * xavierStd('xavierUniform', shape, o.gain ?? 1);
  return sampleUniform('xavierUniform', shape, -bound, bound, o);
}

/** Xavier/Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: number | readonly number[], opts?: XavierOptions): Tensor {
  const o = checkOptions('xavierNormal', opts);
  return sampleNormal('xavierNormal', shape, 0, xavierStd('xavierNormal', shape, o.gain ?? 1), o);
}

/** Alias of `xavierUniform` (Keras' name). */
export const glorotUniform = xavierUniform;
/** Alias of `xavierNormal` (Keras' name). */
export const glorotNormal = xavierNormal;
