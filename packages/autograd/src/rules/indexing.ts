/** Gradient rules of Gather and ScatterAdd, each the other's transpose, and of IndexSelect. */
import { expand, gather, reshape, scatterAdd, zeros } from '@nn/tensor';
import type { GradRule } from './types.js';

export const INDEXING_RULES = {
  /** (x, index){dim}: out = x[index] along dim, so dx = zeros with dy added back at index (index: no gradient). */
  Gather: {
    saveInputs: [1],
    backward(dy, { inputs: [x, index], attrs }) {
      const dim = attrs.dim as number;
      return [scatterAdd(zeros(x!.shape, { device: dy.device }), dim, index!, dy), null];
    },
  },
  /**
   * (x, index){dim}: out[..j..] = x[..index[j]..], so dx = zeros with each dy slice j added at index[j] along dim
   * (repeated indices accumulate): a ScatterAdd of dy with the index broadcast across dy's other dims.
   */
  IndexSelect: {
    saveInputs: [1],
    backward(dy, { inputs: [x, index], attrs }) {
      const dim = attrs.dim as number;
      const along = dy.shape.map((n, d) => (d === dim ? n : 1));
      const spread = expand(reshape(index!, along), dy.shape);
      return [scatterAdd(zeros(x!.shape, { device: dy.device }), dim, spread, dy), null];
    },
  },
  /** (x, index, src){dim}: out = x + src scattered, so dx = dy and dsrc = dy gathered at index. */
  ScatterAdd: {
    saveInputs: [1],
    backward(dy, { inputs: [, index], attrs, needs }) {
      return [dy, null, needs[2] ? gather(dy, attrs.dim as number, index!) : null];
    },
  },
} satisfies Record<string, GradRule>;
