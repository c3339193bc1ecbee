/**
 * A PyTorch state dict (scripts/golden_zoo.py) of every layer the other fixtures do not cover — Conv1d,
 * ConvTranspose1d/2d, Embedding with a padding row, MultiheadAttention with kdim/vdim, a 2-layer bidirectional
 * GRU, LSTMCell, GRUCell — in an nn.ModuleDict: it loads strictly into the same ModuleDict here, keys in
 * PyTorch's order, and every module gives PyTorch's output.
 */
import { noGrad } from '@nn/autograd';
import type { Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  Conv1d, ConvTranspose1d, ConvTranspose2d, Embedding, GRU, GRUCell, loadSafetensors, LSTMCell, ModuleDict, MultiheadAttention,
} from './index.js';
import { decode, expectGolden, FLOAT32, readGolden, readGoldenBytes, type Encoded } from './testing/golden.js';

interface ZooGolden {
  keys: string[];
  inputs: Record<string, Encoded | Encoded[]>;
  outputs: Record<string, Encoded>;
}
const golden = readGolden<ZooGolden>('zoo.json');

const zoo = () =>
  new ModuleDict({
    conv1d: new Conv1d(3, 4, 3, { stride: 2, padding: 1 }),
    conv_t1d: new ConvTranspose1d(2, 3, 4, { stride: 2 }),
    conv_t2d: new ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    emb: new Embedding(10, 4, { paddingIdx: 0 }),
    mha: new MultiheadAttention(8, 2, { kdim: 5, vdim: 6, batchFirst: true }),
    gru: new GRU(4, 3, { numLayers: 2, bidirectional: true }),
    lstm_cell: new LSTMCell(4, 3),
    gru_cell: new GRUCell(4, 3),
  });

describe('a PyTorch state dict of every other layer (safetensors)', () => {
  it('has the keys of our ModuleDict, in order', () => {
    expect(Object.keys(zoo().stateDict())).toEqual(golden.keys);
  });

  it("loads strictly, and each module gives PyTorch's output", () => {
    const m = zoo().eval();
    m.loadStateDict(loadSafetensors(readGoldenBytes('zoo.safetensors')));
    const input = (name: string) => decode(golden.inputs[name] as Encoded);
    const [q, k, v] = (golden.inputs.mha as Encoded[]).map((e) => decode(e)) as [Tensor, Tensor, Tensor];
    noGrad(() => {
      const out: Record<string, Tensor> = {
        conv1d: (m.get('conv1d') as Conv1d).call(input('conv1d')),
        conv_t1d: (m.get('conv_t1d') as ConvTranspose1d).call(input('conv_t1d')),
        conv_t2d: (m.get('conv_t2d') as ConvTranspose2d).call(input('conv_t2d')),
        emb: (m.get('emb') as Embedding).call(input('emb')),
        mha: (m.get('mha') as MultiheadAttention).forward(q, k, v)[0],
        gru: (m.get('gru') as GRU).forward(input('gru'))[0],
        lstm_cell: (m.get('lstm_cell') as LSTMCell).forward(input('lstm_cell'))[0],
        gru_cell: (m.get('gru_cell') as GRUCell).forward(input('gru_cell')),
      };
      for (const [name, y] of Object.entries(out)) expectGolden(y, golden.outputs[name]!, name, FLOAT32);
    });
  });
});
