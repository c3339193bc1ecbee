/** The gated recurrent unit layer (torch.nn.GRU). */
import type { Tensor } from '@nn/tensor';
import { RNNBase, type RNNOptions } from './rnn-base.js';
import { gruStep } from './steps.js';

/**
 * A multi-layer GRU (Cho et al. 2014) over a sequence; per time step t and layer (see `gruStep`):
 *   r = σ(W_ir·x + b_ir + W_hr·h + b_hr)   z = σ(W_iz·x + b_iz + W_hz·h + b_hz)
 *   n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * `forward(x, h0?)` → `[output, hN]`, shapes as `LSTM`'s. Keys and initialisation as PyTorch (see `RNNBase`).
 */
export class GRU extends RNNBase<[x: Tensor, h0?: Tensor | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNOptions) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [y, [h]] = this.run(x, h0 == null ? undefined : [h0], ['h0'], (gx, [h], w) => [gruStep(gx, h!, w.weightHh, w.biasHh)]);
    return [y, h!];
  }
}
