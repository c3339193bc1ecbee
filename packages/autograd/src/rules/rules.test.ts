/**
 * gradcheck for every gradient rule, on seeded random inputs: each kernel alone (with broadcasting, dims,
 * keepdim, transposes), plus the composites built from them. A listener records which kernels were
 * differentiated, and the last test checks that every rule of the table was.
 */
import * as nn from '@nn/tensor';
import { engine, Generator, kernelNames, randn, tensor, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { gradcheck } from '../index.js';
import { NON_DIFFERENTIABLE, RULES } from './index.js';

const g = new Generator(7);
const rn = (...shape: number[]): Tensor => randn(shape, { generator: g });
/** Uniform in [lo, hi). */
const un = (lo: number, hi: number, ...shape: number[]): Tensor => nn.rand(shape, { generator: g }).mul(hi - lo).add(lo);
/** Normal values pushed to |x| ≥ 0.2, away from the kinks of abs/relu/leakyRelu and the pole of 1/x. */
const away = (...shape: number[]): Tensor => {
  const x = rn(...shape);
  return nn.where(x.abs().lt(0.2), x.sign().mul(0.2).add(x), x).add(nn.where(x.eq(0), 0.3, 0));
};

const differentiated = new Set<string>();
const stop = engine.addKernelListener((name, inputs) => {
  if (inputs.some((t) => t.requiresGrad)) differentiated.add(name);
});
afterAll(stop);

const check = (f: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]) => expect(gradcheck(f, inputs)).toBe(true);

describe('gradcheck: unary kernels', () => {
  it('Neg Abs Sign Exp Log Sqrt Rsqrt', () => {
    check((x) => x.neg(), rn(2, 3));
    check((x) => x.abs(), away(2, 3));
    check((x) => x.sign(), away(2, 3));
    check((x) => x.exp(), rn(2, 3));
    check((x) => x.log(), un(0.3, 3, 2, 3));
    check((x) => x.sqrt(), un(0.3, 3, 2, 3));
    check((x) => x.rsqrt(), un(0.3, 3, 2, 3));
  });
  it('Sin Cos Tanh Sigmoid Relu Erf Square Reciprocal', () => {
    check((x) => x.sin(), rn(2, 3));
    check((x) => x.cos(), rn(2, 3));
    check((x) => x.tanh(), rn(2, 3));
    check((x) => x.sigmoid(), rn(2, 3));
    check((x) => x.relu(), away(2, 3));
    check((x) => x.erf(), rn(2, 3));
    check((x) => x.square(), rn(2, 3));
    check((x) => x.reciprocal(), away(2, 3));
  });
  it('LeakyRelu and Gelu (exact and tanh)', () => {
    check((x) => x.leakyRelu(), away(2, 3));
    check((x) => x.leakyRelu(0.3), away(2, 3));
    check((x) => x.gelu(), rn(2, 3).mul(2));
    check((x) => x.gelu({ approximate: 'tanh' }), rn(2, 3).mul(2));
  });
});

describe('gradcheck: binary kernels with broadcasting', () => {
  it('Add Sub Mul Div: [2,1,3] with [4,3]', () => {
    check((a, b) => a.add(b!), rn(2, 1, 3), rn(4, 3));
    check((a, b) => a.sub(b!), rn(2, 1, 3), rn(4, 3));
    check((a, b) => a.mul(b!), rn(2, 1, 3), rn(4, 3));
    check((a, b) => a.div(b!), rn(2, 1, 3), away(4, 3).mul(2));
  });
  it('Pow in base and exponent', () => {
    check((a, b) => a.pow(b!), un(0.5, 2, 2, 1, 3), un(-2, 2, 4, 3));
    check((a) => a.pow(3), rn(2, 3));
    check((b) => nn.pow(1.7, b), rn(2, 3));
  });
  it('Maximum Minimum (broadcast, no ties)', () => {
    check((a, b) => a.maximum(b!), rn(2, 1, 3), rn(4, 3));
    check((a, b) => a.minimum(b!), rn(2, 1, 3), rn(4, 3));
  });
  it('plain-number operands', () => {
    check((x) => nn.sub(2, x).mul(-1.5).div(3).add(0.25), rn(3, 2));
    check((x) => nn.div(1.5, x), away(3));
  });
  it('Where (cond broadcast, both branches)', () => {
    const cond = tensor([[true, false, true]]);
    check((a, b) => nn.where(cond, a, b!), rn(2, 1, 3), rn(4, 1));
  });
  it('Cast float32 → float32 and Clone pass dy through', () => {
    check((x) => engine.runKernel('Cast', [x], { dtype: 'float32' }).mul(x), rn(2, 3));
    check((x) => x.clone().mul(x), rn(2, 3));
  });
});

describe('gradcheck: reductions', () => {
  it('Sum over all, one dim, several dims, keepdim', () => {
    const x = rn(2, 3, 4);
    check((t) => t.sum(), x);
    check((t) => t.sum(1), x);
    check((t) => t.sum([0, 2], true), x);
    check((t) => t.sum(-1, true), x);
  });
  it('Max / Min over dims with keepdim', () => {
    const x = rn(2, 3, 4);
    check((t) => t.max(), x);
    check((t) => t.max(1), x);
    check((t) => t.min([0, 2], true), x);
    check((t) => t.min(-1), x);
  });
});

describe('gradcheck: MatMul', () => {
  it('2-D, batched with broadcast, vector forms', () => {
    check((a, b) => a.matmul(b!), rn(3, 4), rn(4, 2));
    check((a, b) => a.matmul(b!), rn(2, 1, 3, 4), rn(5, 4, 2));
    check((a, b) => a.matmul(b!), rn(4), rn(3, 4, 2));
    check((a, b) => a.matmul(b!), rn(4), rn(4));
  });
  it('every transposeA / transposeB combination, with batch broadcast', () => {
    for (const transposeA of [false, true])
      for (const transposeB of [false, true]) {
        const a = transposeA ? rn(2, 1, 4, 3) : rn(2, 1, 3, 4);
        const b = transposeB ? rn(3, 2, 4) : rn(3, 4, 2);
        check((x, y) => engine.runKernel('MatMul', [x, y!], { transposeA, transposeB }), a, b);
      }
  });
});

describe('gradcheck: movement and indexing', () => {
  it('Reshape Transpose (and the ops built on them)', () => {
    const x = rn(2, 3, 4);
    check((t) => t.reshape(4, 6), x);
    check((t) => t.transpose(0, 2), x);
    check((t) => t.permute(1, 2, 0), x);
    check((t) => t.flatten(1), x);
    check((t) => t.unsqueeze(1).squeeze(1), x);
  });
  it('Slice Pad Concat Expand', () => {
    const x = rn(2, 3, 4);
    check((t) => t.slice(1, 1, 3), x);
    check((t) => t.narrow(2, 1, 2).slice(0, 1), x);
    check((t) => t.pad([1, 2, 0, 1]), rn(2, 3));
    check((a, b, c) => nn.concat([a, b!, c!], 1), rn(2, 1, 3), rn(2, 2, 3), rn(2, 3, 3));
    check((a, b) => nn.stack([a, b!], 1), rn(2, 3), rn(2, 3));
    check((t) => t.expand(2, 3, 4), rn(3, 1));
    check((t) => t.expand([2, 4, 3]), rn(3));
  });
  it('Gather ScatterAdd indexSelect', () => {
    const index = tensor([[0, 0, 3], [1, 2, 1], [3, 3, 3]], { dtype: 'int32' });
    check((x) => x.gather(1, index), rn(3, 4));
    check((x, src) => x.scatterAdd(1, index, src!), rn(3, 4), rn(3, 3));
    check((x) => x.indexSelect(0, tensor([2, 0, 2, 1], { dtype: 'int32' })), rn(3, 4));
  });
});

describe('gradcheck: window kernels', () => {
  const window = { kernel: [2, 3], stride: [2, 1], dilation: [1, 2], pad: [1, 2], outSize: [3, 4] };
  it('Im2Col (strided, dilated, padded) and its adjoint Col2Im', () => {
    check((x) => engine.runKernel('Im2Col', [x], window), rn(2, 2, 4, 5));
    check((c) => engine.runKernel('Col2Im', [c], { ...window, shape: [2, 2, 4, 5] }), rn(12, 24));
  });
  it('max pooling as MaxPoolIndices + Gather', () => {
    const pool = (x: Tensor) => {
      const idx = engine.runKernel('MaxPoolIndices', [x], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], outSize: [2, 2] });
      return x.reshape(2, 3, 16).gather(2, idx.reshape(2, 3, 4));
    };
    check(pool, rn(2, 3, 4, 4));
  });
});

describe('gradcheck: normalisation kernels', () => {
  const view = [3, 2, 4];
  it('Moments, ScaleShift, SumProduct (and a batch norm built from them)', () => {
    check((x) => engine.runKernel('Moments', [x], { view }), rn(3, 2, 4));
    check((x, scale, shift) => engine.runKernel('ScaleShift', [x, scale!, shift!], { view }), rn(24), rn(2), rn(2));
    check((a, b) => engine.runKernel('SumProduct', [a, b!], { view }), rn(3, 2, 4), rn(3, 2, 4));
    check((x, w) => {
      const stats = engine.runKernel('Moments', [x], { view });
      const rstd = stats.narrow(0, 1, 1).reshape(2).add(1e-5).rsqrt();
      const scale = rstd.mul(w!);
      return engine.runKernel('ScaleShift', [x, scale, stats.narrow(0, 0, 1).reshape(2).mul(scale).neg()], { view });
    }, rn(3, 2, 4), rn(2));
  });
});

describe('gradcheck: composites', () => {
  it('softmax logSoftmax logsumexp', () => {
    const x = rn(2, 3, 4);
    check((t) => t.softmax(1), x);
    check((t) => t.logSoftmax(-1), x);
    check((t) => t.logsumexp(1), x);
    check((t) => t.logsumexp([0, 2], true), x);
  });
  it('mean var std (correction, keepdim)', () => {
    const x = rn(2, 3, 4);
    check((t) => t.mean([1, 2]), x);
    check((t) => t.var(1), x);
    check((t) => t.var(null, { correction: 0 }), x);
    check((t) => t.std(-1, true), x);
  });
  it('clamp with number and tensor bounds', () => {
    const x = tensor([[-1.2, -0.3, 0.1], [0.7, 0.95, 2.0]]);
    check((t) => t.clamp(-0.5, 0.8), x);
    check((t) => t.clamp(0.2), x);
    check((t, lo) => t.clamp(lo!, 1.5), x, tensor([-0.6, 0.4, 0.5]));
  });
  it('a classifier: linear → relu → linear → cross-entropy', () => {
    const y = tensor([0, 2, 1, 2], { dtype: 'int32' });
    check(
      (x, w1, b1, w2) => x.matmul(w1!).add(b1!).relu().matmul(w2!).logSoftmax(-1).gather(1, y.unsqueeze(1)).mean().neg(),
      rn(4, 3), rn(3, 5), rn(5), rn(5, 3),
    );
  });
});

describe('rule table', () => {
  it('has an entry for every kernel the CPU backend implements', () => {
    const missing = kernelNames('cpu').filter((k) => !(k in RULES));
    expect(missing).toEqual([]);
  });
  it('every differentiable rule was gradchecked above', () => {
    const rules = Object.keys(RULES).filter((k) => RULES[k] !== NON_DIFFERENTIABLE);
    expect(rules.filter((k) => !differentiated.has(k))).toEqual([]);
  });
});
