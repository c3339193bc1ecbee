/**
 * Replays golden/functional.json (made by scripts/golden_functional.py with PyTorch 1.13's
 * torch.autograd.functional): jvp, vjp, and for scalar functions of one input hvp and hessian.
 */
import { tensor, type Tensor } from '@nn/tensor';
import { expectClose } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import golden from './golden/functional.json' with { type: 'json' };
import { hessian, hvp, jvp, vjp } from './index.js';

type Nested = number | Nested[];
const X = tensor(golden.mlp.x);
const Y = tensor(golden.mlp.y);

/** Each case's function in our API (the Python side defines the same under the same name). */
const FNS: Record<string, (...xs: Tensor[]) => Tensor | Tensor[]> = {
  poly: (x) => x.pow(3).sub(x.square().mul(2)).add(x.mul(3)),
  poly_scalar: (x) => x.pow(3).sum().add(x.sum().square()),
  tanh_exp_log: (x) => x.tanh().mul(x.mul(0.5).exp()).sum().add(x.square().add(1).log().sum()),
  mlp_loss: (w) => {
    const [w1, b1, w2, b2] = [w.narrow(0, 0, 6).reshape(3, 2), w.narrow(0, 6, 3), w.narrow(0, 9, 3).reshape(1, 3), w.narrow(0, 12, 1)];
    const h = X.matmul(w1.transpose(0, 1)).add(b1).tanh();
    return h.matmul(w2.transpose(0, 1)).add(b2).sub(Y).square().mean();
  },
  two_in_two_out: (a, b) => [a.matmul(b).tanh(), a.mul(a).sum().mul(b.exp())],
  sigmoid_product: (a, b) => a.sigmoid().mul(b.sin()).sum(),
};

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
const list = (r: Tensor | Tensor[]): Tensor[] => (Array.isArray(r) ? r : [r]);
const check = (actual: Tensor[], expected: Nested[], label: string): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((t, i) => expectClose(t.dataSync(), flat(expected[i]!), { rtol: 1e-4, atol: 1e-5, label: `${label}[${i}]` }));
};

describe('jvp / vjp / hvp / hessian against torch.autograd.functional', () => {
  for (const c of golden.cases) {
    const f = FNS[c.name]!;
    it(c.name, () => {
      const primals = c.primals.map((p) => tensor(p as Nested[]));
      const single = c.outputs.length === 1 && !Array.isArray(f(...primals));
      const [ys, js] = jvp(f, primals, c.tangents.map((t) => tensor(t as Nested[])));
      check(list(ys), c.outputs as Nested[], 'jvp outputs');
      check(list(js), c.jvp as Nested[], 'jvp');
      const [, pullback] = vjp(f, primals);
      const cts = c.cotangents.map((t) => tensor(t as Nested));
      check(pullback(single ? cts[0]! : cts), c.vjp as Nested[], 'vjp');
      pullback.dispose();
      if ('hessian' in c) {
        const g = f as (x: Tensor) => Tensor;
        const [fx, hv] = hvp(g, primals[0]!, tensor(c.v as Nested[]));
        check([fx, hv], [c.outputs[0]!, c.hvp as Nested[]], 'hvp');
        const h = hessian(g, primals[0]!);
        expect(h.shape).toEqual([...primals[0]!.shape, ...primals[0]!.shape]);
        check([h], [c.hessian as Nested[]], 'hessian');
      }
    });
  }
});
