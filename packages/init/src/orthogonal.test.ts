import { describe, expect, it } from 'vitest';
import { Generator, manualSeed } from '@nn/tensor';
import { orthogonal } from '@nn/init';
import golden from './golden/init.json' with { type: 'json' };
import { orthogonalFromNormal } from './orthogonal.js';

/** M·Mᵀ (rowsOuter) or Mᵀ·M for a row-major rows×cols matrix. */
function gram(m: ArrayLike<number>, rows: number, cols: number, rowsOuter: boolean): number[][] {
  const n = rowsOuter ? rows : cols;
  const at = (i: number, k: number) => (rowsOuter ? m[i * cols + k]! : m[k * cols + i]!);
  const len = rowsOuter ? cols : rows;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
    return s;
  }));
}

function expectScaledIdentity(g: number[][], scale: number, digits: number): void {
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) expect(g[i]![j]!).toBeCloseTo(i === j ? scale : 0, digits);
}

describe('orthogonal', () => {
  it("matches PyTorch's sign-corrected QR of the same matrix", () => {
    for (const { rows, cols, a, q } of golden.orthogonal) {
      const got = orthogonalFromNormal(a, rows, cols);
      for (let i = 0; i < q.length; i++) expect(got[i], `${rows}x${cols} [${i}]`).toBeCloseTo(q[i]!, 12);
    }
  });
  it('gives orthonormal rows for wide and orthonormal columns for tall shapes, scaled by gain', () => {
    const wide = orthogonal([3, 7], { gain: 2, generator: new Generator(1) }).dataSync();
    expectScaledIdentity(gram(wide, 3, 7, true), 4, 5);
    const tall = orthogonal([7, 3], { generator: new Generator(2) }).dataSync();
    expectScaledIdentity(gram(tall, 7, 3, false), 1, 5);
    const square = orthogonal([5, 5], { generator: new Generator(3) }).dataSync();
    expectScaledIdentity(gram(square, 5, 5, true), 1, 5);
    expectScaledIdentity(gram(square, 5, 5, false), 1, 5);
  });
  it('flattens trailing dims like a conv weight', () => {
    const w = orthogonal([4, 2, 3, 3], { generator: new Generator(4) });
    expect(w.shape).toEqual([4, 2, 3, 3]);
    expectScaledIdentity(gram(w.dataSync(), 4, 18, true), 1, 5);
  });
  it('is reproducible under a seed', () => {
    manualSeed(12);
    const a = orthogonal([4, 6]).dataSync();
    manualSeed(12);
    expect(orthogonal([4, 6]).dataSync()).toEqual(a);
    expect(orthogonal([4, 6], { generator: new Generator(1) }).dataSync()).not.toEqual(a);
  });
  it('is Haar-distributed: the sign correction leaves no bias in the first column', () => {
    // Without the sign fix, Householder's Q[0][0] = x₀/‖x‖ sign-flipped is always ≤ 0; Haar gives mean 0.
    const g = new Generator(6);
    let sum = 0;
    const n = 400;
    for (let t = 0; t < n; t++) sum += orthogonal([3, 3], { generator: g }).dataSync()[0]!;
    expect(Math.abs(sum / n)).toBeLessThan(4 * Math.sqrt(1 / 3 / n));
  });
  it('validates shape and gain', () => {
    expect(() => orthogonal([5])).toThrow('orthogonal: shape must have at least 2 dimensions, got [5]');
    expect(() => orthogonal([2, 2], { gain: NaN })).toThrow('orthogonal: gain must be a finite number, got NaN');
    expect(orthogonal([0, 3]).shape).toEqual([0, 3]);
  });
});
