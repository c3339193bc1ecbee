import { Generator, arange, dispose, initBackend, memory, tidy } from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { TensorDataset } from './tensor-dataset.js';

// A TensorDataset on WebGPU (Dawn on SwiftShader here): batches are gathered on the device, never read back by
// the loader. Skipped where WebGPU cannot start, except in CI.
let unavailable: string | null = null;
beforeAll(async () => {
  try {
    await initBackend('webgpu');
  } catch (e) {
    unavailable = (e as Error).message;
    if (process.env.CI) throw e;
  }
});

describe('DataLoader on webgpu', () => {
  it('gathers shuffled batches on the device, equal to the CPU batches, without leaking', async (ctx) => {
    if (unavailable !== null) return ctx.skip();
    const [x, y] = tidy(() => [arange(0, 30).reshape(10, 3).cast('float32'), arange(0, 10)]);
    const gx = x!.to('webgpu');
    const gy = y!.to('webgpu');
    const opts = () => ({ batchSize: 4, shuffle: true, generator: new Generator(8) });
    const cpu = [...new DataLoader(new TensorDataset(x!, y!), opts())];
    const loader = new DataLoader(new TensorDataset(gx, gy), opts());
    const before = memory().numTensors;
    let k = 0;
    for (const [bx, by] of loader) {
      expect([bx!.device, by!.device]).toEqual(['webgpu', 'webgpu']);
      expect(Array.from(await bx!.data())).toEqual(Array.from(cpu[k]![0]!.dataSync()));
      expect(Array.from(await by!.data())).toEqual(Array.from(cpu[k]![1]!.dataSync()));
      dispose([bx, by]);
      k++;
    }
    expect(k).toBe(3);
    expect(memory().numTensors).toBe(before);
    dispose([x, y, gx, gy, cpu]);
  });
});
