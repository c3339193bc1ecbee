import { backward } from '@nn/autograd';
import { clipGradNorm } from '@nn/clip';
import { BatchNorm1d, crossEntropy, Dropout, Linear, ReLU, Sequential } from '@nn/layers';
import { AdamW, SGD } from '@nn/optim';
import { Generator, memory, randint, randn, tidy } from '@nn/tensor';
import { collectGarbage } from '@nn/testing';
import { describe, expect, it } from 'vitest';

// In a file of its own: tensors left to the garbage collector by other tests would be finalized at random
// moments and make the live count drift.

/** Runs `steps` training steps, sampling memory() every `every` steps (after the step). */
function train(makeOptimizer: (params: ReturnType<Sequential['parameters']>) => { zeroGrad(): void; step(): void }, steps: number, every: number) {
  const g = new Generator(0);
  const model = new Sequential(
    new Linear(32, 64, { generator: g }), new BatchNorm1d(64), new ReLU(), new Dropout(0.1, { generator: g }), new Linear(64, 10, { generator: g }),
  );
  const opt = makeOptimizer(model.parameters());
  const [x, y] = [randn([16, 32], { generator: g }), randint(0, 10, [16], { generator: g })];
  const samples: { numTensors: number; numBytes: number; reserved: number }[] = [];
  for (let i = 1; i <= steps; i++) {
    tidy(() => {
      opt.zeroGrad();
      backward(crossEntropy(model.call(x), y));
      clipGradNorm(model.parameters(), 1);
      opt.step();
    });
    if (i % every === 0) {
      const m = memory();
      samples.push({ numTensors: m.numTensors, numBytes: m.numBytes, reserved: m.backends.cpu?.numBytesReserved ?? 0 });
    }
  }
  return samples;
}

describe('memory over a long training loop', () => {
  it('stays flat over 10,000 steps: live tensors, live bytes and the CPU heap (AdamW, BatchNorm, Dropout, clipping)', async () => {
    await collectGarbage();
    const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
    const samples = train((p) => new AdamW(p, { lr: 1e-3 }), 10_000, 1000);
    expect(samples).toHaveLength(10);
    // Every sample equals the first: nothing accumulates, and the heap (storage recycled by size) stopped growing.
    for (const s of samples) expect(s).toEqual(samples[0]);
    expect(samples[0]!.reserved).toBeGreaterThan(0);
    // Nor does anything outside the engine's accounting (ordinary array buffers) pile up: well under the ~5 MB
    // that 10,000 steps of even one leaked 512-byte array would hold.
    await collectGarbage();
    expect(process.memoryUsage().arrayBuffers - arrayBuffersBefore).toBeLessThan(4 * 2 ** 20 + samples[0]!.reserved);
  }, 120_000);

  it('stays flat with SGD momentum too', () => {
    const samples = train((p) => new SGD(p, { lr: 0.01, momentum: 0.9 }), 2000, 500);
    for (const s of samples) expect(s).toEqual(samples[0]);
  }, 60_000);
});
