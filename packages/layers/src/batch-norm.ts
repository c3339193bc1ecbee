/** Batch normalisation over the channel dim (torch.nn.BatchNorm1d over [N, C] or [N, C, L], BatchNorm2d over [N, C, H, W]). */
import { noGrad } from '@nn/autograd';
import { add, cast, fmtShape, mul, ones, reciprocal, sub, tidy, zeros, type Device, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkNumber, checkOptions, checkTensor, describe, FLOATS } from './args.js';
import { Module } from './module.js';
import { channelStats, normalizeWith, type ChannelStats } from './normalize.js';

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1); null gives the cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (init 1) and shift `bias` (init 0) (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them batch statistics are always used. */
  trackRunningStats?: boolean;
  /** Device of the parameters and buffers (default: the current backend). */
  device?: Device;
}

/**
 * y = (x − E[x]) / √(Var[x] + eps) · weight + bias per channel (dim 1), with the statistics taken over every
 * other dim: for input [N, C] over N, for [N, C, L] over N and L (n = N·L values per channel), for
 * [N, C, H, W] over N, H and W. The subclasses only say which input ranks they take.
 *
 * - Training: normalises with the batch mean and the biased batch variance, then updates the running averages
 *   runningMean ← (1 − m)·runningMean + m·mean and runningVar ← (1 − m)·runningVar + m·var_unbiased, with
 *   var_unbiased = Σ(x − mean)² / (n − 1) and m = momentum, or 1/numBatchesTracked when momentum is null
 *   (a cumulative average); numBatchesTracked counts the updates. The updates are in place, not recorded by
 *   autograd, and free their temporaries. A batch with a single value per channel is an error, as in PyTorch.
 * - Evaluation: normalises with runningMean and runningVar.
 * - trackRunningStats false: no running statistics (and no such state-dict keys); batch statistics always.
 *
 * State-dict keys are PyTorch's: weight, bias, running_mean, running_var, num_batches_tracked (int32 here,
 * int64 in PyTorch; loading converts).
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;

  protected constructor(
    private readonly op: string,
    numFeatures: number,
    opts: BatchNormOptions | undefined,
  ) {
    super();
    this.numFeatures = checkInt(op, 'numFeatures', numFeatures, 1);
    const o = checkOptions(op, opts, ['eps', 'momentum', 'affine', 'trackRunningStats', 'device']);
    this.eps = checkNumber(op, 'eps', o.eps ?? 1e-5, 0);
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)))
      throw new Error(`${op}: momentum must be a number in [0, 1] or null, got ${describe(momentum)}`);
    this.momentum = momentum;
    this.affine = checkBool(op, 'affine', o.affine ?? true);
    this.trackRunningStats = checkBool(op, 'trackRunningStats', o.trackRunningStats ?? true);
    const device = o.device;
    const c = numFeatures;
    this.weight = this.registerParameter('weight', this.affine ? ones([c], { device }) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros([c], { device }) : null);
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([c], { device }) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([c], { device }) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32', device }) : null);
  }

  /** The input shapes this layer takes, as an error message shows them (`[N, 3] or [N, 3, L]`); null if x fits. */
  protected abstract expectedShape(x: Tensor): string | null;

  forward(x: Tensor): Tensor {
    const op = this.op;
    checkTensor(op, 'input', x, FLOATS);
    const c = this.numFeatures;
    const expected = this.expectedShape(x);
    if (expected !== null) throw new Error(`${op}: expected input of shape ${expected}, got ${fmtShape(x.shape)}`);
    const useBatchStats = this.training || !this.trackRunningStats;
    if (useBatchStats && x.size === c)
      throw new Error(`${op}: Expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`);
    // [N, C, L] (L = H·W for images, 1 for [N, C]): statistics per channel over N and L.
    const view: [number, number, number] = [x.shape[0]!, c, x.size / Math.max(1, x.shape[0]! * c)];
    return tidy(() => {
      if (x.size === 0) return mul(x, 1);
      if (!useBatchStats) {
        // Detached views: a later update of the buffers (assign) must not touch what this graph saved.
        return normalizeWith(x, view, this.runningMean!.detach(), this.runningVar!.detach(), this.eps, this.weight, this.bias);
      }
      const stats = channelStats(x, view);
      if (this.training && this.trackRunningStats) this.#updateRunningStats(stats);
      return normalizeWith(x, view, stats.mean, stats.variance, this.eps, this.weight, this.bias);
    });
  }

  #updateRunningStats({ mean, variance, n }: ChannelStats): void {
    const rm = this.runningMean!;
    const rv = this.runningVar!;
    const count = this.numBatchesTracked!;
    noGrad(() =>
      tidy(() => {
        count.assign(add(count, 1));
        const m = this.momentum ?? reciprocal(cast(count, 'float32'));
        const keepFactor = typeof m === 'number' ? 1 - m : sub(1, m);
        const unbiased = mul(variance.detach(), n / (n - 1));
        rm.assign(add(mul(mean.detach(), m), mul(rm, keepFactor)));
        rv.assign(add(mul(unbiased, m), mul(rv, keepFactor)));
      }),
    );
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalisation over [N, C] or [N, C, L] inputs (torch.nn.BatchNorm1d); see BatchNormBase. */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts?: BatchNormOptions) {
    super('BatchNorm1d', numFeatures, opts);
  }

  protected expectedShape(x: Tensor): string | null {
    const c = this.numFeatures;
    return (x.rank === 2 || x.rank === 3) && x.shape[1] === c ? null : `[N, ${c}] or [N, ${c}, L]`;
  }
}

/** Batch normalisation over [N, C, H, W] images, statistics per channel over N, H and W (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts?: BatchNormOptions) {
    super('BatchNorm2d', numFeatures, opts);
  }

  protected expectedShape(x: Tensor): string | null {
    return x.rank === 4 && x.shape[1] === this.numFeatures ? null : `[N, ${this.numFeatures}, H, W]`;
  }
}
