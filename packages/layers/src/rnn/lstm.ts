/** The long short-term memory layer (torch.nn.LSTM). */
import type { Tensor } from '@nn/tensor';
import { describe } from '../args.js';
import { RNNBase, type RNNOptions } from './rnn-base.js';
import { lstmStep } from './steps.js';

/**
 * A multi-layer LSTM (Hochreiter & Schmidhuber 1997) over a sequence; per time step t and layer (see `lstmStep`):
 *   i = σ(W_ii·x + b_ii + W_hi·h + b_hi)   f = σ(W_if·x + b_if + W_hf·h + b_hf)   g = tanh(W_ig·x + b_ig + W_hg·h + b_hg)
 *   o = σ(W_io·x + b_io + W_ho·h + b_ho)   c_t = f ⊙ c_{t−1} + i ⊙ g           h_t = o ⊙ tanh(c_t)
 * `forward(x, [h0, c0]?)` → `[output, [hN, cN]]`: x [L, N, inputSize] ([N, L, inputSize] with batchFirst, or
 * unbatched [L, inputSize]), states [D·numLayers, N, H] (zeros when absent), output [L, N, D·H] of the last
 * layer's h_t (D = 2 when bidirectional). Keys and initialisation as PyTorch (see `RNNBase`).
 */
export class LSTM extends RNNBase<[x: Tensor, hx?: [Tensor, Tensor] | null], [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNOptions) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2))
      throw new Error(`LSTM: hx must be [h0, c0], an array of two Tensors, got ${Array.isArray(hx) ? `an array of ${hx.length}` : describe(hx)}`);
    const [y, [h, c]] = this.run(x, hx ?? undefined, ['h0', 'c0'], (gx, [h, c], w) => lstmStep(gx, h!, c!, w.weightHh, w.biasHh));
    return [y, [h!, c!]];
  }
}
