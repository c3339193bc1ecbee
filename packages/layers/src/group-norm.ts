/** Group normalisation (torch.nn.GroupNorm, Wu & He 2018) and its functional form. */
import { add, autocastOp, fmtShape, mul, ones, reshape, tidy, zeros, type Device, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkNumber, checkOptions, checkTensor, FLOATS } from './args.js';
import { Module } from './module.js';
import { channelStats, normalizeWith } from './normalize.js';

export interface GroupNormFunctionalOptions {
  /** Per-channel scale [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * The channels of x [N, C, *] split into `numGroups` groups of C/G consecutive channels; each sample's group is
 * normalised with its own mean and biased variance (over its channels and all spatial positions), then each
 * channel is scaled and shifted: y = (x − E[x]) / √(Var[x] + eps) · weight[c] + bias[c] (F.group_norm).
 * Unlike BatchNorm it does not depend on the batch, so it behaves the same in training and evaluation.
 */
export function groupNorm(x: Tensor, numGroups: number, opts?: GroupNormFunctionalOptions): Tensor {
  const op = 'groupNorm';
  const { weight = null, bias = null, eps = 1e-5 } = checkOptions(op, opts, ['weight', 'bias', 'eps']);
  checkNumber(op, 'eps', eps, 0);
  return groupNormImpl(op, x, checkInt(op, 'numGroups', numGroups, 1), weight, bias, eps);
}

/** On autocast's float32 list, as PyTorch's group_norm. */
function groupNormImpl(op: string, x: Tensor, groups: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const cast = autocastOp('float32', [x, weight, bias], (xf, w, b) => groupNormImpl(op, xf!, groups, w, b, eps));
  if (cast) return cast;
  checkTensor(op, 'input', x, FLOATS);
  if (x.rank < 2) throw new Error(`${op}: expected input of shape [N, C, *], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  if (c % groups !== 0) throw new Error(`${op}: the input's ${c} channels (shape ${fmtShape(x.shape)}) must be divisible by numGroups (${groups})`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null) continue;
    checkTensor(op, name, t, FLOATS);
    if (t.rank !== 1 || t.shape[0] !== c) throw new Error(`${op}: ${name} must have shape [${c}] (channels), got ${fmtShape(t.shape)}`);
  }
  // Each (sample, group) is a row of its C/G channels' values: x viewed as [1, N·G, D], normalised per row.
  const rows = x.shape[0]! * groups;
  const view: [number, number, number] = [1, rows, rows === 0 ? 0 : x.size / rows];
  return tidy(() => {
    if (x.size === 0) return mul(x, 1);
    const { mean, variance } = channelStats(x, view);
    let y = normalizeWith(x, view, mean, variance, eps, null, null);
    const perChannel = [c, ...x.shape.slice(2).map(() => 1)];
    if (weight) y = mul(y, reshape(weight, perChannel));
    if (bias) y = add(y, reshape(bias, perChannel));
    return y;
  });
}

export interface GroupNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale `weight` (init 1) and shift `bias` (init 0) (default true). */
  affine?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
}

/** Group normalisation layer over [N, numChannels, *] inputs; see `groupNorm`. Keys `weight`, `bias` as PyTorch. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(numGroups: number, numChannels: number, opts?: GroupNormOptions) {
    super();
    const op = 'GroupNorm';
    this.numGroups = checkInt(op, 'numGroups', numGroups, 1);
    this.numChannels = checkInt(op, 'numChannels', numChannels, 1);
    if (numChannels % numGroups !== 0) throw new Error(`${op}: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const o = checkOptions(op, opts, ['eps', 'affine', 'device']);
    this.eps = checkNumber(op, 'eps', o.eps ?? 1e-5, 0);
    this.affine = checkBool(op, 'affine', o.affine ?? true);
    this.weight = this.registerParameter('weight', this.affine ? ones([numChannels], { device: o.device }) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros([numChannels], { device: o.device }) : null);
  }

  forward(x: Tensor): Tensor {
    checkTensor('GroupNorm', 'input', x, FLOATS);
    if (x.rank < 2 || x.shape[1] !== this.numChannels)
      throw new Error(`GroupNorm: expected input of shape [N, ${this.numChannels}, *], got ${fmtShape(x.shape)}`);
    return groupNormImpl('GroupNorm', x, this.numGroups, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
