/**
 * What checkpointing saves: peak live tensor bytes during the backward of a deep MLP (24 × Linear(512, 512) +
 * ReLU, batch 256), plainly and with checkpointSequential in 4 segments. memory() is sampled after every kernel
 * (a kernel listener), so the peak includes every transient of the rules and of the recomputation.
 */
import { Linear, ReLU, Sequential } from '@nn/layers';
import { engine, manualSeed, memory, randn, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkpointSequential } from './index.js';

const MB = 2 ** 20;

function measure(model: Sequential, x: Tensor, forward: (x: Tensor) => Tensor) {
  model.zeroGrad();
  const base = memory().numBytes;
  const loss = tidy(() => forward(x).square().mean());
  const saved = memory().numBytes - base;
  let peak = 0;
  const stop = engine.addKernelListener(() => void (peak = Math.max(peak, memory().numBytes)));
  const t0 = performance.now();
  try {
    loss.backward();
  } finally {
    stop();
  }
  const ms = performance.now() - t0;
  const grads = model.parameters().reduce((s, p) => s + p.grad!.size * 4, 0);
  loss.dispose();
  return { saved, peakAboveBase: peak - base, grads, ms };
}

describe('checkpoint memory', () => {
  // At this shape a layer's weight gradient (1 MB) outweighs its activation (0.5 MB), so the gradients set the
  // peak; measured once at batch 2048 (activations 4 MB a layer): peak 70 MB with 4 segments vs 108 MB plain.
  it('24 layers × 512, batch 256: 4 segments keep a fraction of the activations', () => {
    const batch = 256;
    manualSeed(0);
    const layers = [];
    for (let i = 0; i < 24; i++) layers.push(new Linear(512, 512), new ReLU());
    const model = new Sequential(...layers);
    const x = randn([batch, 512]);
    const plain = measure(model, x, (h) => model.forward(h));
    const ck = measure(model, x, (h) => checkpointSequential(model, 4, h));
    const row = (name: string, r: typeof plain) =>
      `batch ${batch}, ${name}: saved for backward ${(r.saved / MB).toFixed(1)} MB, peak during backward ${(r.peakAboveBase / MB).toFixed(1)} MB ` +
      `above the parameters (${(r.grads / MB).toFixed(1)} MB of it the parameter gradients), backward ${r.ms.toFixed(0)} ms`;
    console.log(`${row('plain', plain)}\n${row('4 segments', ck)}`);
    x.dispose();
    model.dispose();
    expect(ck.grads).toBe(plain.grads);
    // Activations kept for backward: 3 segment inputs + the last segment's 6 layers instead of all 24 layers.
    expect(ck.saved).toBeLessThan(0.4 * plain.saved);
    // The recomputation of a segment (6 layers, 3 MB of activations) is all the peak may add to the plain run's.
    expect(ck.peakAboveBase).toBeLessThan(plain.peakAboveBase + 2 * 6 * 4 * batch * 512);
  }, 120_000);
});
