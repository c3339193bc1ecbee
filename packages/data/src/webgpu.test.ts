import { Generator, arange, dispose, memory, tidy } from '@nn/tensor';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { TensorDataset } from './tensor-dataset.js';

// A TensorDataset on WebGPU (Dawn on SwiftShader here): batches are gathered on the device, never read back by
// the loader. Skipped where WebGPU cannot start, except in CI.
const requireWebGpu = useWebGpu();

describe('DataLoader on webgpu', () => {
  it('gathers shuffled batches on the device, equal to the CPU batches, without leaking', async (ctx) => {
    requireWebGpu(ctx);
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
