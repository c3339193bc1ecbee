/**
 * Normalisation-kernel conformance (Moments, ScaleShift, SumProduct over an [A, C, B] view), on every backend,
 * against loops written from kernels.ts and against the composites they fuse.
 */
import { expect } from 'vitest';
import { engine, tensor, type Device } from '../index.js';
import { describeBackends, expectClose, itKernel, seededValues } from '@nn/testing';

type View = [number, number, number];
const VIEWS: View[] = [[4, 3, 5], [1, 6, 17], [7, 2, 1], [2, 1, 300]];

/** Calls fn(c, flatIndex) for every element of an [A, C, B] view. */
function forEach([a, c, b]: View, fn: (ch: number, p: number) => void): void {
  for (let i = 0; i < a; i++) for (let ch = 0; ch < c; ch++) for (let k = 0; k < b; k++) fn(ch, (i * c + ch) * b + k);
}

describeBackends('normalisation kernels', (device: Device) => {
  const t = (data: ArrayLike<number>, shape: number[]) => tensor(Float32Array.from(data), { shape, device });
  const tol = device === 'cpu' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-4, atol: 1e-5 };

  for (const view of VIEWS) {
    const size = view[0] * view[1] * view[2];
    itKernel(device, ['Moments'], `Moments over [${view}] (values around 1000: the variance is taken around the mean)`, async () => {
      const x = seededValues(size, 31, 999, 1001);
      const sums = new Array<number>(view[1]).fill(0);
      forEach(view, (ch, p) => (sums[ch]! += x[p]!));
      const mean = sums.map((s) => s / (view[0] * view[2]));
      const sq = new Array<number>(view[1]).fill(0);
      forEach(view, (ch, p) => (sq[ch]! += (x[p]! - mean[ch]!) ** 2));
      const stats = engine.runKernel('Moments', [t(x, [size])], { view });
      expect(stats.shape).toEqual([2, view[1]]);
      expectClose(await stats.data(), [...mean, ...sq.map((s) => s / (view[0] * view[2]))], { ...tol, atol: 1e-4 });
    });

    itKernel(device, ['ScaleShift'], `ScaleShift over [${view}]`, async () => {
      const x = seededValues(size, 32);
      const scale = seededValues(view[1], 33, -2, 2);
      const shift = seededValues(view[1], 34, -2, 2);
      const want = new Array<number>(size);
      forEach(view, (ch, p) => (want[p] = Math.fround(x[p]! * scale[ch]!) + shift[ch]!));
      const y = engine.runKernel('ScaleShift', [t(x, view), t(scale, [view[1]]), t(shift, [view[1]])], { view });
      expect(y.shape).toEqual(view);
      expectClose(await y.data(), want, tol);
    });

    itKernel(device, ['SumProduct'], `SumProduct over [${view}]`, async () => {
      const a = seededValues(size, 35);
      const b = seededValues(size, 36);
      const want = new Array<number>(view[1]).fill(0);
      forEach(view, (ch, p) => (want[ch]! += a[p]! * b[p]!));
      const s = engine.runKernel('SumProduct', [t(a, [size]), t(b, [size])], { view });
      expect(s.shape).toEqual([view[1]]);
      expectClose(await s.data(), want, { ...tol, atol: 1e-5 });
    });
  }

  itKernel(device, ['Moments', 'ScaleShift'], 'Moments + ScaleShift normalise like the composite mean/var ops', async () => {
    const view: View = [5, 4, 6];
    const x = t(seededValues(120, 37, -3, 5), view);
    const stats = engine.runKernel('Moments', [x], { view });
    const mean = stats.narrow(0, 0, 1).reshape(4);
    const rstd = stats.narrow(0, 1, 1).reshape(4).add(1e-5).rsqrt();
    const y = engine.runKernel('ScaleShift', [x, rstd, mean.mul(rstd).neg()], { view });
    const m = x.mean([0, 2], true);
    const ref = x.sub(m).mul(x.sub(m).square().mean([0, 2], true).add(1e-5).rsqrt());
    expectClose(await y.data(), await ref.data(), { rtol: 1e-4, atol: 1e-5 });
  });
});
