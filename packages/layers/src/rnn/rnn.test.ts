/**
 * The recurrent layers beyond PyTorch's numbers (golden.test.ts): initialisation, printing, argument errors,
 * dropout between layers, memory over a training loop and finite-difference gradient checks.
 */
import { gradcheck } from '@nn/autograd';
import { Adam } from '@nn/optim';
import { cat, Generator, max, narrow, randn, reshape, squeeze, transpose, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { mseLoss } from '../losses/mse.js';
import { GRUCell, LSTMCell } from './cells.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { gruStep, lstmStep } from './steps.js';
import { expectFlatTraining } from '../testing/training.js';

const flat = (...ts: Tensor[]) => cat(ts.map((t) => reshape(t, [-1])));

describe('LSTM and GRU construction', () => {
  it('register PyTorch\'s keys and shapes, initialised within ±1/√hiddenSize', () => {
    const gru = new GRU(3, 4, { numLayers: 2, bidirectional: true, bias: false, generator: new Generator(0) });
    expect(Object.entries(gru.stateDict()).map(([k, t]) => `${k} ${JSON.stringify(t.shape)}`)).toEqual([
      'weight_ih_l0 [12,3]', 'weight_hh_l0 [12,4]', 'weight_ih_l0_reverse [12,3]', 'weight_hh_l0_reverse [12,4]',
      'weight_ih_l1 [12,8]', 'weight_hh_l1 [12,4]', 'weight_ih_l1_reverse [12,8]', 'weight_hh_l1_reverse [12,4]',
    ]);
    const lstm = new LSTM(3, 16, { generator: new Generator(1) });
    expect(lstm.parameters().map((p) => p.shape[0])).toEqual([64, 64, 64, 64]);
    for (const p of lstm.parameters()) expect(max(p.abs()).item()).toBeLessThanOrEqual(0.25);
    expect(max(lstm.allWeights[0]!.weightHh.abs()).item()).toBeGreaterThan(0.2);
    expect(Object.keys(new LSTMCell(3, 4).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(Object.keys(new GRUCell(3, 4, { bias: false }).stateDict())).toEqual(['weight_ih', 'weight_hh']);
  });

  it('print their settings as PyTorch does', () => {
    expect(String(new LSTM(3, 4))).toBe('LSTM(3, 4)');
    expect(String(new GRU(3, 4, { numLayers: 2, bias: false, batchFirst: true, dropout: 0.1, bidirectional: true }))).toBe(
      'GRU(3, 4, numLayers=2, bias=false, batchFirst=true, dropout=0.1, bidirectional=true)',
    );
    expect(String(new LSTMCell(3, 4))).toBe('LSTMCell(3, 4)');
    expect(String(new GRUCell(3, 4, { bias: false }))).toBe('GRUCell(3, 4, bias=false)');
  });

  it('reject bad options', () => {
    expect(() => new LSTM(3, 0)).toThrow('LSTM: hiddenSize must be an integer >= 1, got 0');
    expect(() => new GRU(-1, 4)).toThrow('GRU: inputSize must be an integer >= 0, got -1');
    expect(() => new GRU(3, 4, { numLayers: 0 })).toThrow('GRU: numLayers must be an integer >= 1, got 0');
    expect(() => new LSTM(3, 4, { dropout: 1.5 })).toThrow('LSTM: dropout must be a finite number in [0, 1], got 1.5');
    expect(() => new LSTM(3, 4, { bidirectional: 1 as unknown as boolean })).toThrow('LSTM: bidirectional must be a boolean, got 1');
    expect(() => new LSTM(3, 4, { batch_first: true } as never)).toThrow(
      "LSTM: unknown option 'batch_first' (options: numLayers, bias, batchFirst, dropout, bidirectional, device, generator)",
    );
    expect(() => new GRUCell(3, 4, { numLayers: 2 } as never)).toThrow("GRUCell: unknown option 'numLayers' (options: bias, device, generator)");
  });
});

describe('LSTM and GRU forward', () => {
  it('reject inputs and states of the wrong shape or dtype, naming them', () => {
    const lstm = new LSTM(10, 4, { numLayers: 2 });
    expect(() => lstm.forward(zeros([5, 3, 7]))).toThrow('LSTM: expected input of shape [L, N, 10] or [L, 10] (inputSize 10), got [5,3,7]');
    expect(() => lstm.forward(zeros([2, 5, 3, 10]))).toThrow('LSTM: expected input of shape [L, N, 10] or [L, 10] (inputSize 10), got [2,5,3,10]');
    expect(() => new GRU(10, 4, { batchFirst: true }).forward(zeros([3, 10, 5]))).toThrow(
      'GRU: expected input of shape [N, L, 10] or [L, 10] (inputSize 10), got [3,10,5]',
    );
    expect(() => lstm.forward(zeros([5, 3, 10], { dtype: 'int32' }))).toThrow('LSTM: input must have dtype float32, got int32');
    expect(() => lstm.forward(zeros([0, 3, 10]))).toThrow('LSTM: expected a sequence of length >= 1, got input of shape [0,3,10]');
    expect(() => lstm.forward(zeros([5, 3, 10]), [zeros([1, 3, 4]), zeros([2, 3, 4])])).toThrow(
      'LSTM: expected h0 of shape [2,3,4] (numLayers·directions, batch, hiddenSize) for input of shape [5,3,10], got [1,3,4]',
    );
    expect(() => lstm.forward(zeros([5, 10]), [zeros([2, 4]), zeros([2, 1, 4])])).toThrow(
      'LSTM: expected c0 of shape [2,4] (numLayers·directions, hiddenSize) for input of shape [5,10], got [2,1,4]',
    );
    expect(() => lstm.forward(zeros([5, 3, 10]), [zeros([2, 3, 4]), zeros([2, 3, 4], { dtype: 'int32' })])).toThrow(
      'LSTM: c0 must have dtype float32, got int32',
    );
    expect(() => lstm.forward(zeros([5, 3, 10]), zeros([2, 3, 4]) as never)).toThrow('LSTM: hx must be [h0, c0], an array of two Tensors, got Tensor');
    expect(() => new GRU(10, 4).forward(zeros([5, 3, 10]), zeros([1, 2, 4]))).toThrow(
      'GRU: expected h0 of shape [1,3,4] (numLayers·directions, batch, hiddenSize) for input of shape [5,3,10], got [1,2,4]',
    );
  });

  it('take null initial states as zeros, as PyTorch takes None', () => {
    const g = new Generator(3);
    const lstm = new LSTM(2, 3, { generator: g });
    const x = randn([4, 2, 2], { generator: g });
    const [y] = lstm.forward(x, null);
    expect(Array.from(y.dataSync())).toEqual(Array.from(lstm.forward(x, [zeros([1, 2, 3]), zeros([1, 2, 3])])[0].dataSync()));
  });

  it('apply dropout between layers only, and only in training mode', () => {
    const x1 = randn([5, 2, 3], { generator: new Generator(1) });
    const x2 = randn([5, 2, 3], { generator: new Generator(2) });
    for (const Layer of [LSTM, GRU]) {
      // p = 1 zeroes the second layer's input: in training mode the output no longer depends on x.
      const m = new Layer(3, 4, { numLayers: 2, dropout: 1, generator: new Generator(0) });
      const out = (x: Tensor) => Array.from(m.forward(x)[0].dataSync());
      expect(out(x1)).toEqual(out(x2));
      expect(out(x1).some((v) => v !== 0)).toBe(true); // the last layer's output is not dropped
      m.eval();
      expect(out(x1)).not.toEqual(out(x2));
      const plain = new Layer(3, 4, { numLayers: 2 }).eval();
      plain.loadStateDict(m.stateDict());
      expect(Array.from(plain.forward(x1)[0].dataSync())).toEqual(out(x1));
      // With p = 0.5 training mode draws a fresh mask each call.
      const half = new Layer(3, 4, { numLayers: 2, dropout: 0.5, generator: new Generator(0) });
      expect(Array.from(half.forward(x1)[0].dataSync())).not.toEqual(Array.from(half.forward(x1)[0].dataSync()));
    }
  });

  it('keep memory().numTensors flat over a training loop inside tidy, and learn', () => {
    const g = new Generator(4);
    const lstm = new LSTM(2, 8, { numLayers: 2, bidirectional: true, dropout: 0.1, generator: g });
    const x = randn([6, 4, 2], { generator: g });
    const target = randn([6, 4, 16], { generator: g }).mul(0.5);
    const opt = new Adam(lstm.parameters(), { lr: 0.02 });
    expectFlatTraining(opt, () => mseLoss(lstm.forward(x)[0], target), 20, 0.7);
  });

  it('pass gradcheck w.r.t. input and initial states (2 layers, bidirectional)', () => {
    const g = new Generator(5);
    const lstm = new LSTM(2, 2, { numLayers: 2, bidirectional: true, generator: g });
    const gru = new GRU(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true, generator: g });
    const [x, h0, c0] = [randn([3, 2, 2], { generator: g }), randn([4, 2, 2], { generator: g }), randn([4, 2, 2], { generator: g })];
    expect(gradcheck((x, h0, c0) => {
      const [y, [h, c]] = lstm.forward(x, [h0, c0]);
      return flat(y, h, c);
    }, [x, h0, c0])).toBe(true);
    expect(gradcheck((x, h0) => flat(...gru.forward(transpose(x, 0, 1), h0)), [x, h0])).toBe(true);
  });
});

describe('LSTMCell and GRUCell', () => {
  it('reject inputs and states of the wrong shape', () => {
    expect(() => new LSTMCell(3, 4).forward(zeros([2, 2, 3]))).toThrow('LSTMCell: expected input of shape [N, 3] or [3] (inputSize 3), got [2,2,3]');
    expect(() => new LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4]), zeros([4])])).toThrow(
      'LSTMCell: expected c of shape [2,4] for input of shape [2,3], got [4]',
    );
    expect(() => new GRUCell(3, 4).forward(zeros([3]), zeros([1, 4]))).toThrow('GRUCell: expected h of shape [4] for input of shape [3], got [1,4]');
    expect(() => new LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4])] as never)).toThrow(
      'LSTMCell: hx must be [h, c], an array of two Tensors, got an array of 1',
    );
  });

  it('unrolled over a sequence, equal the sequence layers with the same weights', () => {
    const g = new Generator(6);
    const x = randn([4, 2, 3], { generator: g });
    const lstm = new LSTM(3, 5, { generator: g });
    const cell = new LSTMCell(3, 5);
    cell.loadStateDict(Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, t]) => [k.replace('_l0', ''), t])));
    let hc: [Tensor, Tensor] = [zeros([2, 5]), zeros([2, 5])];
    for (let t = 0; t < 4; t++) hc = cell.forward(squeeze(narrow(x, 0, t, 1), 0), hc);
    const [, [hN, cN]] = lstm.forward(x);
    expect(Array.from(hN.dataSync())).toEqual(Array.from(hc[0].dataSync()));
    expect(Array.from(cN.dataSync())).toEqual(Array.from(hc[1].dataSync()));
  });

  it('pass gradcheck w.r.t. input and state, and their steps w.r.t. the weights', () => {
    const g = new Generator(7);
    const r = (...shape: number[]) => randn(shape, { generator: g });
    const [x, h, c] = [r(2, 3), r(2, 2), r(2, 2)];
    const lstm = new LSTMCell(3, 2, { generator: g });
    const gru = new GRUCell(3, 2, { generator: g });
    expect(gradcheck((x, h, c) => flat(...lstm.forward(x, [h, c])), [x, h, c])).toBe(true);
    expect(gradcheck((x, h) => gru.forward(x, h), [x, h])).toBe(true);
    expect(gradcheck((gx, h, c, w, b) => flat(...lstmStep(gx, h, c, w, b)), [r(2, 8), h, c, r(8, 2), r(8)])).toBe(true);
    expect(gradcheck((gx, h, w, b) => gruStep(gx, h, w, b), [r(2, 6), h, r(6, 2), r(6)])).toBe(true);
  });
});
