/**
 * Test helpers (not part of the build): reading the golden files written by scripts/golden.py and comparing
 * tensors with them.
 */
import { readFileSync } from 'node:fs';
import { tensor, type DType, type Tensor } from '@nn/tensor';
import { decodeNumber, expectClose, type Tolerance } from '@nn/testing';

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
