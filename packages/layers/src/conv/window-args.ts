/**
 * Arguments shared by the convolution and pooling layers: PyTorch's `_single`/`_pair` (a number or one per
 * spatial dim), input rank checks, and the window-grid arithmetic. Everything runs on 2-d windows; 1-d data
 * is an image of height 1, so 1-d settings become [1, k], [1, s], ...
 */
import { engine, fmtShape, type Tensor, type WindowAttrs } from '@nn/tensor';
import { checkTensor, describe, FLOATS } from '../args.js';

/** One value per spatial dim: [h, w] for 2-d; 1-d layers take a number or [n]. */
export type Size2 = number | readonly [number, number];
export type Size1 = number | readonly [number];
export type Pair = [number, number];

/**
 * `v` as one integer ≥ `min` per spatial dim (`dims` = 1 or 2), widened to the 2-d form ([1, v] for 1-d, or
 * `fill1d` for the height of 1-d settings whose neutral value is not 1, such as padding).
 */
export function windowPair(op: string, name: string, v: unknown, dims: 1 | 2, min: number, fill1d = 1): Pair {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : v;
  if (!Array.isArray(list) || list.length !== dims || !list.every((d) => Number.isSafeInteger(d) && d >= min)) {
    const shown = Array.isArray(v) ? JSON.stringify(v) : describe(v);
    const form = dims === 1 ? `an integer >= ${min} (or [n])` : `an integer >= ${min} or a pair [h, w] of them`;
    throw new Error(`${op}: ${name} must be ${form}, got ${shown}`);
  }
  return dims === 1 ? [fill1d, list[0]!] : [list[0]!, list[1]!];
}

/** How a 2-d setting reads in messages and `toString()`: `3` for 1-d, `[3,3]` for 2-d. */
export function showPair(p: readonly number[], dims: 1 | 2): string {
  return dims === 1 ? String(p[1]) : fmtShape(p);
}

/**
 * Checks x is float32 [N, C, *spatial] or unbatched [C, *spatial] and returns it as a 4-d [N, C, H, W] image
 * (1-d: H = 1) plus a function that gives an output that shape back (dropping N when it was unbatched).
 */
export function asImage(op: string, x: Tensor, dims: 1 | 2, layout = dims === 1 ? '[N, C, L] or [C, L]' : '[N, C, H, W] or [C, H, W]'): [Tensor, (y: Tensor) => Tensor] {
  checkTensor(op, 'input', x, FLOATS);
  if (x.rank !== dims + 1 && x.rank !== dims + 2) throw new Error(`${op}: expected input of shape ${layout}, got ${fmtShape(x.shape)}`);
  const batched = x.rank === dims + 2;
  const s = x.shape;
  const image = batched ? (dims === 2 ? s.slice() : [s[0]!, s[1]!, 1, s[2]!]) : dims === 2 ? [1, ...s] : [1, s[0]!, 1, s[1]!];
  const back = (y: Tensor): Tensor => {
    const [n, c, h, w] = y.shape as [number, number, number, number];
    const spatial = dims === 2 ? [h, w] : [w];
    return reshapeTo(y, batched ? [n, c, ...spatial] : [c, ...spatial]);
  };
  return [reshapeTo(x, image), back];
}

function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  return x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : engine.runKernel('Reshape', [x], { shape: shape.slice() });
}

/** Windows along one dim: ⌊(size + padding − dilation·(kernel − 1) − 1) / stride⌋ + 1 (may be ≤ 0: too small). */
export function convOutLen(size: number, padding: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((size + padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The window attrs of the Im2Col/Col2Im/MaxPoolIndices kernels. */
export function windowAttrs(kernel: Pair, stride: Pair, dilation: Pair, padBefore: Pair, outSize: Pair): WindowAttrs {
  return { kernel, stride, dilation, pad: padBefore, outSize };
}
