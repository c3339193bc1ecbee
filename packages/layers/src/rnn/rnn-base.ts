/** `RNNBase`: what LSTM and GRU share (torch.nn.RNNBase): options, parameters, layouts and the layer loop. */
import { uniform } from '@nn/init';
import { cat, fmtShape, narrow, shapesEqual, squeeze, stack, tidy, transpose, unsqueeze, zeros, type Device, type Generator, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkNumber, checkOptions, checkTensor, FLOATS } from '../args.js';
import { dropout as dropoutFn } from '../dropout.js';
import { linear } from '../linear.js';
import { Module } from '../module.js';

export interface RNNOptions {
  /** Stacked recurrent layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output as [N, L, features] instead of [L, N, features] (default false; states are unaffected). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Also run each layer over the reversed sequence, concatenating both outputs (default false). */
  bidirectional?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation and of the dropout masks (default: the global generator). */
  generator?: Generator;
}

/** The parameters of one layer and direction: weight_ih [G·H, in], weight_hh [G·H, H], biases [G·H] or null. */
export interface RNNWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** One time step: gx = x·W_ihᵀ + b_ih [N, G·H] and the states [N, H] (h first) → the new states. */
export type RNNStep = (gx: Tensor, states: Tensor[], w: RNNWeights) => Tensor[];

/**
 * The stacked, optionally bidirectional recurrence. Parameters are registered per layer l and direction as
 * PyTorch does — `weight_ih_l{l}`, `weight_hh_l{l}`, `bias_ih_l{l}`, `bias_hh_l{l}`, with the suffix `_reverse` for
 * the backward direction — so state dicts interchange with torch.nn.LSTM/GRU, key order included. Every weight
 * and bias is initialised U(−1/√H, 1/√H), drawn in that order.
 */
export abstract class RNNBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Per layer, then direction (PyTorch's `all_weights` order). */
  readonly allWeights: readonly RNNWeights[];
  readonly #generator: Generator | undefined;

  /** `gates`: how many gate blocks of hiddenSize rows the weights stack (4 for LSTM, 3 for GRU). */
  protected constructor(gates: number, inputSize: number, hiddenSize: number, opts: RNNOptions | undefined) {
    super();
    const op = this.constructor.name;
    this.inputSize = checkInt(op, 'inputSize', inputSize);
    this.hiddenSize = checkInt(op, 'hiddenSize', hiddenSize, 1);
    const o = checkOptions(op, opts, ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'device', 'generator']);
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, device, generator } = o;
    this.numLayers = checkInt(op, 'numLayers', numLayers, 1);
    this.bias = checkBool(op, 'bias', bias);
    this.batchFirst = checkBool(op, 'batchFirst', batchFirst);
    this.dropout = checkNumber(op, 'dropout', dropout, 0, 1);
    this.bidirectional = checkBool(op, 'bidirectional', bidirectional);
    this.#generator = generator;
    const bound = 1 / Math.sqrt(hiddenSize);
    const param = (name: string, shape: number[]) => this.registerParameter(name, uniform(shape, -bound, bound, { generator, device }));
    const weights: RNNWeights[] = [];
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        const width = l === 0 ? inputSize : hiddenSize * this.directions;
        weights.push({
          weightIh: param(`weight_ih${sfx}`, [gates * hiddenSize, width]),
          weightHh: param(`weight_hh${sfx}`, [gates * hiddenSize, hiddenSize]),
          biasIh: bias ? param(`bias_ih${sfx}`, [gates * hiddenSize]) : null,
          biasHh: bias ? param(`bias_hh${sfx}`, [gates * hiddenSize]) : null,
        });
      }
    this.allWeights = weights;
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Checks x ([L, N, in], [N, L, in] with batchFirst, or unbatched [L, in]) and the initial states `hx` (each
   * [D·numLayers, N, H], or [D·numLayers, H] unbatched; zeros when absent, `names` for errors), runs `step` over
   * every layer and direction, and returns [output, final states], output [L, N, D·H] (batchFirst: [N, L, D·H];
   * unbatched: [L, D·H]) and each final state shaped as its initial state.
   */
  protected run(x: Tensor, hx: readonly Tensor[] | undefined, names: readonly string[], step: RNNStep): [Tensor, Tensor[]] {
    const op = this.constructor.name;
    checkTensor(op, 'input', x, FLOATS);
    const layout = this.batchFirst ? 'N, L' : 'L, N';
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== this.inputSize)
      throw new Error(`${op}: expected input of shape [${layout}, ${this.inputSize}] or [L, ${this.inputSize}] (inputSize ${this.inputSize}), got ${fmtShape(x.shape)}`);
    const batched = x.rank === 3;
    const seq = batched && this.batchFirst ? x.shape[1]! : x.shape[0]!;
    if (seq === 0) throw new Error(`${op}: expected a sequence of length >= 1, got input of shape ${fmtShape(x.shape)}`);
    const n = batched ? x.shape[this.batchFirst ? 0 : 1]! : 1;
    const stateShape = [this.directions * this.numLayers, ...(batched ? [n] : []), this.hiddenSize];
    hx?.forEach((s, i) => {
      checkTensor(op, names[i]!, s, FLOATS);
      if (!shapesEqual(s.shape, stateShape))
        throw new Error(
          `${op}: expected ${names[i]} of shape ${fmtShape(stateShape)} (numLayers·directions, ${batched ? 'batch, ' : ''}hiddenSize) ` +
            `for input of shape ${fmtShape(x.shape)}, got ${fmtShape(s.shape)}`,
        );
    });

    return tidy(() => {
      // Time-major with a batch dim inside: [L, N, features].
      let input = !batched ? unsqueeze(x, 1) : this.batchFirst ? transpose(x, 0, 1) : x;
      const init = hx?.map((s) => (batched ? s : unsqueeze(s, 1)));
      const finals: Tensor[][] = names.map(() => []);
      for (let l = 0; l < this.numLayers; l++) {
        const outputs: Tensor[] = [];
        for (let d = 0; d < this.directions; d++) {
          const k = l * this.directions + d;
          const w = this.allWeights[k]!;
          const gx = linear(input, w.weightIh, w.biasIh);
          let states = init ? init.map((s) => at(s, k)) : names.map(() => zeros([n, this.hiddenSize], { device: x.device }));
          const hs: Tensor[] = new Array<Tensor>(seq);
          for (let i = 0; i < seq; i++) {
            const t = d === 0 ? i : seq - 1 - i;
            states = step(at(gx, t), states, w);
            hs[t] = states[0]!;
          }
          outputs.push(stack(hs, 0));
          states.forEach((s, j) => finals[j]!.push(s));
        }
        input = outputs.length === 1 ? outputs[0]! : cat(outputs, 2);
        if (l < this.numLayers - 1) input = dropoutFn(input, this.dropout, { training: this.training, generator: this.#generator });
      }
      const output = !batched ? squeeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input;
      return [output, finals.map((f) => (batched ? stack(f, 0) : squeeze(stack(f, 0), 1)))];
    });
  }

  protected override extraRepr(): string {
    const opts = [
      this.numLayers !== 1 && `numLayers=${this.numLayers}`,
      !this.bias && 'bias=false',
      this.batchFirst && 'batchFirst=true',
      this.dropout !== 0 && `dropout=${this.dropout}`,
      this.bidirectional && 'bidirectional=true',
    ].filter((s) => s !== false);
    return [`${this.inputSize}, ${this.hiddenSize}`, ...opts].join(', ');
  }
}

/** x[i] along the first dim. */
function at(x: Tensor, i: number): Tensor {
  return squeeze(narrow(x, 0, i, 1), 0);
}
