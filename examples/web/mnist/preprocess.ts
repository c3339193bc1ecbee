/**
 * Turns a drawing into an MNIST-like 28×28 image, as the MNIST authors prepared theirs: crop to the ink's
 * bounding box, scale it (keeping its aspect ratio) so its longer side is 20 pixels, and place it in a 28×28
 * field so that its centre of mass lies at the centre. Without this a model trained on MNIST sees a drawing
 * that is too big, too thin or off-centre and guesses.
 */

export const SIDE = 28;
/** The longer side of the digit's box after scaling (MNIST's 20×20 box in a 28×28 field). */
export const BOX = 20;
/** Ink below this (0 = paper, 1 = full ink) does not count towards the bounding box. */
const INK = 0.1;

/**
 * `ink`: `width × height` values in [0, 1], row by row, 1 = full ink. Returns 784 values in [0, 1], or null
 * when nothing is drawn.
 */
export function toMnist(ink: Float32Array, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height) throw new Error(`toMnist: ink has ${ink.length} values, expected width × height = ${width * height}`);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x]! > INK) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  if (x1 < 0) return null;
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));

  // Area-average downsampling: each source pixel adds its ink to the target pixel it falls in.
  const small = new Float32Array(w * h);
  const count = new Float32Array(w * h);
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const k = Math.min(h - 1, Math.floor((y - y0) * scale)) * w + Math.min(w - 1, Math.floor((x - x0) * scale));
      small[k] += ink[y * width + x]!;
      count[k]! += 1;
    }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = count[y * w + x] ? small[y * w + x]! / count[y * w + x]! : 0;
      small[y * w + x] = v;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  // Shift so the centre of mass lands on pixel (14, 14), as in MNIST, keeping the box inside the field.
  const left = clamp(Math.round(SIDE / 2 - mx / mass), 0, SIDE - w);
  const top = clamp(Math.round(SIDE / 2 - my / mass), 0, SIDE - h);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) out.set(small.subarray(y * w, (y + 1) * w), (top + y) * SIDE + left);
  return out;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
