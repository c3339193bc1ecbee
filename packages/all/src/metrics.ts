/**
 * Metrics for `fit` and `evaluate`: each is a batch mean (a scalar tensor) that the loop weights by the batch's
 * sample count and accumulates on the device, so an epoch's value is the mean over its samples and nothing is
 * read back to the host per step.
 */
import { argmax, eq, fmtShape, gt, keep, mul, tidy, zeros, type Tensor } from '@nn/tensor';
import { describeValue as describe } from '@nn/tensor';

export interface Metric {
  /** Key in logs and history (`accuracy`; its validation twin is `valAccuracy`). */
  name: string;
  /** The metric's mean over the batch's samples, as a scalar float32 tensor on the output's device. */
  fn: (output: Tensor, target: Tensor) => Tensor;
}

/** A metric by name (`'accuracy'`) or a custom one. `'auto'` means accuracy when the task looks like classification. */
export type MetricSpec = 'accuracy' | Metric;

/** Names fit uses itself, which a metric may not take. */
const RESERVED = new Set(['loss', 'lr', 'epoch']);

/**
 * Fraction of samples whose predicted class is the target: argmax over dim 1 of `output` [N, C] against int32
 * class indices [N], or against the argmax of float32 class probabilities / one-hot targets [N, C]. For one
 * logit per sample ([N] or [N, 1]) it is binary: predicted positive when the logit is > 0, target positive when
 * > 0.5.
 */
export function accuracy(output: Tensor, target: Tensor): Tensor {
  const op = 'accuracy';
  if (output.rank === 2 && output.shape[1]! >= 2) {
    const n = output.shape[0]!;
    if (target.dtype === 'int32' && target.rank === 1 && target.shape[0] === n)
      return tidy(() => eq(argmax(output, 1), target).cast('float32').mean());
    if (target.dtype === 'float32' && target.rank === 2 && target.shape[0] === n && target.shape[1] === output.shape[1])
      return tidy(() => eq(argmax(output, 1), argmax(target, 1)).cast('float32').mean());
  } else if ((output.rank === 1 || (output.rank === 2 && output.shape[1] === 1)) && target.size === output.size) {
    return tidy(() => eq(gt(output.reshape([-1]), 0), gt(target.reshape([-1]).cast('float32'), 0.5)).cast('float32').mean());
  }
  throw new Error(
    `${op}: expected output [N, C] with int32 targets [N] or float32 targets [N, C], or one logit per sample; ` +
      `got output ${fmtShape(output.shape)} and target ${fmtShape(target.shape)} (${target.dtype})`,
  );
}

/** Whether `accuracy` applies to a batch: a classification output with matching targets. */
export function isClassification(output: Tensor, target: Tensor): boolean {
  if (output.rank !== 2 || output.shape[1]! < 2 || target.shape[0] !== output.shape[0]) return false;
  return (target.dtype === 'int32' && target.rank === 1) || (target.dtype === 'float32' && target.rank === 2 && target.shape[1] === output.shape[1]);
}

/** Validates `metrics` (an array of specs, or 'auto') and resolves names to metrics; 'auto' resolves later, per batch. */
export function resolveMetrics(op: string, specs: unknown): Metric[] | 'auto' {
  if (specs === undefined || specs === 'auto') return 'auto';
  if (!Array.isArray(specs)) throw new Error(`${op}: metrics must be 'auto' or an array of 'accuracy' / {name, fn}, got ${describe(specs)}`);
  const out: Metric[] = [];
  for (const [i, s] of specs.entries()) {
    let m: Metric;
    if (s === 'accuracy') m = { name: 'accuracy', fn: accuracy };
    else if (s !== null && typeof s === 'object' && typeof (s as Metric).name === 'string' && typeof (s as Metric).fn === 'function') m = s as Metric;
    else throw new Error(`${op}: metrics[${i}] must be 'accuracy' or {name, fn}, got ${typeof s === 'string' ? `'${s}'` : describe(s)}`);
    if (!/^[a-z][A-Za-z0-9]*$/.test(m.name))
      throw new Error(`${op}: metrics[${i}].name must be a camelCase identifier starting with a lowercase letter, got '${m.name}'`);
    if (RESERVED.has(m.name)) throw new Error(`${op}: metrics[${i}].name '${m.name}' is reserved (loss, lr, epoch)`);
    if (out.some((o) => o.name === m.name)) throw new Error(`${op}: metrics[${i}].name '${m.name}' appears twice`);
    out.push(m);
  }
  return out;
}

/** The metrics that 'auto' gives for a batch: accuracy for classification, none otherwise. */
export function autoMetrics(output: Tensor, target: Tensor): Metric[] {
  return isClassification(output, target) ? [{ name: 'accuracy', fn: accuracy }] : [];
}

/** `valAccuracy` for `accuracy`: the key of a metric measured on the validation data. */
export function valKey(name: string): string {
  return `val${name[0]!.toUpperCase()}${name.slice(1)}`;
}

/**
 * Sample-weighted sums of the loss and the metrics, held on the device in kept scalar tensors that are updated
 * in place (`assign`), plus the sample count on the host. `values()` is the only readback.
 */
export class Accumulator {
  readonly names: readonly string[];
  readonly #sums: Tensor[];
  samples = 0;

  constructor(names: readonly string[], device?: Tensor['device']) {
    this.names = names;
    this.#sums = names.map(() => keep(zeros([], { device })));
  }

  /** Adds `means[i] · n` to sum i (inside the caller's tidy). */
  add(means: readonly Tensor[], n: number): void {
    means.forEach((m, i) => {
      if (m.size !== 1) throw new Error(`fit: ${this.names[i]} must be a scalar (one element), got shape ${fmtShape(m.shape)}`);
      const s = this.#sums[i]!;
      s.assign(s.add(mul(m.reshape([]).cast('float32'), n)));
    });
    this.samples += n;
  }

  /** The means so far, by name (NaN before any sample). */
  async values(): Promise<Record<string, number>> {
    const read = await Promise.all(this.#sums.map((s) => s.data()));
    return Object.fromEntries(this.names.map((k, i) => [k, read[i]![0]! / this.samples]));
  }

  /** The raw sums, for a checkpoint (the caller must not dispose them). */
  get sums(): readonly Tensor[] {
    return this.#sums;
  }

  /** Restores sums and count saved by a checkpoint. */
  restore(sums: readonly Tensor[], samples: number): void {
    tidy(() => sums.forEach((t, i) => this.#sums[i]!.assign(t.to(this.#sums[i]!.device).reshape([]))));
    this.samples = samples;
  }

  dispose(): void {
    for (const s of this.#sums) s.dispose();
  }
}
