/**
 * Window-kernel conformance (Im2Col, Col2Im, MaxPoolIndices), on every backend, against direct loops written
 * from the kernels' definitions in kernels.ts.
 */
import { expect } from 'vitest';
import { engine, tensor, type Device, type WindowAttrs } from '../index.js';
import { describeBackends, expectClose, itKernel, seededValues } from '@nn/testing';

type Image = [number, number, number, number];

/** The image value at (b, c, y, x), or undefined in the padding. */
function pixel(x: ArrayLike<number>, [, c, h, w]: Image, b: number, ch: number, y: number, xx: number): number | undefined {
  return y < 0 || y >= h || xx < 0 || xx >= w ? undefined : x[((b * c + ch) * h + y) * w + xx]!;
}

/** Calls fn(b, ch, oy, ox, ky, kx, y, x) for every tap of every window, in Im2Col's row-major output order. */
function forEachTap(image: Image, a: WindowAttrs, fn: (b: number, ch: number, oy: number, ox: number, ky: number, kx: number, y: number, x: number) => void): void {
  const [n, c] = image;
  for (let ch = 0; ch < c; ch++)
    for (let ky = 0; ky < a.kernel[0]; ky++)
      for (let kx = 0; kx < a.kernel[1]; kx++)
        for (let b = 0; b < n; b++)
          for (let oy = 0; oy < a.outSize[0]; oy++)
            for (let ox = 0; ox < a.outSize[1]; ox++)
              fn(b, ch, oy, ox, ky, kx, oy * a.stride[0] - a.pad[0] + ky * a.dilation[0], ox * a.stride[1] - a.pad[1] + kx * a.dilation[1]);
}

function im2colRef(x: ArrayLike<number>, image: Image, a: WindowAttrs): number[] {
  const out: number[] = [];
  forEachTap(image, a, (b, ch, _oy, _ox, _ky, _kx, y, xx) => out.push(pixel(x, image, b, ch, y, xx) ?? 0));
  return out;
}

function col2imRef(cols: ArrayLike<number>, image: Image, a: WindowAttrs): number[] {
  const [, c, h, w] = image;
  const out = new Array<number>(image.reduce((p, d) => p * d, 1)).fill(0);
  let t = 0;
  forEachTap(image, a, (b, ch, _oy, _ox, _ky, _kx, y, xx) => {
    if (y >= 0 && y < h && xx >= 0 && xx < w) out[((b * c + ch) * h + y) * w + xx]! += cols[t]!;
    t++;
  });
  return out;
}

function maxPoolIndicesRef(x: ArrayLike<number>, image: Image, a: WindowAttrs): number[] {
  const [n, c, , w] = image;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let oy = 0; oy < a.outSize[0]; oy++)
        for (let ox = 0; ox < a.outSize[1]; ox++) {
          let best = -Infinity;
          let at = -1;
          for (let ky = 0; ky < a.kernel[0]; ky++)
            for (let kx = 0; kx < a.kernel[1]; kx++) {
              const y = oy * a.stride[0] - a.pad[0] + ky * a.dilation[0];
              const xx = ox * a.stride[1] - a.pad[1] + kx * a.dilation[1];
              const v = pixel(x, image, b, ch, y, xx);
              if (v === undefined) continue;
              if (at < 0) at = y * w + xx;
              if (v > best || Number.isNaN(v)) [best, at] = [v, y * w + xx];
            }
          out.push(at);
        }
  return out;
}

const win = (kernel: [number, number], stride: [number, number], dilation: [number, number], pad: [number, number], outSize: [number, number]): WindowAttrs =>
  ({ kernel, stride, dilation, pad, outSize });

/** Geometries: plain, strided, dilated, padded, asymmetric 'same'-style and ceil-mode grids, 1-d (H = 1). */
const CASES: [string, Image, WindowAttrs][] = [
  ['3x3, stride 1, no padding', [2, 3, 5, 6], win([3, 3], [1, 1], [1, 1], [0, 0], [3, 4])],
  ['3x3, stride 1, padding 1', [2, 2, 4, 5], win([3, 3], [1, 1], [1, 1], [1, 1], [4, 5])],
  ['2x3, stride [2,1], dilation [1,2], padding [1,2]', [1, 3, 7, 6], win([2, 3], [2, 1], [1, 2], [1, 2], [4, 6])],
  ['4x4 (even), asymmetric grid past the bottom/right', [2, 1, 5, 5], win([4, 4], [1, 1], [1, 1], [1, 1], [5, 5])],
  ['2x2 stride 2, ceil-mode grid', [1, 2, 5, 7], win([2, 2], [2, 2], [1, 1], [0, 0], [3, 4])],
  ['1-d: kernel 3, stride 2, dilation 2, padding 2', [3, 2, 1, 9], win([1, 3], [1, 2], [1, 2], [0, 2], [1, 5])],
];

describeBackends('window kernels', (device: Device) => {
  for (const [name, image, a] of CASES) {
    itKernel(device, ['Im2Col'], `Im2Col ${name}`, async () => {
      const size = image.reduce((p, d) => p * d, 1);
      const x = seededValues(size, 11);
      const cols = engine.runKernel('Im2Col', [tensor(x, { shape: image, device })], { ...a });
      expect(cols.shape).toEqual([image[1] * a.kernel[0] * a.kernel[1], image[0] * a.outSize[0] * a.outSize[1]]);
      expectClose(await cols.data(), im2colRef(x, image, a));
    });

    itKernel(device, ['Col2Im'], `Col2Im ${name} (overlapping windows add up)`, async () => {
      const n = image[1] * a.kernel[0] * a.kernel[1] * image[0] * a.outSize[0] * a.outSize[1];
      const cols = seededValues(n, 12);
      const shape = [n / (image[0] * a.outSize[0] * a.outSize[1]), image[0] * a.outSize[0] * a.outSize[1]];
      const img = engine.runKernel('Col2Im', [tensor(cols, { shape, device })], { ...a, shape: image });
      expect(img.shape).toEqual(image);
      expectClose(await img.data(), col2imRef(cols, image, a));
    });

    itKernel(device, ['MaxPoolIndices'], `MaxPoolIndices ${name}`, async () => {
      const size = image.reduce((p, d) => p * d, 1);
      // Few distinct values, so windows hold ties: the first maximum must win.
      const x = Array.from(seededValues(size, 13, 0, 4), Math.floor);
      const idx = engine.runKernel('MaxPoolIndices', [tensor(x, { shape: image, device })], { ...a });
      expect(idx.dtype).toBe('int32');
      expect(idx.shape).toEqual([image[0], image[1], ...a.outSize]);
      expect(Array.from(await idx.data())).toEqual(maxPoolIndicesRef(x, image, a));
    });
  }

  itKernel(device, ['MaxPoolIndices'], 'MaxPoolIndices: NaN wins (the last NaN), −∞ windows keep their first position', async () => {
    const a = win([1, 4], [1, 4], [1, 1], [0, 0], [1, 3]);
    const x = [1, NaN, 3, NaN, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 2, -Infinity, 2];
    const idx = engine.runKernel('MaxPoolIndices', [tensor(x, { shape: [1, 1, 1, 12], device })], { ...a });
    expect(Array.from(await idx.data())).toEqual([3, 4, 9]);
  });

  itKernel(device, ['Im2Col', 'Col2Im'], 'Col2Im is the adjoint of Im2Col: <Im2Col(x), c> = <x, Col2Im(c)>', async () => {
    const [, image, a] = CASES[2]!;
    const size = image.reduce((p, d) => p * d, 1);
    const x = tensor(seededValues(size, 21), { shape: image, device });
    const cols = engine.runKernel('Im2Col', [x], { ...a });
    const c = tensor(seededValues(cols.size, 22), { shape: cols.shape.slice(), device });
    const back = engine.runKernel('Col2Im', [c], { ...a, shape: image });
    const lhs = (await cols.mul(c).sum().data())[0]!;
    const rhs = (await x.mul(back).sum().data())[0]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
  });
});
