import { Embedding, Linear, Module, MultiheadAttention, TransformerEncoder, TransformerEncoderLayer } from '../index.js';
import { manualSeed, randint, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectSameAsOnnx, graphOf } from './onnx-runtime.test-util.js';

describe('exportOnnx: embeddings and attention', () => {
  it('MultiheadAttention with a causal mask and averaged weights: both outputs', async () => {
    manualSeed(20);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const x = randn([2, 5, 8]);
    const causal = tensor(Array.from({ length: 25 }, (_, i) => Math.floor(i / 5) < i % 5), { shape: [5, 5], dtype: 'bool' });
    const { bytes } = await expectSameAsOnnx(mha, [x, x, x, { attnMask: causal }]);
    const g = graphOf(bytes);
    expect(g.inputs).toEqual(['input_0', 'input_1', 'input_2']);
    expect(g.outputs).toEqual(['output_0', 'output_1']);
    expect(g.initializers).toEqual(expect.arrayContaining(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']));
    expect(g.ops).toContain('MatMul');
  });

  it('a token classifier: Embedding → TransformerEncoder (2 layers, GELU, norm first) → Linear, on int32 tokens', async () => {
    manualSeed(21);
    class Classifier extends Module<[Tensor]> {
      embed = new Embedding(50, 16);
      encoder = new TransformerEncoder(
        new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true, activation: 'gelu', normFirst: true }), 2,
      );
      head = new Linear(16, 3);
      forward(tokens: Tensor): Tensor {
        return this.head.forward(this.encoder.forward(this.embed.forward(tokens)));
      }
    }
    const model = new Classifier();
    const { bytes } = await expectSameAsOnnx(model, [randint(0, 50, [3, 7])]);
    const g = graphOf(bytes);
    expect(g.ops).toEqual(expect.arrayContaining(['Gather', 'LayerNormalization', 'MatMul']));
    expect(g.initializers).toEqual(expect.arrayContaining(['embed.weight', 'encoder.layers.0.self_attn.in_proj_weight', 'encoder.layers.1.linear2.bias']));
  });
});
