import { manualSeed } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { PIXELS } from './data.js';
import { ShiftedImages } from './shifted-images.js';

/** n images, image k having a single pixel of value 1 at (14, 14) and background -1 elsewhere. */
function dots(n: number) {
  const pixels = new Float32Array(n * PIXELS).fill(-1);
  for (let k = 0; k < n; k++) pixels[k * PIXELS + 14 * 28 + 14] = 1;
  return { pixels, labels: Int32Array.from({ length: n }, (_, k) => k % 10) };
}

describe('ShiftedImages', () => {
  it('moves each image by its own random offset within ±maxShift, filling with the background', () => {
    manualSeed(0);
    const ds = new ShiftedImages(dots(200), 2, -1);
    const [x, y] = ds.getBatch(Int32Array.from({ length: 200 }, (_, i) => i));
    expect(x!.shape).toEqual([200, 784]);
    expect(Array.from(y!.dataSync())).toEqual(Array.from({ length: 200 }, (_, k) => k % 10));
    const v = x!.dataSync();
    const offsets = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const row = v.subarray(k * PIXELS, (k + 1) * PIXELS);
      const lit = [...row.keys()].filter((i) => row[i] === 1);
      expect(lit).toHaveLength(1);
      expect(row.filter((p) => p === -1).length).toBe(783);
      const [r, c] = [Math.floor(lit[0]! / 28), lit[0]! % 28];
      expect(Math.abs(r - 14)).toBeLessThanOrEqual(2);
      expect(Math.abs(c - 14)).toBeLessThanOrEqual(2);
      offsets.add(`${r},${c}`);
    }
    expect(offsets.size).toBe(25); // every offset in [-2, 2]² occurs among 200 draws
  });

  it('draws the shifts from the global generator, so a seed reproduces them', () => {
    const ds = new ShiftedImages(dots(8), 3, -1);
    const draw = () => Array.from(ds.getBatch(Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7))[0]!.dataSync());
    manualSeed(5);
    const a = draw();
    manualSeed(5);
    expect(draw()).toEqual(a);
    expect(draw()).not.toEqual(a);
  });

  it('leaves images unchanged with maxShift 0 and validates its arguments', () => {
    const data = dots(3);
    const ds = new ShiftedImages(data, 0, -1);
    expect(Array.from(ds.get(1)[0]!.dataSync())).toEqual(Array.from(data.pixels.subarray(PIXELS, 2 * PIXELS)));
    expect(ds.get(1)[1]!.item()).toBe(1);
    expect(() => new ShiftedImages(data, 28, -1)).toThrow('ShiftedImages: maxShift must be an integer in [0, 28), got 28');
    expect(() => ds.getBatch(Int32Array.of(3))).toThrow('ShiftedImages.getBatch: index 3 is out of range [0, 3)');
  });
});
