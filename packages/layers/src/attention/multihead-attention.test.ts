import { backward } from '@nn/autograd';
import { Generator, mul, randn, sum, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { MultiheadAttention, type MultiheadAttentionOptions } from '../index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from '../testing/golden.js';

interface MhaCase {
  name: string;
  embedDim: number;
  numHeads: number;
  options: MultiheadAttentionOptions;
  keys: string[];
  state: Record<string, Encoded>;
  query: Encoded;
  key?: Encoded;
  value?: Encoded;
  selfAttention: boolean;
  attnMask?: Encoded;
  keyPaddingMask?: Encoded;
  needWeights: boolean;
  averageAttnWeights: boolean;
  g: Encoded;
  y: Encoded;
  weights?: Encoded;
  grads: Record<string, Encoded>;
  paramGrads: Record<string, Encoded>;
}
const golden = readGolden<{ mha: MhaCase[] }>('attention.json');
const decodeState = (s: Record<string, Encoded>) => Object.fromEntries(Object.entries(s).map(([k, e]) => [k, decode(e)]));

describe('MultiheadAttention against PyTorch', () => {
  for (const c of golden.mha) {
    it(c.name, () => {
      const mha = new MultiheadAttention(c.embedDim, c.numHeads, c.options);
      expect(tidy(() => Object.keys(mha.stateDict()))).toEqual(c.keys);
      mha.loadStateDict(decodeState(c.state));
      const query = decode(c.query, { requiresGrad: true });
      const [key, value] = c.selfAttention ? [query, query] : [decode(c.key!, { requiresGrad: true }), decode(c.value!, { requiresGrad: true })];
      const [y, w] = mha.forward(query, key, value, {
        attnMask: c.attnMask && decode(c.attnMask), keyPaddingMask: c.keyPaddingMask && decode(c.keyPaddingMask),
        needWeights: c.needWeights, averageAttnWeights: c.averageAttnWeights,
      });
      expectGolden(y, c.y, 'output', FLOAT32);
      if (c.weights) expectGolden(w!, c.weights, 'weights', FLOAT32);
      else expect(w).toBeNull();
      backward(sum(mul(y, decode(c.g))));
      const inputs: Record<string, Tensor> = { query, key, value };
      for (const [name, e] of Object.entries(c.grads)) expectGolden(inputs[name]!.grad!, e, `grad of ${name}`, FLOAT32);
      for (const [name, p] of mha.namedParameters()) expectGolden(p.grad!, c.paramGrads[name]!, `grad of ${name}`, FLOAT32);
    });
  }
});

describe('MultiheadAttention', () => {
  const g = new Generator(4);
  const [L, S, N, E] = [3, 4, 2, 8];
  const q = randn([L, N, E], { generator: g });
  const kv = randn([S, N, E], { generator: g });

  it("is initialised as PyTorch's _reset_parameters: xavier_uniform_ projections, zero biases, out_proj as Linear", () => {
    const mha = new MultiheadAttention(16, 4, { generator: new Generator(1) });
    const w = mha.inProjWeight!.dataSync();
    const bound = Math.sqrt(6 / (16 + 48));
    expect(mha.inProjWeight!.shape).toEqual([48, 16]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.9);
    expect(Array.from(mha.inProjBias!.dataSync())).toEqual(new Array(48).fill(0));
    expect(Array.from(mha.outProj.bias!.dataSync())).toEqual(new Array(16).fill(0));
    expect(Math.max(...mha.outProj.weight.dataSync().map(Math.abs))).toBeLessThanOrEqual(1 / 4);
    expect(new MultiheadAttention(16, 4, { generator: new Generator(1) }).inProjWeight!.dataSync()).toEqual(w);
  });

  it("has PyTorch's parameters: separate projections when kdim or vdim differ, none of the biases without bias", () => {
    const sep = new MultiheadAttention(8, 2, { kdim: 5, vdim: 6 });
    expect(sep.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['q_proj_weight', [8, 8]], ['k_proj_weight', [8, 5]], ['v_proj_weight', [8, 6]], ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(sep.inProjWeight).toBeNull();
    expect(new MultiheadAttention(8, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['in_proj_weight', 'out_proj.weight']);
    expect(String(sep)).toBe(
      'MultiheadAttention(\n  embedDim=8, numHeads=2, dropout=0, bias=true, batchFirst=false, kdim=5, vdim=6\n' +
        '  (out_proj): Linear(inFeatures=8, outFeatures=8, bias=true)\n)',
    );
  });

  it('drops attention weights in training mode only', () => {
    const mha = new MultiheadAttention(E, 2, { dropout: 0.5, generator: new Generator(2) });
    const [yTrain, wTrain] = mha.forward(q, kv, kv);
    mha.eval();
    const [yEval, wEval] = mha.forward(q, kv, kv);
    expect(yTrain.dataSync()).not.toEqual(yEval.dataSync());
    // Evaluation: each query's weights sum to 1; training: some are dropped, the rest scaled by 2.
    for (const total of sum(wEval!, -1).dataSync()) expect(total).toBeCloseTo(1, 6);
    expect(wTrain!.dataSync().some((x) => x === 0)).toBe(true);
    expect(mha.forward(q, kv, kv)[0].dataSync()).toEqual(yEval.dataSync());
  });

  it('isCausal alone builds the causal mask; with attnMask it is a hint and the mask is used', () => {
    const mha = new MultiheadAttention(E, 2);
    const x = randn([4, N, E], { generator: g });
    const blocked = tensor([[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]);
    const masked = mha.forward(x, x, x, { attnMask: blocked })[0].dataSync();
    expect(mha.forward(x, x, x, { isCausal: true })[0].dataSync()).toEqual(masked);
    expect(mha.forward(x, x, x, { isCausal: true, attnMask: blocked })[0].dataSync()).toEqual(masked);
  });

  it('a bool mask blocks where true; the same float mask of 0 / -inf is equivalent', () => {
    const mha = new MultiheadAttention(E, 2);
    const blocked = tensor([[false, true, false, true], [true, false, false, false], [false, false, true, false]]);
    const bias = tensor([[0, -Infinity, 0, -Infinity], [-Infinity, 0, 0, 0], [0, 0, -Infinity, 0]]);
    const [a, wa] = mha.forward(q, kv, kv, { attnMask: blocked });
    const [b] = mha.forward(q, kv, kv, { attnMask: bias });
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(Array.from(wa!.dataSync().slice(0, 4))).toEqual([expect.any(Number), 0, expect.any(Number), 0]);
  });

  it('rejects bad arguments with messages naming the layer, the argument and the shapes', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow('MultiheadAttention: embedDim (10) must be divisible by numHeads (3)');
    expect(() => new MultiheadAttention(8, 2, { dropuot: 0.1 } as never)).toThrow("MultiheadAttention: unknown option 'dropuot'");
    const mha = new MultiheadAttention(8, 4);
    const x = randn([4, 2, 8]);
    const k6 = randn([6, 2, 8]);
    expect(() => mha.forward(x, k6, k6, { attnMask: zeros([4, 5], { dtype: 'bool' }) })).toThrow(
      'MultiheadAttention: attnMask must have shape [4,6] or [8,4,6], got [4,5]',
    );
    expect(() => mha.forward(x, k6, k6, { keyPaddingMask: zeros([6, 2], { dtype: 'bool' }) })).toThrow(
      'MultiheadAttention: keyPaddingMask must have shape [2,6], got [6,2]',
    );
    expect(() => mha.forward(x, k6, k6, { attnMask: zeros([4, 6], { dtype: 'int32' }) })).toThrow(
      'MultiheadAttention: attnMask must have dtype bool or float32, got int32',
    );
    expect(() => mha.forward(randn([4, 2, 7]), k6, k6)).toThrow('MultiheadAttention: query must have last dim 8 (embedDim), got shape [4,2,7]');
    expect(() => mha.forward(randn([8]), k6, k6)).toThrow('MultiheadAttention: query must be 3-D [L, N, E] or 2-D (unbatched [L, E]), got shape [8]');
    expect(() => mha.forward(x, randn([6, 8]), k6)).toThrow('MultiheadAttention: key must be 3-D like query, got shapes [4,2,8] and [6,8]');
    expect(() => mha.forward(x, k6, randn([5, 2, 8]))).toThrow(
      'MultiheadAttention: key and value must have the same batch and sequence sizes, got shapes [6,2,8] and [5,2,8]',
    );
    expect(() => mha.forward(x, randn([6, 3, 8]), randn([6, 3, 8]))).toThrow(
      'MultiheadAttention: query and key must have the same batch size, got shapes [4,2,8] and [6,3,8]',
    );
    expect(() => mha.forward(x, k6, k6, { needWeights: 1 } as never)).toThrow('MultiheadAttention: needWeights must be a boolean, got 1');
  });
});
