/** The affine layer y = x·Wᵀ + b (torch.nn.Linear) and its functional form. */
import { kaimingUniform, uniform } from '@nn/init';
import { add, autocastOp, engine, fmtShape, reshape, tidy, type Device, type Generator, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkOptions, checkSameDtype, checkTensor, FLOATS } from './args.js';
import { Module } from './module.js';

/**
 * x·Wᵀ + b over the last dim of x (any rank ≥ 1): x [..., in], weight [out, in], bias [out] or null →
 * [..., out]. Leading dims are folded into one matrix product, whose transposed operand is a flag of the MatMul
 * kernel (no copy of W).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const cast = autocastOp('float16', [x, weight, bias], linear);
  if (cast) return cast;
  const op = 'linear';
  checkTensor(op, 'x', x, FLOATS);
  checkTensor(op, 'weight', weight, FLOATS);
  if (weight.rank !== 2) throw new Error(`${op}: weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}`);
  const [out, inp] = weight.shape as [number, number];
  if (bias !== null) {
    checkTensor(op, 'bias', bias, FLOATS);
    if (bias.rank !== 1 || bias.shape[0] !== out)
      throw new Error(`${op}: bias must have shape [${out}] for weight of shape ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`);
  }
  checkSameDtype(op, x, { weight, bias });
  if (x.rank === 0 || x.shape[x.rank - 1] !== inp)
    throw new Error(`${op}: expected input with last dim ${inp} (weight shape ${fmtShape(weight.shape)}), got shape ${fmtShape(x.shape)}`);
  return tidy(() => {
    const x2 = x.rank === 2 ? x : reshape(x, [-1, inp]);
    let y = engine.runKernel('MatMul', [x2, weight], { transposeA: false, transposeB: true });
    if (bias !== null) y = add(y, bias);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), out]);
  });
}

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation (default: the global generator). */
  generator?: Generator;
}

/**
 * Fully connected layer y = x·Wᵀ + b, with `weight` [outFeatures, inFeatures] as in PyTorch so state dicts
 * interchange. Initialised as torch.nn.Linear: W by kaiming_uniform with a = √5, i.e. U(−1/√in, 1/√in), then
 * b ~ U(−1/√in, 1/√in) (bound 0 when inFeatures is 0), drawn in that order from the generator.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts?: LinearOptions) {
    super();
    const op = 'Linear';
    this.inFeatures = checkInt(op, 'inFeatures', inFeatures);
    this.outFeatures = checkInt(op, 'outFeatures', outFeatures);
    const { bias = true, device, generator } = checkOptions(op, opts, ['bias', 'device', 'generator']);
    checkBool(op, 'bias', bias);
    this.weight = this.registerParameter('weight', kaimingUniform([outFeatures, inFeatures], { a: Math.sqrt(5), generator, device }));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = this.registerParameter('bias', bias ? uniform([outFeatures], -bound, bound, { generator, device }) : null);
  }

  forward(x: Tensor): Tensor {
    checkTensor('Linear', 'input', x, FLOATS);
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures)
      throw new Error(`Linear: expected input with last dim ${this.inFeatures} (inFeatures), got shape ${fmtShape(x.shape)}`);
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Alias of `Linear` (Keras' name). */
export const Dense = Linear;
export type Dense = Linear;
