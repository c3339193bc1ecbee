/** Gradient rules of the movement kernels: each is the inverse movement applied to dy. */
import { padZeros, reshapeTo, sliceBox, transposeK } from './kernel-calls.js';
import type { GradRule } from './types.js';
import { unbroadcast } from './unbroadcast.js';

export const MOVEMENT_RULES = {
  Reshape: { backward: (dy, { inputs: [x] }) => [reshapeTo(dy, x!.shape)] },
  /** Output dim i is input dim perm[i], so the inverse permutation puts dy back. */
  Transpose: {
    backward(dy, { attrs }) {
      const perm = attrs.perm as number[];
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return [transposeK(dy, inv)];
    },
  },
  /** The box of dy goes back where it was cut from; zeros elsewhere. */
  Slice: {
    backward(dy, { inputs: [x], attrs }) {
      const begin = attrs.begin as number[];
      const size = attrs.size as number[];
      return [padZeros(dy, x!.shape.map((n, d): [number, number] => [begin[d]!, n - begin[d]! - size[d]!]))];
    },
  },
  /** dx is the box of dy that held x: crop the padding off. */
  Pad: {
    backward(dy, { inputs: [x], attrs }) {
      return [sliceBox(dy, (attrs.pad as [number, number][]).map(([before]) => before), x!.shape)];
    },
  },
  /** Each input's gradient is its slab of dy along the concat dim. */
  Concat: {
    backward(dy, { inputs, attrs, needs }) {
      const dim = attrs.dim as number;
      let offset = 0;
      return inputs.map((x, i) => {
        const begin = x.shape.map((_, d) => (d === dim ? offset : 0));
        offset += x.shape[dim]!;
        return needs[i] ? sliceBox(dy, begin, x.shape) : null;
      });
    },
  },
  /** Broadcasting in forward: sum back over the expanded dims. */
  Expand: { backward: (dy, { inputs: [x] }) => [unbroadcast(dy, x!.shape)] },
} satisfies Record<string, GradRule>;
