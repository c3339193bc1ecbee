import {
  AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, Flatten, GroupNorm, Linear,
  MaxPool1d, MaxPool2d, Module, ReLU, Sequential, conv2d, convTranspose2d, maxPool2d,
} from '../index.js';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectSameAsOnnx, graphOf } from './onnx-runtime.test-util.js';

/** Gives BatchNorm running statistics other than the initial 0 and 1, so eval mode has something to use. */
function warmBatchNorm(model: Module, x: Tensor): void {
  model.train();
  model.forward(x);
}

describe('exportOnnx: convolution, pooling, normalisation', () => {
  it('a small CNN: Conv + BatchNorm + pooling as single ONNX ops, on any batch size', async () => {
    manualSeed(10);
    const model = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
      new Conv2d(8, 8, 3, { stride: 2, padding: 'valid', groups: 2 }), new ReLU(), new AvgPool2d(2, { stride: 1, padding: 1 }),
      new Conv2d(8, 4, [3, 1], { padding: 'same', dilation: 2 }), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 10),
    );
    warmBatchNorm(model, randn([4, 3, 16, 16]));
    const { bytes } = await expectSameAsOnnx(model, [randn([2, 3, 16, 16])], { dynamicBatch: true, runInputs: [randn([5, 3, 16, 16])] });
    const g = graphOf(bytes);
    expect(g.ops.filter((o) => o === 'Conv').length).toBeGreaterThanOrEqual(3);
    expect(g.ops).toContain('BatchNormalization');
    expect(g.ops).toEqual(expect.arrayContaining(['MaxPool', 'AveragePool', 'GlobalAveragePool']));
    expect(g.ops).not.toContain('GatherElements'); // pooling layers are single ops, not their kernels
    expect(g.initializers).toEqual(expect.arrayContaining(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '10.weight']));
  });

  it('ConvTranspose2d, Conv1d, BatchNorm1d, 1-d pooling, GroupNorm', async () => {
    manualSeed(11);
    const up = new Sequential(new ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }), new GroupNorm(1, 3), new ReLU());
    const { bytes } = await expectSameAsOnnx(up, [randn([2, 4, 5, 5])]);
    expect(graphOf(bytes).ops).toContain('ConvTranspose');

    const seq = new Sequential(new Conv1d(2, 6, 3, { padding: 2, dilation: 2 }), new BatchNorm1d(6), new MaxPool1d(2), new ReLU(), new AvgPool1d(3, { stride: 2 }));
    warmBatchNorm(seq, randn([3, 2, 12]));
    const r = await expectSameAsOnnx(seq, [randn([2, 2, 12])]);
    expect(graphOf(r.bytes).ops).toEqual(expect.arrayContaining(['Conv', 'BatchNormalization', 'MaxPool', 'AveragePool']));
  });

  it('the functional forms export through their kernels (windows as a grouped Conv, Col2Im as ConvTranspose)', async () => {
    manualSeed(12);
    class Functional extends Module {
      w = this.registerParameter('w', randn([4, 3, 3, 3]));
      wt = this.registerParameter('wt', randn([4, 2, 2, 2]));
      forward(x: Tensor): Tensor {
        const y = conv2d(x, this.w, null, { stride: 2, padding: 1 });
        const pooled = maxPool2d(y, 3, { stride: 1, padding: 1, ceilMode: true });
        return convTranspose2d(pooled, this.wt, null, { stride: 2, padding: 1 });
      }
    }
    const { bytes } = await expectSameAsOnnx(new Functional(), [randn([2, 3, 9, 9])]);
    const g = graphOf(bytes);
    expect(g.ops).toEqual(expect.arrayContaining(['Conv', 'MaxPool', 'ConvTranspose', 'GatherElements']));
    expect(g.initializers).toEqual(expect.arrayContaining(['w', 'wt']));
  });
});
