/** Replays every loss case of golden/layers.json (PyTorch 1.13): value and gradient w.r.t. the input. */
import { backward } from '@nn/autograd';
import { mul, sum, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, mseLoss, nllLoss } from '../index.js';
import { decode, expectGolden, FLOAT32, readGolden, type Encoded } from '../testing/golden.js';

interface LossCase {
  name: string;
  fn: keyof typeof FNS;
  tensors: { input: Encoded; target: Encoded; weight?: Encoded; posWeight?: Encoded };
  options: Record<string, unknown>;
  g: Encoded;
  out: Encoded;
  dinput: Encoded;
}

type LossFn = (input: Tensor, target: Tensor, opts: Record<string, unknown>) => Tensor;
const FNS = { mseLoss, huberLoss, binaryCrossEntropyWithLogits, nllLoss, crossEntropy } as unknown as Record<string, LossFn>;

const golden = readGolden<{ losses: LossCase[] }>('layers.json');

describe('losses against PyTorch', () => {
  for (const c of golden.losses) {
    it(c.name, () => {
      const input = decode(c.tensors.input, { requiresGrad: true });
      const opts: Record<string, unknown> = { ...c.options };
      if (c.tensors.weight) opts.weight = decode(c.tensors.weight);
      if (c.tensors.posWeight) opts.posWeight = decode(c.tensors.posWeight);
      const out = FNS[c.fn]!(input, decode(c.tensors.target), opts);
      expectGolden(out, c.out, 'loss', FLOAT32);
      backward(sum(mul(out, decode(c.g))));
      expectGolden(input.grad!, c.dinput, 'dinput', FLOAT32);
    });
  }

  it('covers every loss, reduction and option', () => {
    const names = golden.losses.map((c) => c.name).join('\n');
    for (const fn of Object.keys(FNS)) expect(golden.losses.some((c) => c.fn === fn)).toBe(true);
    for (const needle of ['ls=', 'weight', 'ignore', 'probs', '±1e4', 'posWeight', 'delta', 'mean', 'sum', 'none', '[N,C,d]'])
      expect(names).toContain(needle);
  });
});
