/**
 * Test helpers (not part of the build): reading the golden files written by scripts/golden.py and comparing
 * tensors with them.
 */
import { readFileSync } from 'node:fs';
import { backward } from '@nn/autograd';
import { tensor, type DType, type Tensor } from '@nn/tensor';
import { decodeNumber, expectClose, type Tolerance } from '@nn/testing';
import { crossEntropy } from '../losses/cross-entropy.js';
import type { Module } from '../module.js';
import { loadSafetensors } from '../safetensors/load.js';

/** A tensor as the golden script encodes it (NaN and ±inf as strings, see `decodeNumber`). */
export interface Encoded {
  shape: number[];
  dtype?: DType;
  data: (number | string | boolean)[];
}

/** Float32 rounding: how closely our layers agree with PyTorch's on the golden cases. */
export const FLOAT32: Tolerance = { rtol: 1e-5, atol: 1e-6 };

export function readGolden<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../golden/${file}`, import.meta.url), 'utf8')) as T;
}

export function readGoldenBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../golden/${file}`, import.meta.url)));
}

/** The encoded tensor as a Tensor (float32 unless the encoding says otherwise). */
export function decode(e: Encoded, opts: { requiresGrad?: boolean } = {}): Tensor {
  return tensor(e.data.map(decodeNumber), { shape: e.shape, dtype: e.dtype ?? 'float32', requiresGrad: opts.requiresGrad });
}

/** Asserts that a (CPU) tensor has the golden tensor's shape and, within `tol`, its values (`expectClose`). */
export function expectGolden(actual: Tensor, expected: Encoded, label: string, tol: Tolerance): void {
  const sa = JSON.stringify(actual.shape);
  const se = JSON.stringify(expected.shape);
  if (sa !== se) throw new Error(`${label}: shape ${sa}, expected ${se}`);
  expectClose(actual.dataSync(), expected.data.map(decodeNumber), { ...tol, label });
}

/** What the golden scripts record of a PyTorch model: its eval output, then one training step's loss, gradients and buffers. */
export interface TrainedModelGolden {
  keys: string[];
  eval: { x: Encoded; y: Encoded };
  train: { x: Encoded; target: Encoded; loss: number; grads: Record<string, Encoded>; buffers: Record<string, Encoded> };
}

/**
 * Loads the PyTorch state dict `safetensors` strictly into `model` and checks that it computes what PyTorch
 * computed: the eval output, then in training mode the cross-entropy loss, every parameter's gradient and every
 * buffer (running statistics after the batch).
 */
export function expectSameAsPytorch(model: Module, safetensors: Uint8Array, golden: TrainedModelGolden): void {
  model.loadStateDict(loadSafetensors(safetensors));
  model.eval();
  expectGolden(model.call(decode(golden.eval.x)) as Tensor, golden.eval.y, 'eval output', FLOAT32);
  model.train();
  const loss = crossEntropy(model.call(decode(golden.train.x)) as Tensor, decode(golden.train.target));
  expectClose([loss.item() as number], [golden.train.loss], { ...FLOAT32, label: 'loss' });
  backward(loss);
  for (const [name, p] of model.namedParameters()) expectGolden(p.grad!, golden.train.grads[name]!, `grad of ${name}`, FLOAT32);
  for (const [name, b] of model.namedBuffers()) expectGolden(b, golden.train.buffers[name]!, name, FLOAT32);
}
