/**
 * The normalisation kernels' WebAssembly rows against their TypeScript loops (NN_WASM=0): ScaleShift bit for
 * bit; Moments and SumProduct, whose float64 sums run in another order, within a float32 rounding.
 */
import { expectClose, seededValues } from '@nn/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

type View = [number, number, number];
/** Rows of 16 and more run in WebAssembly, across several blocks of 16384 floats. */
const VIEWS: View[] = [[8, 5, 16], [3, 7, 1000], [2, 3, 17], [64, 4, 196]];

async function run(env: string | undefined) {
  if (env !== undefined) vi.stubEnv('NN_WASM', env);
  vi.resetModules();
  // A fresh module graph reads NN_WASM anew.
  const nn = await import('../../../../index.js');
  return VIEWS.map((view, i) => {
    const size = view[0] * view[1] * view[2];
    const x = nn.tensor(seededValues(size, 3 * i + 1, 10, 12), { shape: [size] });
    const y = nn.tensor(seededValues(size, 3 * i + 2), { shape: [size] });
    const scale = nn.tensor(seededValues(view[1], 3 * i + 3, -2, 2));
    const k = (name: string, inputs: InstanceType<typeof nn.Tensor>[]) => Array.from(nn.engine.runKernel(name, inputs, { view }).dataSync());
    return { moments: k('Moments', [x]), scaleShift: k('ScaleShift', [x, scale, scale]), sumProduct: k('SumProduct', [x, y]) };
  });
}

describe('Moments, ScaleShift, SumProduct: WebAssembly rows and the NN_WASM=0 loops', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('agree', async () => {
    const wasm = await run(undefined);
    const ts = await run('0');
    VIEWS.forEach((view, i) => {
      expect(wasm[i]!.scaleShift, `ScaleShift [${view}]`).toEqual(ts[i]!.scaleShift);
      expectClose(wasm[i]!.moments, ts[i]!.moments, { rtol: 1e-6, atol: 1e-7, label: `Moments [${view}]` });
      expectClose(wasm[i]!.sumProduct, ts[i]!.sumProduct, { rtol: 1e-6, atol: 1e-6, label: `SumProduct [${view}]` });
    });
  });
});

describe('Moments, ScaleShift, SumProduct on rows of one element ([A, C, 1]: BatchNorm1d on [N, C])', () => {
  it('run down the columns with the same bits as the row loops on the transposed data ([1, C, A], A < 16)', async () => {
    const nn = await import('../../../../index.js');
    const [a, c] = [9, 37];
    const x = nn.tensor(seededValues(a * c, 7, 10, 12), { shape: [a, c] });
    const y = nn.tensor(seededValues(a * c, 8), { shape: [a, c] });
    const scale = nn.tensor(seededValues(c, 9, -2, 2));
    const [xt, yt] = [x.transpose(0, 1).clone(), y.transpose(0, 1).clone()];
    const k = (name: string, inputs: InstanceType<typeof nn.Tensor>[], view: View) => nn.engine.runKernel(name, inputs, { view });
    const columns: View = [a, c, 1];
    const rows: View = [1, c, a];
    expect(Array.from(k('Moments', [x], columns).dataSync())).toEqual(Array.from(k('Moments', [xt], rows).dataSync()));
    expect(Array.from(k('SumProduct', [x, y], columns).dataSync())).toEqual(Array.from(k('SumProduct', [xt, yt], rows).dataSync()));
    const shifted = k('ScaleShift', [x, scale, scale], columns).transpose(0, 1).clone();
    expect(Array.from(shifted.dataSync())).toEqual(Array.from(k('ScaleShift', [xt, scale, scale], rows).dataSync()));
  });
});
