/** Gradient rules of Gather and ScatterAdd, each the other's transpose. */
import { gather, scatterAdd, zeros } from '@nn/tensor';
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
  /** (x, index, src){dim}: out = x + src scattered, so dx = dy and dsrc = dy gathered at index. */
  ScatterAdd: {
    saveInputs: [1],
    backward(dy, { inputs: [, index], attrs, needs }) {
      return [dy, null, needs[2] ? gather(dy, attrs.dim as number, index!) : null];
    },
  },
} satisfies Record<string, GradRule>;
