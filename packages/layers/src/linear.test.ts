import { backward, noGrad } from '@nn/autograd';
import { kaimingUniform, uniform } from '@nn/init';
import { Generator, memory, mul, sum, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Dense, Linear, linear } from './index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from './testing/golden.js';

interface LinearCase {
  name: string;
  weight: Encoded;
  bias?: Encoded;
  x: Encoded;
  g: Encoded;
  y: Encoded;
  dx: Encoded;
  dweight: Encoded;
  dbias?: Encoded;
}
const golden = readGolden<{ linear: LinearCase[] }>('layers.json');

describe('Linear against PyTorch', () => {
  for (const c of golden.linear) {
    it(c.name, () => {
      const lin = new Linear(4, 3, { bias: c.bias !== undefined });
      lin.loadStateDict(c.bias ? { weight: decode(c.weight), bias: decode(c.bias) } : { weight: decode(c.weight) });
      const x = decode(c.x, { requiresGrad: true });
      const y = lin.forward(x);
      expectGolden(y, c.y, 'y', FLOAT32);
      backward(sum(mul(y, decode(c.g))));
      expectGolden(x.grad!, c.dx, 'dx', FLOAT32);
      expectGolden(lin.weight.grad!, c.dweight, 'dweight', FLOAT32);
      if (c.dbias) expectGolden(lin.bias!.grad!, c.dbias, 'dbias', FLOAT32);
    });
  }
});

describe('Linear', () => {
  it('has weight [out, in] and bias [out] initialised as PyTorch: U(-1/√in, 1/√in), weight drawn first', () => {
    const lin = new Linear(64, 32, { generator: new Generator(7) });
    expect(lin.weight.shape).toEqual([32, 64]);
    expect(lin.bias!.shape).toEqual([32]);
    const bound = 1 / 8;
    const w = lin.weight.dataSync() as Float32Array;
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    // Uniform on [-b, b]: variance b²/3.
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const variance = w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(bound ** 2 / 3, 3);
    // Exactly kaiming_uniform_(a=√5) then uniform_(-bound, bound) from the same stream, as nn.Linear.reset_parameters.
    const g = new Generator(7);
    expect(w).toEqual(kaimingUniform([32, 64], { a: Math.sqrt(5), generator: g }).dataSync());
    expect(lin.bias!.dataSync()).toEqual(uniform([32], -bound, bound, { generator: g }).dataSync());
    expect(lin.weight.requiresGrad).toBe(true);
    expect(lin.bias!.requiresGrad).toBe(true);
  });

  it('is reproducible from a seed and differs between seeds', () => {
    const a = new Linear(3, 2, { generator: new Generator(1) }).weight.dataSync();
    const b = new Linear(3, 2, { generator: new Generator(1) }).weight.dataSync();
    const c = new Linear(3, 2, { generator: new Generator(2) }).weight.dataSync();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('without bias has only a weight', () => {
    const lin = new Linear(3, 2, { bias: false });
    expect(lin.bias).toBeNull();
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(Object.keys(lin.stateDict())).toEqual(['weight']);
    expect(String(lin)).toBe('Linear(inFeatures=3, outFeatures=2, bias=false)');
  });

  it('computes x·Wᵀ + b for inputs of rank 1, 2 and 3', () => {
    const lin = new Linear(2, 3);
    lin.loadStateDict({ weight: tensor([[1, 2], [3, 4], [5, 6]]), bias: tensor([0.5, -1, 2]) });
    expect(lin.forward(tensor([1, -1])).arraySync()).toEqual([-0.5, -2, 1]);
    expect(lin.forward(tensor([[1, -1], [0, 2]])).arraySync()).toEqual([[-0.5, -2, 1], [4.5, 7, 14]]);
    const y3 = lin.forward(tensor([[[1, -1]], [[0, 2]]]));
    expect(y3.shape).toEqual([2, 1, 3]);
    expect(y3.arraySync()).toEqual([[[-0.5, -2, 1]], [[4.5, 7, 14]]]);
  });

  it('frees its temporaries: only the output remains', () => {
    const lin = new Linear(4, 2);
    const x = tensor([[[1, 2, 3, 4]]]);
    const before = memory().numTensors;
    const y = noGrad(() => lin.forward(x));
    expect(memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([1, 1, 2]);
  });

  it('Dense is an alias', () => {
    expect(Dense).toBe(Linear);
    expect(new Dense(2, 1)).toBeInstanceOf(Linear);
  });

  it('validates its arguments', () => {
    expect(() => new Linear(-1, 2)).toThrow('Linear: inFeatures must be an integer >= 0, got -1');
    expect(() => new Linear(2, 1.5)).toThrow('Linear: outFeatures must be an integer >= 0, got 1.5');
    expect(() => new Linear(2, 2, { biass: false } as never)).toThrow("Linear: unknown option 'biass' (options: bias, device, generator)");
    expect(() => new Linear(2, 2, { bias: 1 } as never)).toThrow('Linear: bias must be a boolean, got 1');
    const lin = new Linear(4, 2);
    expect(() => lin.forward(tensor([[1, 2, 3]]))).toThrow('Linear: expected input with last dim 4 (inFeatures), got shape [1,3]');
    expect(() => lin.forward(tensor([[1, 2, 3, 4]], { dtype: 'int32' }))).toThrow('Linear: input must have dtype float32, got int32');
    expect(() => lin.forward([1, 2] as never)).toThrow('Linear: input must be a Tensor, got an array');
    expect(() => linear(tensor([1, 2]), tensor([1, 2]))).toThrow('linear: weight must be 2-D [out, in], got shape [2]');
    expect(() => linear(tensor([1, 2]), tensor([[1, 2]]), tensor([1, 2]))).toThrow(
      'linear: bias must have shape [1] for weight of shape [1,2], got [2]',
    );
  });
});
