/**
 * The recurrent layers on WebGPU (Dawn on SwiftShader here, slow: tiny sizes): same outputs, final states and
 * gradients as on the CPU. Skipped where WebGPU cannot start, except in CI.
 */
import { backward } from '@nn/autograd';
import { add, Generator, mul, narrow, randn, squeeze, sum, type Device, type Tensor } from '@nn/tensor';
import { expectClose, useWebGpu } from '@nn/testing';
import { describe, it } from 'vitest';
import type { Module } from '../module.js';
import { GRUCell } from './cells.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';

const requireWebGpu = useWebGpu();

/** The outputs of `forward` and the gradients of sum(Σᵢ (i + 1) · outputᵢ) w.r.t. the module's parameters. */
async function run(m: Module<never[], unknown>, forward: (x: Tensor) => Tensor[], x: Tensor): Promise<Float32Array[]> {
  const outs = forward(x.to(m.parameters()[0]!.device));
  backward(outs.map((y, i) => sum(mul(y, i + 1))).reduce((a, b) => add(a, b)));
  return Promise.all([...outs, ...m.parameters().map((p) => p.grad!)].map(async (t) => Float32Array.from(await t.data())));
}

describe('recurrent layers on webgpu', () => {
  it("LSTM, GRU and GRUCell give the CPU's outputs, final states and gradients", async (ctx) => {
    requireWebGpu(ctx);
    const x = randn([3, 2, 2], { generator: new Generator(1) });
    const models = (device: Device) => {
      const opts = { numLayers: 2, bidirectional: true, device };
      const lstm = new LSTM(2, 3, opts);
      const gru = new GRU(2, 3, { ...opts, batchFirst: true });
      const cell = new GRUCell(2, 3, { device });
      return [
        { m: lstm, forward: (x: Tensor) => { const [y, [h, c]] = lstm.forward(x); return [y, h, c]; } },
        { m: gru, forward: (x: Tensor) => gru.forward(x) },
        { m: cell, forward: (x: Tensor) => [cell.forward(squeeze(narrow(x, 0, 0, 1), 0))] },
      ];
    };
    const cpu = models('cpu');
    const gpu = models('webgpu');
    for (const [i, { m, forward }] of cpu.entries()) {
      gpu[i]!.m.loadStateDict(m.stateDict());
      const expected = await run(m, forward, x);
      const actual = await run(gpu[i]!.m, gpu[i]!.forward, x);
      actual.forEach((a, j) => expectClose(a, expected[j]!, { rtol: 1e-4, atol: 1e-5, label: `${m.constructor.name} output/gradient ${j}` }));
    }
  });
});
