/**
 * A full CPU heap (here a 16 MiB one; 1 GiB filled up when a CNN validated batches of 1,000 images) must not break
 * the WebAssembly window kernels: without room for their staging area they run their TypeScript versions.
 * This file sets NN_CPU_HEAP_MB before @nn/tensor loads (each test file runs in its own process).
 */
import { describe, expect, it } from 'vitest';

process.env.NN_CPU_HEAP_MB = '16';
const { keep, memory, randn, Generator } = await import('@nn/tensor');
const { maxPool2d } = await import('../index.js');

/** 2×2, stride-2 max pooling of [n, c, h, w] values, written out. */
function reference(x: Float32Array, [n, c, h, w]: number[]): number[] {
  const out: number[] = [];
  for (let p = 0; p < n * c; p++)
    for (let i = 0; i < h / 2; i++)
      for (let j = 0; j < w / 2; j++) {
        const at = (dy: number, dx: number) => x[p * h * w + (2 * i + dy) * w + 2 * j + dx]!;
        out.push(Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1)));
      }
  return out;
}

describe('window kernels with a full heap', () => {
  it('max pooling falls back to TypeScript instead of failing', () => {
    // Load the WebAssembly module while there is room (its own blocks are reserved for good).
    maxPool2d(randn([1, 1, 4, 4]), 2).dispose();
    // Fill the heap: past its limit new tensors are ordinary arrays, and nothing is left for staging areas.
    const hog = Array.from({ length: 80 }, () => keep(randn([1 << 16]))); // 20 MiB of 256 KiB tensors
    expect(memory().backends['cpu']!.numBytesReserved).toBeGreaterThanOrEqual(15 * 2 ** 20);
    const shape = [8, 4, 64, 64];
    const x = randn(shape, { generator: new Generator(1) });
    expect(Array.from(maxPool2d(x, 2).dataSync())).toEqual(reference(x.dataSync() as Float32Array, shape));
    for (const t of hog) t.dispose();
  });
});
