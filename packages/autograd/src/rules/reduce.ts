/** Gradient rules of the reductions: Sum spreads dy back; Max/Min share it evenly among the tied extrema. */
import { cast, div, eq, mul, type Tensor } from '@nn/tensor';
import { expandTo, keepdimShape, reshapeTo, sumDims } from './kernel-calls.js';
import type { GradContext, GradRule } from './types.js';

interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

/** dy with the reduced dims restored as size 1, so it broadcasts against the input. */
function restoreDims(t: Tensor, ctx: GradContext): Tensor {
  return reshapeTo(t, keepdimShape(ctx.inputs[0]!.shape, (ctx.attrs as unknown as ReduceAttrs).dims));
}

/**
 * amax/amin: the gradient goes to every element equal to the extremum, divided by how many there are
 * (PyTorch's `(grad / mask.sum(dims, keepdim)) * mask`).
 */
const extremum: GradRule = {
  saveInputs: [0],
  saveOutput: true,
  backward(dy, ctx) {
    const x = ctx.inputs[0]!;
    const { dims } = ctx.attrs as unknown as ReduceAttrs;
    const mask = cast(eq(x, restoreDims(ctx.output, ctx)), 'float32');
    const count = sumDims(mask, dims, true);
    return [mul(div(restoreDims(dy, ctx), count), mask)];
  },
};

export const REDUCE_RULES = {
  Sum: { backward: (dy, ctx) => [expandTo(restoreDims(dy, ctx), ctx.inputs[0]!.shape)] },
  Max: extremum,
  Min: extremum,
} satisfies Record<string, GradRule>;
