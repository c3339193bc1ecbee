import { seededValues } from '@nn/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WindowAttrs } from '../../../kernels.js';
import { wasmMaxPoolIndices } from './windows-wasm.js';

/** Geometries the two scans must agree on: padding, dilation, ceil-mode grids, planes larger than a block. */
const CASES: [number[], WindowAttrs][] = [
  [[3, 4, 28, 28], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], outSize: [14, 14] }],
  [[2, 3, 9, 7], { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], pad: [1, 1], outSize: [5, 4] }],
  [[1, 2, 8, 9], { kernel: [2, 3], stride: [1, 2], dilation: [2, 1], pad: [1, 1], outSize: [7, 5] }],
  [[1, 1, 300, 300], { kernel: [3, 3], stride: [3, 3], dilation: [1, 1], pad: [0, 0], outSize: [100, 100] }],
];

/** A Col2Im grid with taps entirely outside the image (dilation 3 over 4 columns) and overlapping windows. */
const COL2IM_ONLY: [number[], WindowAttrs] = [[2, 3, 5, 4], { kernel: [3, 3], stride: [1, 2], dilation: [1, 3], pad: [1, 2], outSize: [5, 3] }];

/** Values with ties, NaNs and infinities, so every rule of the scan is exercised. */
function values(n: number, seed: number): Float32Array {
  const v = seededValues(n, seed, 0, 4).map(Math.floor);
  for (let i = 5; i < n; i += 97) v[i] = Number.NaN;
  for (let i = 11; i < n; i += 89) v[i] = -Infinity;
  for (let i = 13; i < n; i += 83) v[i] = Infinity;
  return v;
}

describe('MaxPoolIndices and Col2Im: WebAssembly and the NN_WASM=0 TypeScript loops', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function results(env: string | undefined): Promise<{ indices: number[]; image: number[] }[]> {
    if (env !== undefined) vi.stubEnv('NN_WASM', env);
    vi.resetModules();
    // A fresh module graph reads NN_WASM anew.
    const nn = await import('../../../index.js');
    return [...CASES, COL2IM_ONLY].map(([shape, a], i) => {
      const x = nn.tensor(values(shape.reduce((p, d) => p * d, 1), i + 1), { shape });
      const rows = shape[1]! * a.kernel[0] * a.kernel[1];
      const grid = shape[0]! * a.outSize[0] * a.outSize[1];
      const cols = nn.tensor(seededValues(rows * grid, i + 7), { shape: [rows, grid] });
      return {
        indices: i < CASES.length ? Array.from(nn.engine.runKernel('MaxPoolIndices', [x], { ...a }).dataSync()) : [],
        image: Array.from(nn.engine.runKernel('Col2Im', [cols], { ...a, shape }).dataSync()),
      };
    });
  }

  it('give the same max-pool indices and the same Col2Im sums, bit for bit', async () => {
    const fromWasm = await results(undefined);
    const fromTs = await results('0');
    [...CASES, COL2IM_ONLY].forEach(([shape], i) => {
      expect(fromWasm[i]!.indices, `indices, case ${i} [${shape}]`).toEqual(fromTs[i]!.indices);
      expect(fromWasm[i]!.image, `Col2Im, case ${i} [${shape}]`).toEqual(fromTs[i]!.image);
    });
  });

  it('runs in WebAssembly by default', () => {
    const out = new Int32Array(1);
    const taps = Int32Array.of(0, 2, 0);
    expect(wasmMaxPoolIndices(Float32Array.of(1, 3, 2, 0), 1, 4, 2, 1, 1, 1, 1, taps, taps, out)).toBe(true);
    expect(out[0]).toBe(1);
  });
});
