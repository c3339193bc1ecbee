import { backward } from '@nn/autograd';
import { mul, ones, sum, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { LayerNorm, layerNorm } from './index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from './testing/golden.js';

interface LnCase {
  name: string;
  normalizedShape: number[];
  elementwiseAffine: boolean;
  bias: boolean;
  x: Encoded;
  g: Encoded;
  y: Encoded;
  dx: Encoded;
  weightValue?: Encoded;
  biasValue?: Encoded;
  dweight?: Encoded;
  dbias?: Encoded;
}
const golden = readGolden<{ layernorm: LnCase[] }>('layers.json');

describe('LayerNorm against PyTorch', () => {
  for (const c of golden.layernorm) {
    it(c.name, () => {
      const ln = new LayerNorm(c.normalizedShape, { elementwiseAffine: c.elementwiseAffine, bias: c.bias });
      if (c.weightValue) ln.weight!.assign(decode(c.weightValue));
      if (c.biasValue) ln.bias!.assign(decode(c.biasValue));
      const x = decode(c.x, { requiresGrad: true });
      const y = ln.call(x);
      expectGolden(y, c.y, 'y', FLOAT32);
      backward(sum(mul(y, decode(c.g))));
      expectGolden(x.grad!, c.dx, 'dx', FLOAT32);
      if (c.dweight) expectGolden(ln.weight!.grad!, c.dweight, 'dweight', FLOAT32);
      if (c.dbias) expectGolden(ln.bias!.grad!, c.dbias, 'dbias', FLOAT32);
      else expect(ln.bias).toBeNull();
    });
  }
});

describe('LayerNorm', () => {
  it('has weight (ones) and bias (zeros) shaped normalizedShape, with PyTorch keys', () => {
    const ln = new LayerNorm([2, 3]);
    expect(ln.normalizedShape).toEqual([2, 3]);
    expect(ln.weight!.arraySync()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(ln.bias!.arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(Object.keys(new LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(String(ln)).toBe('LayerNorm([2,3], eps=0.00001, elementwiseAffine=true)');
  });

  it('normalises each row over the trailing dims', () => {
    const y = new LayerNorm(2, { eps: 0 }).forward(tensor([[1, 3], [-2, 6]]));
    expect(y.arraySync()).toEqual([[-1, 1], [-1, 1]]);
  });

  it('has a functional form', () => {
    const x = tensor([[1, 2, 4], [0, 0, 3]]);
    const w = tensor([1, 2, 3]);
    const b = tensor([0, 1, 0]);
    const ln = new LayerNorm(3);
    ln.weight!.assign(w);
    ln.bias!.assign(b);
    expect(layerNorm(x, [3], { weight: w, bias: b }).dataSync()).toEqual(ln.forward(x).dataSync());
    expect(() => layerNorm(x, [3], { weight: tensor([1, 2]) })).toThrow('layerNorm: weight must have shape [3] (normalizedShape), got [2]');
  });

  it('validates its arguments and inputs', () => {
    expect(() => new LayerNorm([])).toThrow('LayerNorm: normalizedShape must be a non-negative integer or a non-empty array of them, got []');
    expect(() => new LayerNorm(-2)).toThrow('LayerNorm: normalizedShape must be');
    expect(() => new LayerNorm(3, { eps: Number.NaN })).toThrow('LayerNorm: eps must be a finite number >= 0, got NaN');
    const ln = new LayerNorm([3, 4]);
    expect(() => ln.forward(ones([2, 4, 3]))).toThrow('LayerNorm: expected input with trailing dims [3,4] (normalizedShape), got shape [2,4,3]');
    expect(() => ln.forward(ones([4]))).toThrow('got shape [4]');
  });
});
