/**
 * Gradient rules of the window kernels behind convolution and pooling. Im2Col and Col2Im are linear and each
 * other's adjoint, so each one's vector–Jacobian product is the other with the same window attrs.
 * MaxPoolIndices only picks positions: max pooling's gradient flows through the Gather that reads them.
 */
import { engine, type Col2ImAttrs, type WindowAttrs } from '@nn/tensor';
import { NON_DIFFERENTIABLE, type GradRule, type RuleEntry } from './types.js';

function windowOf(attrs: Readonly<Record<string, unknown>>): WindowAttrs {
  const { kernel, stride, dilation, pad, outSize } = attrs as unknown as WindowAttrs;
  return { kernel, stride, dilation, pad, outSize };
}

export const CONV_RULES = {
  /** cols = Im2Col(x): dx = Col2Im(dcols) onto x's shape. */
  Im2Col: {
    backward: (dy, { inputs: [x], attrs }) => [
      engine.runKernel('Col2Im', [dy], { ...windowOf(attrs), shape: x!.shape.slice() as Col2ImAttrs['shape'] } satisfies Col2ImAttrs),
    ],
  },
  /** x = Col2Im(cols): dcols = Im2Col(dx). */
  Col2Im: { backward: (dy, { attrs }) => [engine.runKernel('Im2Col', [dy], { ...windowOf(attrs) })] },
  MaxPoolIndices: NON_DIFFERENTIABLE,
} satisfies Record<string, GradRule | RuleEntry>;
