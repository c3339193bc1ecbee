import { Dropout, GELU, Module, LayerNorm, Linear, ReLU, Sequential, Sigmoid, Softmax, Tanh, LeakyReLU } from '../index.js';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectSameAsOnnx, graphOf, runOnnx } from './onnx-runtime.test-util.js';

describe('exportOnnx: MLPs', () => {
  it('Linear + activations match @nn, with parameters named by their state-dict keys', async () => {
    manualSeed(1);
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Dropout(0.5), new Linear(8, 6), new Tanh(), new Linear(6, 3), new Softmax(-1));
    const { bytes } = await expectSameAsOnnx(model, [randn([5, 4])]);
    const g = graphOf(bytes);
    expect(g.opset).toBe(17);
    expect(g.inputs).toEqual(['input']);
    expect(g.outputs).toEqual(['output']);
    expect(g.initializers).toEqual(expect.arrayContaining(['0.weight', '0.bias', '3.weight', '3.bias', '5.weight', '5.bias']));
    expect(g.ops.filter((o) => o === 'Gemm')).toHaveLength(3);
    expect(g.ops).toContain('Relu');
    expect(g.ops).toContain('Tanh');
    expect(g.ops.at(-1)).toBe('Softmax');
    expect(model.training).toBe(true); // restored after the eval-mode trace
  });

  it('GELU (erf and tanh), LeakyReLU, Sigmoid and LayerNorm on 3-d input', async () => {
    manualSeed(2);
    const model = new Sequential(
      new Linear(6, 8), new GELU(), new LayerNorm(8), new Linear(8, 8), new GELU({ approximate: 'tanh' }), new LeakyReLU(0.1), new Linear(8, 2), new Sigmoid(),
    );
    const { bytes } = await expectSameAsOnnx(model, [randn([2, 3, 6])]);
    const g = graphOf(bytes);
    expect(g.ops).toContain('LayerNormalization');
    expect(g.ops).toContain('Erf');
    expect(g.initializers).toEqual(expect.arrayContaining(['2.weight', '2.bias']));
  });

  it('LayerNorm below opset 17 exports as its decomposition', async () => {
    manualSeed(3);
    const model = new Sequential(new Linear(5, 7), new LayerNorm(7));
    const { bytes } = await expectSameAsOnnx(model, [randn([4, 5])], { opset: 13 });
    const g = graphOf(bytes);
    expect(g.opset).toBe(13);
    expect(g.ops).not.toContain('LayerNormalization');
    expect(g.ops).toContain('ReduceMean');
  });

  it('a model that returns its input, twice: outputs through Identity', async () => {
    class Twice extends Module<[Tensor], Tensor[]> {
      forward(x: Tensor): Tensor[] {
        return [x, x];
      }
    }
    const { bytes } = await expectSameAsOnnx(new Twice(), [randn([2, 3])]);
    expect(graphOf(bytes).ops).toEqual(['Identity', 'Identity']);
  });

  it('dynamicBatch: the graph runs on another batch size', async () => {
    manualSeed(4);
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    await expectSameAsOnnx(model, [randn([3, 4])], { dynamicBatch: true, runInputs: [randn([7, 4])] });
    // Without it, the shapes are fixed.
    const fixed = await import('./export.js').then((m) => m.exportOnnx(model, [randn([3, 4])]));
    await expect(runOnnx(fixed, [randn([7, 4])])).rejects.toThrow(/dimension|Got invalid/i);
  });
});
