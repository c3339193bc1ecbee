/**
 * Gradient rules of the normalisation kernels (Moments, ScaleShift, SumProduct over an [A, C, B] view, per C).
 * Each vector–Jacobian product is itself one of these kernels, so a fused BatchNorm's backward stays a few
 * passes over the large tensor, and second derivatives work.
 */
import { engine, mul, narrow, reshape, sub, zeros, type ChannelViewAttrs, type Tensor } from '@nn/tensor';
import { sumDims } from './kernel-calls.js';
import type { GradRule } from './types.js';

type View = ChannelViewAttrs['view'];

function scaleShift(x: Tensor, scale: Tensor, shift: Tensor | null, view: View): Tensor {
  return engine.runKernel('ScaleShift', [x, scale, shift ?? zeros([view[1]], { device: x.device })], { view });
}

export const NORM_RULES = {
  /**
   * stats = [mean; var] with mean = Σx/n, var = Σ(x − mean)²/n (n = A·B): dx = dmean/n + dvar·2(x − mean)/n,
   * i.e. the per-channel affine map x·k + (dmean/n − k·mean) with k = 2·dvar/n.
   */
  Moments: {
    saveInputs: [0],
    saveOutput: true,
    backward(dy, { inputs: [x], output, attrs }) {
      const view = attrs.view as View;
      const n = view[0] * view[2];
      const c = view[1];
      const dmean = reshape(narrow(dy, 0, 0, 1), [c]);
      const k = mul(reshape(narrow(dy, 0, 1, 1), [c]), 2 / n);
      const mean = reshape(narrow(output, 0, 0, 1), [c]);
      return [scaleShift(x!, k, sub(mul(dmean, 1 / n), mul(k, mean)), view)];
    },
  },
  /** y = x·scale[c] + shift[c]: dx = dy·scale[c], dscale = Σ dy·x, dshift = Σ dy (over A and B). */
  ScaleShift: {
    saveInputs: [0, 1],
    backward(dy, { inputs: [x, scale], attrs, needs }) {
      const view = attrs.view as View;
      return [
        needs[0] ? scaleShift(dy, scale!, null, view) : null,
        needs[1] ? engine.runKernel('SumProduct', [dy, x!], { view }) : null,
        needs[2] ? sumDims(reshape(dy, view), [0, 2], false) : null,
      ];
    },
  },
  /** s[c] = Σ a·b: da = ds[c]·b, db = ds[c]·a. */
  SumProduct: {
    saveInputs: [0, 1],
    backward(ds, { inputs: [a, b], attrs, needs }) {
      const view = attrs.view as View;
      return [needs[0] ? scaleShift(b!, ds, null, view) : null, needs[1] ? scaleShift(a!, ds, null, view) : null];
    },
  },
} satisfies Record<string, GradRule>;
