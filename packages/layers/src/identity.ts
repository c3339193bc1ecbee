import type { Tensor } from '@nn/tensor';
import { checkTensor } from './args.js';
import { Module } from './module.js';

/** Returns its input unchanged (the same tensor): a placeholder, e.g. an optional layer switched off. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor('Identity', 'input', x);
  }
}
