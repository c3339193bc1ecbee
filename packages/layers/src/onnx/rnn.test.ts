import { GRU, LSTM } from '../index.js';
import { manualSeed, randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectSameAsOnnx, graphOf } from './onnx-runtime.test-util.js';

describe('exportOnnx: recurrent layers (unrolled over the traced sequence length)', () => {
  it('a 2-layer bidirectional LSTM with initial state: output, hN and cN', async () => {
    manualSeed(30);
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const x = randn([4, 2, 3]);
    const { bytes } = await expectSameAsOnnx(lstm, [x, [randn([4, 2, 5]), randn([4, 2, 5])]]);
    const g = graphOf(bytes);
    expect(g.outputs).toEqual(['output_0', 'output_1', 'output_2']);
    expect(g.initializers).toEqual(expect.arrayContaining(['weight_ih_l0', 'weight_hh_l0_reverse', 'bias_hh_l1']));
    expect(g.ops).toContain('Sigmoid');
  });

  it('a batch-first GRU', async () => {
    manualSeed(31);
    const gru = new GRU(4, 6, { batchFirst: true });
    const { bytes } = await expectSameAsOnnx(gru, [randn([3, 5, 4])]);
    expect(graphOf(bytes).initializers).toEqual(expect.arrayContaining(['weight_ih_l0', 'bias_ih_l0']));
  });
});
