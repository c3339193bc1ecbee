/**
 * The MNIST digits the app ships (see ../mnist-digits.ts): fetched from the app's own origin, inflated with the
 * browser's DecompressionStream, split as the Node trainer splits them (the last 150 images of each digit are
 * held out), and standardised with the training images' mean and standard deviation.
 */
export const PIXELS = 784;
export const TEST_PER_DIGIT = 150;

export interface Split {
  /** N × 784 standardised pixels. */
  pixels: Float32Array;
  labels: Int32Array;
}

export interface Digits {
  train: Split;
  test: Split;
  mean: number;
  std: number;
}

export async function fetchDigits(url: string): Promise<{ labels: Uint8Array; pixels: Uint8Array }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetchDigits: ${url} answered ${response.status}`);
  // Read whole before inflating: with the response piped straight into the inflater, Chromium sometimes
  // reported the request as aborted (net::ERR_ABORTED) although every byte had arrived.
  const gzipped = new Blob([await response.arrayBuffer()]);
  const bytes = new Uint8Array(await new Response(gzipped.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const n = bytes.length / (PIXELS + 1);
  if (!Number.isInteger(n)) throw new Error(`fetchDigits: ${bytes.length} bytes is not a whole number of labelled images`);
  return { labels: bytes.subarray(0, n), pixels: bytes.subarray(n) };
}

/** `n` of `indices`, evenly spaced (all when n is 0 or too large). */
const spread = (indices: number[], n: number) => (n <= 0 || n >= indices.length ? indices : Array.from({ length: n }, (_, i) => indices[Math.floor((i * indices.length) / n)]!));

export function splitDigits(raw: { labels: Uint8Array; pixels: Uint8Array }, trainSize: number, testSize: number): Digits {
  const train: number[] = [];
  const test: number[] = [];
  const total = new Array<number>(10).fill(0);
  for (const d of raw.labels) total[d]!++;
  const seen = new Array<number>(10).fill(0);
  raw.labels.forEach((d, i) => (seen[d]!++ < total[d]! - TEST_PER_DIGIT ? train : test).push(i));
  const pick = (indices: number[]): Split => {
    const pixels = new Float32Array(indices.length * PIXELS);
    indices.forEach((i, j) => {
      for (let p = 0; p < PIXELS; p++) pixels[j * PIXELS + p] = raw.pixels[i * PIXELS + p]! / 255;
    });
    return { pixels, labels: Int32Array.from(indices, (i) => raw.labels[i]!) };
  };
  const digits = { train: pick(spread(train, trainSize)), test: pick(spread(test, testSize)) };
  let sum = 0;
  let sq = 0;
  for (const v of digits.train.pixels) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / digits.train.pixels.length;
  const std = Math.sqrt(sq / digits.train.pixels.length - mean * mean);
  for (const s of [digits.train, digits.test]) s.pixels.forEach((v, k) => (s.pixels[k] = (v - mean) / std));
  return { ...digits, mean, std };
}
