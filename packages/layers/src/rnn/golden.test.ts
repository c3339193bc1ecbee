/**
 * LSTM, GRU, LSTMCell and GRUCell against PyTorch 1.13 (scripts/golden_rnn.py): outputs, final states and the
 * gradients w.r.t. input, initial states and every parameter; the parameters are set with `loadStateDict`, so
 * PyTorch's keys are proven too. Then a PyTorch-saved safetensors state dict gives PyTorch's outputs.
 */
import { backward } from '@nn/autograd';
import { add, mul, sum, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../safetensors/load.js';
import { decode, expectGolden, FLOAT32, readGolden, readGoldenBytes, type Encoded } from '../testing/golden.js';
import { GRUCell, LSTMCell } from './cells.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import type { RNNOptions } from './rnn-base.js';

interface Case {
  name: string;
  mode: 'LSTM' | 'GRU' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  options: RNNOptions;
  params: Record<string, Encoded>;
  grads: Record<string, Encoded>;
  x: Encoded;
  dx: Encoded;
  [key: string]: unknown;
}

interface Golden {
  cases: Case[];
  fixture: { inputSize: number; hiddenSize: number; options: RNNOptions; keys: string[]; x: Encoded; y: Encoded; hN: Encoded; cN: Encoded };
}

const golden = readGolden<Golden>('rnn.json');

type Model = LSTM | GRU | LSTMCell | GRUCell;

function build(c: Case): Model {
  const Layer = { LSTM, GRU, LSTMCell, GRUCell }[c.mode];
  return new Layer(c.inputSize, c.hiddenSize, c.options);
}

/** The model's outputs by the golden file's names: y (the sequence output), hN and cN (the final states). */
function outputs(m: Model, x: Tensor, h0: Tensor | undefined, c0: Tensor | undefined): Record<string, Tensor> {
  const hc: [Tensor, Tensor] | undefined = h0 && c0 ? [h0, c0] : undefined;
  if (m instanceof LSTM) {
    const [y, [hN, cN]] = m.forward(x, hc);
    return { y, hN, cN };
  }
  if (m instanceof GRU) {
    const [y, hN] = m.forward(x, h0);
    return { y, hN };
  }
  if (m instanceof LSTMCell) {
    const [hN, cN] = m.forward(x, hc);
    return { hN, cN };
  }
  return { hN: m.forward(x, h0) };
}

describe('recurrent layers match PyTorch', () => {
  for (const c of golden.cases)
    it(c.name, () => {
      const x = decode(c.x, { requiresGrad: true });
      const state = (k: string) => (c[k] ? decode(c[k] as Encoded, { requiresGrad: true }) : undefined);
      const [h0, c0] = [state('h0'), state('c0')];
      const m = build(c);
      // Same keys in the same order as PyTorch's state dict, then PyTorch's values.
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.params));
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, decode(v)])));
      const terms = Object.entries(outputs(m, x, h0, c0)).map(([k, y]) => {
        expectGolden(y, c[k] as Encoded, `${c.name}: ${k}`, FLOAT32);
        return sum(mul(y, decode(c[`g${k}`] as Encoded)));
      });
      backward(terms.reduce((a, b) => add(a, b)));
      expectGolden(x.grad!, c.dx, `${c.name}: dx`, FLOAT32);
      if (h0) expectGolden(h0.grad!, c.dh0 as Encoded, `${c.name}: dh0`, FLOAT32);
      if (c0) expectGolden(c0.grad!, c.dc0 as Encoded, `${c.name}: dc0`, FLOAT32);
      for (const [k, p] of m.namedParameters()) expectGolden(p.grad!, c.grads[k]!, `${c.name}: grad ${k}`, FLOAT32);
    });
});

describe('a PyTorch LSTM saved as safetensors', () => {
  it('loads with its keys in order and gives PyTorch\'s outputs in evaluation mode', () => {
    const f = golden.fixture;
    const sd = loadSafetensors(readGoldenBytes('rnn.safetensors'));
    const m = new LSTM(f.inputSize, f.hiddenSize, f.options).eval();
    expect(Object.keys(m.stateDict())).toEqual(f.keys);
    m.loadStateDict(sd);
    const [y, [hN, cN]] = m.forward(decode(f.x));
    expectGolden(y, f.y, 'output', FLOAT32);
    expectGolden(hN, f.hN, 'hN', FLOAT32);
    expectGolden(cN, f.cN, 'cN', FLOAT32);
  });
});
