/** The single-step recurrent cells (torch.nn.LSTMCell, torch.nn.GRUCell) and their base (torch.nn.RNNCellBase). */
import { uniform } from '@nn/init';
import { fmtShape, shapesEqual, tidy, zeros, type Device, type Generator, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkOptions, checkTensor, describe, FLOATS } from '../args.js';
import { linear } from '../linear.js';
import { Module } from '../module.js';
import { gruStep, lstmStep } from './steps.js';

export interface RNNCellOptions {
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation (default: the global generator). */
  generator?: Generator;
}

/**
 * One step of a recurrence on x [N, inputSize] (or unbatched [inputSize]) and states [N, H] ([H]), zeros when
 * absent. Parameters `weight_ih` [G·H, inputSize], `weight_hh` [G·H, H], `bias_ih`, `bias_hh` [G·H] (G gate
 * blocks), registered and initialised U(−1/√H, 1/√H) in that order, as PyTorch.
 */
export abstract class RNNCellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  protected constructor(gates: number, inputSize: number, hiddenSize: number, opts: RNNCellOptions | undefined) {
    super();
    const op = this.constructor.name;
    this.inputSize = checkInt(op, 'inputSize', inputSize);
    this.hiddenSize = checkInt(op, 'hiddenSize', hiddenSize, 1);
    const { bias = true, device, generator } = checkOptions(op, opts, ['bias', 'device', 'generator']);
    this.bias = checkBool(op, 'bias', bias);
    const bound = 1 / Math.sqrt(hiddenSize);
    const param = (name: string, shape: number[]) => this.registerParameter(name, uniform(shape, -bound, bound, { generator, device }));
    this.weightIh = param('weight_ih', [gates * hiddenSize, inputSize]);
    this.weightHh = param('weight_hh', [gates * hiddenSize, hiddenSize]);
    this.biasIh = bias ? param('bias_ih', [gates * hiddenSize]) : null;
    this.biasHh = bias ? param('bias_hh', [gates * hiddenSize]) : null;
  }

  /** Checks x and the states `hx` (`names` for errors), then returns `step(x·W_ihᵀ + b_ih, states)`. */
  protected run(x: Tensor, hx: readonly Tensor[] | undefined, names: readonly string[], step: (gx: Tensor, states: Tensor[]) => Tensor[]): Tensor[] {
    const op = this.constructor.name;
    checkTensor(op, 'input', x, FLOATS);
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize)
      throw new Error(`${op}: expected input of shape [N, ${this.inputSize}] or [${this.inputSize}] (inputSize ${this.inputSize}), got ${fmtShape(x.shape)}`);
    const stateShape = [...x.shape.slice(0, -1), this.hiddenSize];
    hx?.forEach((s, i) => {
      checkTensor(op, names[i]!, s, FLOATS);
      if (!shapesEqual(s.shape, stateShape))
        throw new Error(`${op}: expected ${names[i]} of shape ${fmtShape(stateShape)} for input of shape ${fmtShape(x.shape)}, got ${fmtShape(s.shape)}`);
    });
    // Every op of a step works on the last dim, so an unbatched x needs no batch dim.
    return tidy(() => step(linear(x, this.weightIh, this.biasIh), hx ? [...hx] : names.map(() => zeros(stateShape, { device: x.device }))));
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** One LSTM step (see `lstmStep` for the equations): `forward(x, [h, c]?)` → `[h', c']`. */
export class LSTMCell extends RNNCellBase<[x: Tensor, hx?: [Tensor, Tensor] | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNCellOptions) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2))
      throw new Error(`LSTMCell: hx must be [h, c], an array of two Tensors, got ${Array.isArray(hx) ? `an array of ${hx.length}` : describe(hx)}`);
    const [h, c] = this.run(x, hx ?? undefined, ['h', 'c'], (gx, [h, c]) => lstmStep(gx, h!, c!, this.weightHh, this.biasHh));
    return [h!, c!];
  }
}

/** One GRU step (see `gruStep` for the equations): `forward(x, h?)` → `h'`. */
export class GRUCell extends RNNCellBase<[x: Tensor, hx?: Tensor | null], Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNCellOptions) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, hx?: Tensor | null): Tensor {
    return this.run(x, hx == null ? undefined : [hx], ['h'], (gx, [h]) => [gruStep(gx, h!, this.weightHh, this.biasHh)])[0]!;
  }
}
