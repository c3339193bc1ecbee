/** The golden functional cases of scripts/golden_conv.py and how each calls its function (shared by the CPU and WebGPU tests). */
import type { Tensor } from '@nn/tensor';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, conv1d, conv2d, convTranspose1d, convTranspose2d, embedding, groupNorm,
  maxPool1d, maxPool2d,
} from '../index.js';
import { readGolden, type Encoded } from '../testing/golden.js';

export interface FunctionalCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  kernelSize?: number | [number, number];
  outputSize?: number | [number | null, number | null];
  numGroups?: number;
  g: Encoded;
  y: Encoded;
  indices?: Encoded;
  grads: Record<string, Encoded>;
}

export type Inputs = Record<string, Tensor>;
/** How each case's fn is called with its decoded inputs. */
export const CALLS: Record<string, (t: Inputs, c: FunctionalCase) => Tensor | [Tensor, Tensor]> = {
  conv2d: (t, c) => conv2d(t.x!, t.weight!, t.bias ?? null, c.options),
  conv1d: (t, c) => conv1d(t.x!, t.weight!, t.bias ?? null, c.options),
  convTranspose2d: (t, c) => convTranspose2d(t.x!, t.weight!, t.bias ?? null, c.options),
  convTranspose1d: (t, c) => convTranspose1d(t.x!, t.weight!, t.bias ?? null, c.options),
  maxPool2d: (t, c) => maxPool2d(t.x!, c.kernelSize!, c.options as never),
  maxPool1d: (t, c) => maxPool1d(t.x!, c.kernelSize as number, c.options as never),
  avgPool2d: (t, c) => avgPool2d(t.x!, c.kernelSize!, c.options),
  avgPool1d: (t, c) => avgPool1d(t.x!, c.kernelSize as number, c.options),
  adaptiveAvgPool2d: (t, c) => adaptiveAvgPool2d(t.x!, c.outputSize!),
  adaptiveAvgPool1d: (t, c) => adaptiveAvgPool1d(t.x!, c.outputSize as number),
  groupNorm: (t, c) => groupNorm(t.x!, c.numGroups!, { ...c.options, weight: t.weight ?? null, bias: t.bias ?? null }),
  embedding: (t, c) => embedding(t.x!, t.weight!, c.options),
};

export const FUNCTIONAL_CASES = readGolden<{ functional: FunctionalCase[] }>('conv.json').functional;
