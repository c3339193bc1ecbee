/**
 * One time step of the LSTM and GRU recurrences, with PyTorch's gate order and equations, shared by the sequence
 * layers and the cells. Each step takes gx = x·W_ihᵀ + b_ih already computed (the sequence layers compute it for
 * all time steps in one matrix product, as PyTorch's CPU path does) and adds h·W_hhᵀ + b_hh itself.
 */
import { add, mul, narrow, sigmoid, sub, tanh, type Tensor } from '@nn/tensor';
import { linear } from '../linear.js';

/** Chunk k of size h along the last dim (gate k in PyTorch's stacked weight layout). */
function gate(x: Tensor, k: number, h: number): Tensor {
  return narrow(x, -1, k * h, h);
}

/**
 * LSTM, gates [i, f, g, o] in chunks of H along the last dim of gx [N, 4H]:
 *   i = σ(gx_i + W_hi·h + b_hi)   f = σ(gx_f + W_hf·h + b_hf)   g = tanh(gx_g + W_hg·h + b_hg)
 *   o = σ(gx_o + W_ho·h + b_ho)   c' = f ⊙ c + i ⊙ g            h' = o ⊙ tanh(c')
 * Returns [h', c'].
 */
export function lstmStep(gx: Tensor, h: Tensor, c: Tensor, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor] {
  const n = wHh.shape[1]!;
  const gates = add(linear(h, wHh, bHh), gx);
  const c1 = add(mul(sigmoid(gate(gates, 1, n)), c), mul(sigmoid(gate(gates, 0, n)), tanh(gate(gates, 2, n))));
  return [mul(sigmoid(gate(gates, 3, n)), tanh(c1)), c1];
}

/**
 * GRU, gates [r, z, n] in chunks of H along the last dim of gx [N, 3H], gh = W_hh·h + b_hh:
 *   r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r ⊙ gh_n)   h' = (1 − z) ⊙ n + z ⊙ h
 * The reset gate scales W_hn·h + b_hn (not h), as in PyTorch and cuDNN. h' is computed as n + z ⊙ (h − n),
 * PyTorch's rounding.
 */
export function gruStep(gx: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const n = wHh.shape[1]!;
  const gh = linear(h, wHh, bHh);
  const rz = sigmoid(add(gate(gx, 0, 2 * n), gate(gh, 0, 2 * n)));
  const cand = tanh(add(gate(gx, 2, n), mul(gate(rz, 0, n), gate(gh, 2, n))));
  return add(mul(sub(h, cand), gate(rz, 1, n)), cand);
}
