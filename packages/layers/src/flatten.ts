import { flatten, type Tensor } from '@nn/tensor';
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
