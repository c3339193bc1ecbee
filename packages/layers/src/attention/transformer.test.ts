import { backward } from '@nn/autograd';
import { Adam } from '@nn/optim';
import { Generator, mul, randn, relu, sum, tidy, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  LayerNorm, Linear, loadSafetensors, mseLoss, TransformerEncoder, TransformerEncoderLayer, type TransformerEncoderLayerOptions,
} from '../index.js';
import { decode, expectGolden, FLOAT32, readGolden, readGoldenBytes, type Encoded } from '../testing/golden.js';
import { expectFlatTraining } from '../testing/training.js';

interface LayerCase {
  name: string;
  dModel: number;
  nhead: number;
  options: TransformerEncoderLayerOptions;
  training: boolean;
  keys: string[];
  state: Record<string, Encoded>;
  src: Encoded;
  srcMask?: Encoded;
  srcKeyPaddingMask?: Encoded;
  g: Encoded;
  y: Encoded;
  dsrc: Encoded;
  paramGrads: Record<string, Encoded>;
}
interface EncoderCase {
  dModel: number;
  nhead: number;
  numLayers: number;
  options: TransformerEncoderLayerOptions;
  keys: string[];
  src: Encoded;
  mask: Encoded;
  srcKeyPaddingMask: Encoded;
  g: Encoded;
  y: Encoded;
  dsrc: Encoded;
  paramGrads: Record<string, Encoded>;
}
const golden = readGolden<{ encoderLayer: LayerCase[]; encoder: EncoderCase }>('attention.json');
/**
 * Gradients through whole blocks sum float32 terms of magnitude up to ~10: an element that nearly cancels carries
 * an absolute rounding error of ~1e-6 (PyTorch's float32 values differ from float64 ones by as much).
 */
const GRADS = { rtol: 1e-5, atol: 1e-5 };
const decodeState = (s: Record<string, Encoded>) => Object.fromEntries(Object.entries(s).map(([k, e]) => [k, decode(e)]));
const keysOf = (m: TransformerEncoder | TransformerEncoderLayer) => tidy(() => Object.keys(m.stateDict()));

describe('TransformerEncoderLayer against PyTorch', () => {
  for (const c of golden.encoderLayer) {
    it(c.name, () => {
      const layer = new TransformerEncoderLayer(c.dModel, c.nhead, c.options).train(c.training);
      expect(keysOf(layer)).toEqual(c.keys);
      layer.loadStateDict(decodeState(c.state));
      const src = decode(c.src, { requiresGrad: true });
      const y = layer.forward(src, { srcMask: c.srcMask && decode(c.srcMask), srcKeyPaddingMask: c.srcKeyPaddingMask && decode(c.srcKeyPaddingMask) });
      expectGolden(y, c.y, 'output', FLOAT32);
      backward(sum(mul(y, decode(c.g))));
      expectGolden(src.grad!, c.dsrc, 'grad of src', GRADS);
      for (const [name, p] of layer.namedParameters()) expectGolden(p.grad!, c.paramGrads[name]!, `grad of ${name}`, GRADS);
    });
  }
});

describe('TransformerEncoder against PyTorch', () => {
  const c = golden.encoder;
  const build = () =>
    new TransformerEncoder(new TransformerEncoderLayer(c.dModel, c.nhead, c.options), c.numLayers, { norm: new LayerNorm(c.dModel) });

  it("has PyTorch's keys in PyTorch's order", () => {
    expect(keysOf(build())).toEqual(c.keys);
  });

  it('loads a PyTorch state dict from safetensors and computes what PyTorch computed (eval, causal mask, padding)', () => {
    const model = build().eval();
    model.loadStateDict(loadSafetensors(readGoldenBytes('attention.safetensors')));
    const src = decode(c.src, { requiresGrad: true });
    const y = model.forward(src, { mask: decode(c.mask), srcKeyPaddingMask: decode(c.srcKeyPaddingMask) });
    expectGolden(y, c.y, 'output', FLOAT32);
    backward(sum(mul(y, decode(c.g))));
    expectGolden(src.grad!, c.dsrc, 'grad of src', GRADS);
    for (const [name, p] of model.namedParameters()) expectGolden(p.grad!, c.paramGrads[name]!, `grad of ${name}`, GRADS);
  });
});

describe('TransformerEncoderLayer', () => {
  it("has PyTorch's children and defaults", () => {
    const layer = new TransformerEncoderLayer(8, 2);
    expect(layer.namedChildren().map(([n]) => n)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
    expect([layer.linear1.outFeatures, layer.dropout.p, layer.norm1.eps, layer.batchFirst, layer.normFirst]).toEqual([2048, 0.1, 1e-5, false, false]);
    expect(layer.selfAttn.dropout).toBe(0.1);
  });

  it('drops in training mode only', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, generator: new Generator(1) });
    const x = randn([3, 2, 8], { generator: new Generator(2) });
    const a = layer.forward(x).dataSync();
    expect(layer.forward(x).dataSync()).not.toEqual(a);
    layer.eval();
    const e = layer.forward(x).dataSync();
    expect(layer.forward(x).dataSync()).toEqual(e);
    expect(e).not.toEqual(a);
  });

  it('takes an activation function', () => {
    const x = randn([3, 2, 8], { generator: new Generator(2) });
    const a = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, generator: new Generator(1) });
    const b = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, generator: new Generator(1), activation: (t) => relu(t) });
    expect(b.forward(x).dataSync()).toEqual(a.forward(x).dataSync());
  });

  it('clone() copies options, parameters (not shared) and training mode', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', normFirst: true, batchFirst: true }).eval();
    const copy = layer.clone();
    expect(copy).not.toBe(layer);
    expect([copy.training, copy.dimFeedforward, copy.activation, copy.normFirst, copy.batchFirst]).toEqual([false, 16, 'gelu', true, true]);
    const x = randn([2, 3, 8]);
    expect(copy.forward(x).dataSync()).toEqual(layer.forward(x).dataSync());
    for (const [[, p], [, q]] of layer.namedParameters().map((e, i) => [e, copy.namedParameters()[i]!] as const)) expect(q).not.toBe(p);
  });

  it('rejects bad arguments naming the layer, the argument and the shapes', () => {
    expect(() => new TransformerEncoderLayer(8, 3)).toThrow('MultiheadAttention: embedDim (8) must be divisible by numHeads (3)');
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(
      "TransformerEncoderLayer: activation must be 'relu', 'gelu' or a function, got 'tanh'",
    );
    expect(() => new TransformerEncoderLayer(8, 2, { norm_first: true } as never)).toThrow("TransformerEncoderLayer: unknown option 'norm_first'");
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => layer.forward(randn([4, 2, 6]))).toThrow(
      'TransformerEncoderLayer: src must be [L, N, E] or unbatched [L, E] with E = 8 (dModel), got shape [4,2,6]',
    );
    expect(() => layer.forward(randn([4, 2, 8]), { srcMask: zeros([4, 5]) })).toThrow(
      'TransformerEncoderLayer: srcMask must have shape [4,4] or [4,4,4], got [4,5]',
    );
    expect(() => layer.forward(randn([4, 2, 8]), { srcKeyPaddingMask: zeros([4, 2], { dtype: 'bool' }) })).toThrow(
      'TransformerEncoderLayer: srcKeyPaddingMask must have shape [2,4], got [4,2]',
    );
  });
});

describe('TransformerEncoder', () => {
  it('starts every layer from the given layer\'s weights, in separate tensors', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new TransformerEncoder(layer, 3);
    expect(enc.layers.length).toBe(3);
    expect(enc.norm).toBeNull();
    const w = layer.linear1.weight.dataSync();
    for (const l of enc.layers) {
      expect(l).not.toBe(layer);
      expect(l.linear1.weight).not.toBe(layer.linear1.weight);
      expect(l.linear1.weight.dataSync()).toEqual(w);
    }
    expect(keysOf(enc).filter((k) => k.endsWith('linear1.weight'))).toEqual(['layers.0.linear1.weight', 'layers.1.linear1.weight', 'layers.2.linear1.weight']);
  });

  it('rejects bad arguments', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => new TransformerEncoder(new Linear(2, 2) as never, 2)).toThrow('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer, got Linear');
    expect(() => new TransformerEncoder(layer, 0)).toThrow('TransformerEncoder: numLayers must be an integer >= 1, got 0');
    expect(() => new TransformerEncoder(layer, 2).forward(randn([3, 2, 8]), { mask: zeros([3, 2]) })).toThrow(
      'TransformerEncoder: mask must have shape [3,3] or [4,3,3], got [3,2]',
    );
  });

  it('trains a causal model inside tidy with memory().numTensors flat', () => {
    const g = new Generator(0);
    const model = new TransformerEncoder(
      new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1, batchFirst: true, generator: g }), 2, { norm: new LayerNorm(8) },
    );
    const head = new Linear(8, 8, { generator: g });
    const x = randn([4, 5, 8], { generator: g });
    const target = randn([4, 5, 8], { generator: g });
    const opt = new Adam([...model.parameters(), ...head.parameters()], { lr: 0.01 });
    expectFlatTraining(opt, () => mseLoss(head.call(model.call(x, { isCausal: true })), target), 20, 1);
  });
});
