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
