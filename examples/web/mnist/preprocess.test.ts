import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BOX, SIDE, toMnist } from './preprocess.js';

/** `img` (side × side) enlarged `k` times by repeating pixels, placed at (dx, dy) on a blank `size`² canvas. */
function enlarge(img: ArrayLike<number>, side: number, k: number, size: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < side * k; y++) for (let x = 0; x < side * k; x++) out[(y + dy) * size + x + dx] = img[Math.floor(y / k) * side + Math.floor(x / k)]!;
  return out;
}

const centreOfMass = (img: Float32Array): [number, number] => {
  let [m, mx, my] = [0, 0, 0];
  img.forEach((v, k) => {
    m += v;
    mx += v * (k % SIDE);
    my += v * Math.floor(k / SIDE);
  });
  return [mx / m, my / m];
};

describe('toMnist', () => {
  it('returns null for a blank drawing and rejects a wrong size', () => {
    expect(toMnist(new Float32Array(100), 10, 10)).toBeNull();
    expect(() => toMnist(new Float32Array(10), 10, 10)).toThrow('toMnist: ink has 10 values, expected width × height = 100');
  });

  it('scales a tall stroke to 20 pixels high, keeps its aspect ratio and centres its mass', () => {
    const canvas = new Float32Array(280 * 280);
    for (let y = 30; y < 230; y++) for (let x = 200; x < 240; x++) canvas[y * 280 + x] = 1; // 200 tall, 40 wide, far right
    const img = toMnist(canvas, 280, 280)!;
    const rows = new Set<number>();
    const cols = new Set<number>();
    img.forEach((v, k) => {
      if (v > 0.5) {
        rows.add(Math.floor(k / SIDE));
        cols.add(k % SIDE);
      }
    });
    expect(rows.size).toBe(BOX);
    expect(cols.size).toBe(4);
    const [cx, cy] = centreOfMass(img);
    expect(Math.abs(cx - SIDE / 2)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - SIDE / 2)).toBeLessThanOrEqual(0.5);
  });

  it('gives back an MNIST digit drawn ten times larger, off-centre', () => {
    const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
    for (const d of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      const digit = mnist[d]!.get(5);
      const img = toMnist(enlarge(digit, SIDE, 10, 400, 100, 20), 400, 400)!;
      let dot = 0;
      let a = 0;
      let b = 0;
      img.forEach((v, k) => {
        dot += v * digit[k]!;
        a += v * v;
        b += digit[k]! ** 2;
      });
      expect(dot / Math.sqrt(a * b)).toBeGreaterThan(0.95); // cosine similarity with the original

    }
  });
});
