import { flatten, fmtShape, reshape, type Tensor } from '@nn/tensor';
import { checkTensor, describe } from './args.js';
import { Module } from './module.js';

/** Merges dims startDim..endDim (default 1..-1: everything but the batch dim) into one. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [['startDim', startDim], ['endDim', endDim]] as const)
      if (!Number.isSafeInteger(v)) throw new Error(`Flatten: ${name} must be an integer, got ${describe(v)}`);
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return flatten(checkTensor('Flatten', 'input', x), this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (torch.nn.Unflatten): [N, 784] with Unflatten(1, [1, 28, 28]) →
 * [N, 1, 28, 28]. The inverse of Flatten; no copy.
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isSafeInteger(dim)) throw new Error(`Unflatten: dim must be an integer, got ${describe(dim)}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((d) => Number.isSafeInteger(d) && d >= -1))
      throw new Error(`Unflatten: unflattenedSize must be a non-empty array of sizes (one may be -1), got ${Array.isArray(unflattenedSize) ? JSON.stringify(unflattenedSize) : describe(unflattenedSize)}`);
    this.dim = dim;
    this.unflattenedSize = Object.freeze(unflattenedSize.slice());
  }

  forward(x: Tensor): Tensor {
    checkTensor('Unflatten', 'input', x);
    const d = this.dim < 0 ? this.dim + x.rank : this.dim;
    if (d < 0 || d >= x.rank) throw new Error(`Unflatten: dim ${this.dim} is out of range for input of shape ${fmtShape(x.shape)}`);
    const known = this.unflattenedSize.reduce((p, s) => (s === -1 ? p : p * s), 1);
    const n = x.shape[d]!;
    const fits = this.unflattenedSize.includes(-1) ? known > 0 && n % known === 0 : known === n;
    if (!fits) throw new Error(`Unflatten: unflattenedSize ${fmtShape(this.unflattenedSize)} does not match dim ${this.dim} of size ${n} (input shape ${fmtShape(x.shape)})`);
    return reshape(x, [...x.shape.slice(0, d), ...this.unflattenedSize, ...x.shape.slice(d + 1)]);
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=${fmtShape(this.unflattenedSize)}`;
  }
}
