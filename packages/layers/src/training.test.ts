/** A whole training step inside tidy: BatchNorm in training mode, backward, an optimizer step; memory stays flat. */
import { Adam, SGD } from '@nn/optim';
import { Generator, randint, randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, crossEntropy, Dropout, LayerNorm, Linear, ReLU, Sequential } from './index.js';
import { expectFlatTraining } from './testing/training.js';

describe('training', () => {
  for (const [name, makeOpt] of [
    ['SGD with momentum', (ps: ReturnType<Sequential['parameters']>) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: ReturnType<Sequential['parameters']>) => new Adam(ps, { lr: 0.01 })],
  ] as const) {
    it(`keeps memory().numTensors flat over steps and learns (${name})`, () => {
      const g = new Generator(0);
      const model = new Sequential(
        new Linear(6, 16, { generator: g }), new BatchNorm1d(16), new ReLU(), new Dropout(0.1, { generator: g }),
        new LayerNorm(16), new Linear(16, 3, { generator: g }),
      );
      const x = randn([32, 6], { generator: g });
      const y = randint(0, 3, [32], { generator: g });
      const opt = makeOpt(model.parameters());
      expectFlatTraining(opt, () => crossEntropy(model.call(x), y), 30, 0.5);
      const bn = model.at(1) as BatchNorm1d;
      expect(bn.numBatchesTracked!.item()).toBe(32);
      expect(model.parameters().every((p) => !p.isDisposed)).toBe(true);
    });
  }
});
