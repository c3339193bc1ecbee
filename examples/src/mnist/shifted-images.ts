/**
 * Data augmentation by translation: every time a training image is drawn it is shifted by a random whole number
 * of pixels (up to `maxShift` in each direction), the uncovered border filled with the background value. A
 * digit moved by a pixel or two is still the same digit, so the model sees many variants of each image and
 * overfits less — the classic trick for MLPs on MNIST (Simard et al. 2003, with elastic distortions).
 *
 * The offsets come from the global generator (`manualSeed`), whose state `fit` checkpoints, so a resumed run
 * draws the same shifts as an uninterrupted one.
 */
import type { Dataset } from '@nn/data';
import { defaultGenerator, tensor, type Tensor } from '@nn/tensor';
import { PIXELS, type Split } from './data.js';

const SIDE = 28;

export class ShiftedImages implements Dataset<Tensor[]> {
  readonly length: number;

  constructor(
    readonly split: Split,
    readonly maxShift: number,
    /** The value of a blank pixel (after standardisation). */
    readonly background: number,
  ) {
    if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift >= SIDE)
      throw new Error(`ShiftedImages: maxShift must be an integer in [0, ${SIDE}), got ${maxShift}`);
    this.length = split.labels.length;
  }

  /** Sample `i`, shifted: [image [784], label []]. */
  get(i: number): Tensor[] {
    const [x, y] = this.getBatch(Int32Array.of(i));
    return [x!.reshape([PIXELS]), y!.reshape([])];
  }

  /** The images at `indices`, each shifted by its own random (dx, dy): [images [n, 784], labels [n]]. */
  getBatch(indices: Int32Array): Tensor[] {
    const n = indices.length;
    const span = 2 * this.maxShift + 1;
    const words = defaultGenerator.nextWords(2 * n);
    const out = new Float32Array(n * PIXELS).fill(this.background);
    const labels = new Int32Array(n);
    const src = this.split.pixels;
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      if (!(i >= 0 && i < this.length)) throw new Error(`ShiftedImages.getBatch: index ${i} is out of range [0, ${this.length})`);
      const dx = Math.floor((words[2 * k]! / 4294967296) * span) - this.maxShift;
      const dy = Math.floor((words[2 * k + 1]! / 4294967296) * span) - this.maxShift;
      const from = i * PIXELS;
      const to = k * PIXELS;
      for (let r = Math.max(0, dy); r < Math.min(SIDE, SIDE + dy); r++) {
        const c0 = Math.max(0, dx);
        const c1 = Math.min(SIDE, SIDE + dx);
        const s = from + (r - dy) * SIDE + (c0 - dx);
        out.set(src.subarray(s, s + (c1 - c0)), to + r * SIDE + c0);
      }
      labels[k] = this.split.labels[i]!;
    }
    return [tensor(out, { shape: [n, PIXELS] }), tensor(labels)];
  }
}
