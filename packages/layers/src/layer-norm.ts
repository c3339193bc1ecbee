/** Layer normalisation over the trailing dims (torch.nn.LayerNorm) and its functional form. */
import { add, autocastOp, fmtShape, mul, ones, shapesEqual, tidy, zeros, type Device, type Tensor } from '@nn/tensor';
import { checkBool, checkNumber, checkOptions, checkTensor, describe, FLOATS } from './args.js';
import { Module } from './module.js';
import { channelStats, normalizeWith } from './normalize.js';

export interface LayerNormFunctionalOptions {
  /** Scale, shaped `normalizedShape` (default none). */
  weight?: Tensor | null;
  /** Shift, shaped `normalizedShape` (default none). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

function checkNormalizedShape(op: string, shape: unknown): number[] {
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new Error(`${op}: normalizedShape must be a non-negative integer or a non-empty array of them, got ${Array.isArray(shape) ? JSON.stringify(shape) : describe(shape)}`);
  return s.slice();
}

/**
 * y = (x − E[x]) / √(Var[x] + eps) · weight + bias, the statistics taken over the trailing dims given by
 * `normalizedShape` (biased variance), independently for every leading index (F.layer_norm).
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], opts?: LayerNormFunctionalOptions): Tensor {
  const op = 'layerNorm';
  checkTensor(op, 'x', x, FLOATS);
  const shape = checkNormalizedShape(op, normalizedShape);
  const { weight = null, bias = null, eps = 1e-5 } = checkOptions(op, opts, ['weight', 'bias', 'eps']);
  checkNumber(op, 'eps', eps, 0);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null) continue;
    checkTensor(op, name, t, FLOATS);
    if (!shapesEqual(t.shape, shape)) throw new Error(`${op}: ${name} must have shape ${fmtShape(shape)} (normalizedShape), got ${fmtShape(t.shape)}`);
  }
  return normalizeTrailing(op, x, shape, weight, bias, eps);
}

/** On autocast's float32 list, as PyTorch's layer_norm. */
function normalizeTrailing(op: string, x: Tensor, shape: number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const cast = autocastOp('float32', [x, weight, bias], (xf, w, b) => normalizeTrailing(op, xf!, shape, w, b, eps));
  if (cast) return cast;
  const k = shape.length;
  if (x.rank < k || !shapesEqual(x.shape.slice(x.rank - k), shape))
    throw new Error(`${op}: expected input with trailing dims ${fmtShape(shape)} (normalizedShape), got shape ${fmtShape(x.shape)}`);
  // Each leading index is a row of D = prod(normalizedShape) values: x viewed as [1, rows, D], normalised per row.
  const d = shape.reduce((p, n) => p * n, 1);
  const view: [number, number, number] = [1, d === 0 ? 0 : x.size / d, d];
  return tidy(() => {
    if (x.size === 0) return mul(x, 1);
    const { mean, variance } = channelStats(x, view);
    let y = normalizeWith(x, view, mean, variance, eps, null, null);
    if (weight) y = mul(y, weight);
    if (bias) y = add(y, bias);
    return y;
  });
}

export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a scale `weight` (init 1) and, if `bias`, a shift `bias` (init 0), shaped normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the shift when elementwiseAffine (default true). */
  bias?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
}

/**
 * Layer normalisation (Ba et al., 2016) over the trailing dims `normalizedShape`: every leading index is
 * normalised with its own mean and biased variance, then scaled and shifted elementwise.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts?: LayerNormOptions) {
    super();
    const op = 'LayerNorm';
    this.normalizedShape = Object.freeze(checkNormalizedShape(op, normalizedShape));
    const o = checkOptions(op, opts, ['eps', 'elementwiseAffine', 'bias', 'device']);
    this.eps = checkNumber(op, 'eps', o.eps ?? 1e-5, 0);
    this.elementwiseAffine = checkBool(op, 'elementwiseAffine', o.elementwiseAffine ?? true);
    const withBias = checkBool(op, 'bias', o.bias ?? true);
    const shape = this.normalizedShape.slice();
    this.weight = this.registerParameter('weight', this.elementwiseAffine ? ones(shape, { device: o.device }) : null);
    this.bias = this.registerParameter('bias', this.elementwiseAffine && withBias ? zeros(shape, { device: o.device }) : null);
  }

  forward(x: Tensor): Tensor {
    checkTensor('LayerNorm', 'input', x, FLOATS);
    return normalizeTrailing('LayerNorm', x, this.normalizedShape.slice(), this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
