import { backward } from '@nn/autograd';
import { Generator, matmul, mul, ones, randn, softmax, sum, tensor, transpose, zeros } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { dropout, scaledDotProductAttention } from '../index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from '../testing/golden.js';

interface SdpaCase {
  name: string;
  q: Encoded;
  k: Encoded;
  v: Encoded;
  attnMask?: Encoded;
  isCausal?: boolean;
  scale?: number;
  g: Encoded;
  y: Encoded;
  grads: Record<'q' | 'k' | 'v', Encoded>;
}
const golden = readGolden<{ sdpa: SdpaCase[] }>('attention.json');

describe('scaledDotProductAttention against PyTorch 2 reference math', () => {
  for (const c of golden.sdpa) {
    it(c.name, () => {
      const q = decode(c.q, { requiresGrad: true });
      const k = decode(c.k, { requiresGrad: true });
      const v = decode(c.v, { requiresGrad: true });
      const y = scaledDotProductAttention(q, k, v, { attnMask: c.attnMask && decode(c.attnMask), isCausal: c.isCausal, scale: c.scale });
      expectGolden(y, c.y, 'y', FLOAT32);
      backward(sum(mul(y, decode(c.g))));
      expectGolden(q.grad!, c.grads.q, 'dq', FLOAT32);
      expectGolden(k.grad!, c.grads.k, 'dk', FLOAT32);
      expectGolden(v.grad!, c.grads.v, 'dv', FLOAT32);
    });
  }
});

describe('scaledDotProductAttention', () => {
  const g = new Generator(3);
  const q = randn([2, 3, 4], { generator: g });
  const k = randn([2, 5, 4], { generator: g });
  const v = randn([2, 5, 6], { generator: g });

  it('isCausal is the lower-triangular bool mask (true = allowed)', () => {
    const mask = tensor([[true, false, false, false, false], [true, true, false, false, false], [true, true, true, false, false]]);
    expect(scaledDotProductAttention(q, k, v, { isCausal: true }).dataSync()).toEqual(scaledDotProductAttention(q, k, v, { attnMask: mask }).dataSync());
  });

  it('a float mask is added to the scores; an all-true bool mask or a zero float mask changes nothing', () => {
    const plain = scaledDotProductAttention(q, k, v).dataSync();
    expect(scaledDotProductAttention(q, k, v, { attnMask: ones([3, 5], { dtype: 'bool' }) }).dataSync()).toEqual(plain);
    expect(scaledDotProductAttention(q, k, v, { attnMask: zeros([3, 5]) }).dataSync()).toEqual(plain);
  });

  it('drops attention weights with probability dropoutP, whatever the mode, from the given generator', () => {
    const y = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(9) });
    const w = softmax(mul(matmul(q, transpose(k, 1, 2)), 0.5), -1);
    const expected = matmul(dropout(w, 0.5, { generator: new Generator(9) }), v);
    expectClose(y.dataSync(), expected.dataSync(), { ...FLOAT32, label: 'dropped' });
    expect(y.dataSync()).not.toEqual(scaledDotProductAttention(q, k, v).dataSync());
  });

  it('gives NaN for a query that may attend to no key, as PyTorch', () => {
    const mask = tensor([[false, false, false, false, false], [true, true, true, true, true], [true, false, false, false, false]]);
    const y = scaledDotProductAttention(q, k, v, { attnMask: mask }).dataSync();
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Number.isNaN(y[6])).toBe(false);
  });

  it('rejects bad shapes, dtypes and options with messages naming the argument', () => {
    const sdpa = scaledDotProductAttention;
    expect(() => sdpa(randn([2, 4, 8]), randn([2, 6, 7]), randn([2, 6, 7]))).toThrow(
      'scaledDotProductAttention: q and k must have the same last dim E, got [2,4,8] and [2,6,7]',
    );
    expect(() => sdpa(q, k, randn([2, 4, 6]))).toThrow('scaledDotProductAttention: k and v must have the same sequence length S (dim -2), got [2,5,4] and [2,4,6]');
    expect(() => sdpa(randn([4]), k, v)).toThrow('scaledDotProductAttention: q must have at least 2 dims [..., L, E], got shape [4]');
    expect(() => sdpa(q, randn([3, 5, 4]), randn([3, 5, 6]))).toThrow('scaledDotProductAttention: shapes [2] and [3] and [3] cannot be broadcast together');
    expect(() => sdpa(tensor([[1]], { dtype: 'int32' }), k, v)).toThrow('scaledDotProductAttention: q must have dtype float32, got int32');
    expect(() => sdpa(q, k, v, { attnMask: zeros([3, 5], { dtype: 'int32' }) })).toThrow(
      'scaledDotProductAttention: attnMask must have dtype bool or float32, got int32',
    );
    expect(() => sdpa(q, k, v, { attnMask: zeros([3, 4]) })).toThrow(
      "scaledDotProductAttention: attnMask of shape [3,4] does not broadcast to the scores' shape [2,3,5]",
    );
    expect(() => sdpa(q, k, v, { attnMask: zeros([1, 2, 3, 5]) })).toThrow("attnMask of shape [1,2,3,5] does not broadcast to the scores' shape [2,3,5]");
    expect(() => sdpa(q, k, v, { attnMask: zeros([3, 5]), isCausal: true })).toThrow(
      'scaledDotProductAttention: attnMask and isCausal cannot both be given (isCausal is the mask)',
    );
    expect(() => sdpa(q, k, v, { dropoutP: 1.5 })).toThrow('scaledDotProductAttention: dropoutP must be a finite number in [0, 1], got 1.5');
    expect(() => sdpa(q, k, v, { causal: true } as never)).toThrow("scaledDotProductAttention: unknown option 'causal'");
  });
});
