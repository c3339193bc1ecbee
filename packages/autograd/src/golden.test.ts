/**
 * Replays every case of golden/grads.json (made by scripts/golden.py with PyTorch 1.13): the same function of
 * the same inputs must give the same output and the same gradients of sum(output · weights).
 */
import * as nn from '@nn/tensor';
import { tensor, type Tensor } from '@nn/tensor';
import { expectClose, type Tolerance } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import golden from './golden/grads.json' with { type: 'json' };
import { backward } from './index.js';

type Fn = (...xs: Tensor[]) => Tensor;

/** Each golden case's function, in our API (the Python side defines the same under the same name). */
const FNS: Record<string, Fn> = {
  seed_example: (x) => x.mul(x).add(x.mul(x).sin()).mul(x.mul(x)),
  fan_out: (x, y) => {
    const a = x!.mul(y!);
    return a.mul(a).add(a.sin()).add(a);
  },
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  sign: (x) => x.sign(),
  exp: (x) => x.exp(),
  log: (x) => x.log(),
  sqrt: (x) => x.sqrt(),
  rsqrt: (x) => x.rsqrt(),
  sin: (x) => x.sin(),
  cos: (x) => x.cos(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  erf: (x) => x.erf(),
  square: (x) => x.square(),
  reciprocal: (x) => x.reciprocal(),
  leaky_relu: (x) => x.leakyRelu(),
  'leaky_relu_0.2': (x) => x.leakyRelu(0.2),
  gelu: (x) => x.gelu(),
  gelu_tanh: (x) => x.gelu({ approximate: 'tanh' }),
  add_bcast: (a, b) => a.add(b!),
  sub_bcast: (a, b) => a.sub(b!),
  mul_bcast: (a, b) => a.mul(b!),
  div_bcast: (a, b) => a.div(b!),
  pow_bcast: (a, b) => a.pow(b!),
  maximum_bcast: (a, b) => a.maximum(b!),
  minimum_bcast: (a, b) => a.minimum(b!),
  maximum_ties: (a, b) => a.maximum(b!),
  minimum_ties: (a, b) => a.minimum(b!),
  mul_scalar: (x) => x.mul(2.5),
  rsub_scalar: (x) => nn.sub(2, x),
  rdiv_scalar: (x) => nn.div(1.5, x),
  pow_scalar: (x) => x.pow(3),
  pow_zero_base: (a, b) => a.pow(b!),
  where_bcast: (c, a, b) => nn.where(c, a!, b!),
  sum_all: (x) => x.sum(),
  sum_dim: (x) => x.sum(1),
  sum_dims_keepdim: (x) => x.sum([0, 2], true),
  mean_all: (x) => x.mean(),
  mean_dim_keepdim: (x) => x.mean(-1, true),
  amax_dim_ties: (x) => x.max(1),
  amin_all_ties: (x) => x.min(),
  amax_dims_keepdim: (x) => x.max([0, 2], true),
  amin_dim0: (x) => x.min(0),
  softmax: (x) => x.softmax(1),
  log_softmax: (x) => x.logSoftmax(-1),
  logsumexp: (x) => x.logsumexp(1),
  logsumexp_keepdim: (x) => x.logsumexp([0, 2], true),
  var_dim: (x) => x.var(1),
  var_all_biased: (x) => x.var(null, { correction: 0 }),
  std_dim_keepdim: (x) => x.std(-1, true),
  clamp: (x) => x.clamp(-0.5, 0.8),
  clamp_min: (x) => x.clamp(0.2),
  layer_norm_manual: (x) => x.sub(x.mean(-1, true)).div(x.var(-1, { correction: 0, keepdim: true }).add(1e-5).sqrt()),
  matmul_2d: (a, b) => a.matmul(b!),
  matmul_batched_bcast: (a, b) => a.matmul(b!),
  matmul_vec_mat: (a, b) => a.matmul(b!),
  matmul_mat_vec: (a, b) => a.matmul(b!),
  matmul_dot: (a, b) => a.matmul(b!),
  reshape: (x) => x.reshape(4, 6),
  transpose: (x) => x.transpose(0, 2),
  permute: (x) => x.permute(1, 2, 0),
  flatten: (x) => x.flatten(1),
  expand: (x) => x.expand(2, 3, 4),
  squeeze: (x) => x.squeeze(1),
  unsqueeze: (x) => x.unsqueeze(0),
  cat: (a, b, c) => nn.concat([a, b!, c!], 1),
  stack: (a, b) => nn.stack([a, b!], 1),
  slice: (x) => x.slice(1, 1, 3),
  narrow: (x) => x.narrow(2, 1, 2),
  pad: (x) => x.pad([1, 2, 0, 1]),
  cast_float: (x) => x.cast('float32'),
  clone: (x) => x.clone(),
  gather: (x, i) => x.gather(1, i!),
  index_select: (x, i) => x.indexSelect(0, i!),
  scatter_add: (x, i, s) => x.scatterAdd(1, i!, s!),
  mlp_cross_entropy: (x, w1, b1, w2, b2, y) =>
    x.matmul(w1!.transpose(0, 1)).add(b1!).relu().matmul(w2!.transpose(0, 1)).add(b2!).logSoftmax(-1).gather(1, y!.unsqueeze(1)).mean().neg(),
};

/** Float32 rounding: every case, erf/gelu and the softmax chains included, agrees with PyTorch this closely. */
const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

interface GoldenInput {
  dtype: string;
  data: unknown;
}

function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [Number(x)];
}

describe('golden gradients from PyTorch', () => {
  it('has a TypeScript definition for every case and no stale ones', () => {
    expect(golden.cases.map((c) => c.name).sort()).toEqual(Object.keys(FNS).sort());
  });

  for (const c of golden.cases) {
    it(c.name, () => {
      const fn = FNS[c.name];
      if (!fn) throw new Error(`no TypeScript definition for golden case '${c.name}'`);
      const inputs = (c.inputs as GoldenInput[]).map(({ dtype, data }) =>
        tensor(data as nn.TensorData, { dtype: dtype as nn.DType, requiresGrad: dtype === 'float32' }),
      );
      const out = fn(...inputs);
      expectClose(out.dataSync(), flat(c.output), { ...TOL, label: `${c.name}: output` });
      const loss = c.weights === null ? out : out.mul(tensor(c.weights as nn.TensorData)).sum();
      backward(loss);
      inputs.forEach((x, i) => {
        const g = (c.grads as unknown[])[i];
        if (g === null) return expect(x.grad).toBeNull();
        expect(x.grad, `${c.name}: gradient of input ${i}`).not.toBeNull();
        expectClose(x.grad!.dataSync(), flat(g), { ...TOL, label: `${c.name}: grad[${i}]` });
      });
    });
  }
});
