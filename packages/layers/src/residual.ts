/** A skip connection around a module. */
import { add, fmtShape, shapesEqual, tidy, type Tensor } from '@nn/tensor';
import { describe } from './args.js';
import { Module } from './module.js';
import type { TensorModule } from './sequential.js';

/**
 * y = x + module(x) (He et al., 2016). The wrapped module is the child 'module' (state-dict keys
 * `module.weight`, ...) and must keep the input's shape.
 */
export class Residual extends Module {
  readonly module: TensorModule;

  constructor(module: TensorModule) {
    super();
    if (!(module instanceof Module)) throw new Error(`Residual: module must be a Module, got ${describe(module)}`);
    this.module = this.registerModule('module', module);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const y = this.module.call(x);
      if (!shapesEqual(y.shape, x.shape))
        throw new Error(`Residual: the module's output shape ${fmtShape(y.shape)} differs from its input shape ${fmtShape(x.shape)}`);
      return add(x, y);
    });
  }
}
