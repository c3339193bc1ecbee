import { full, type Tensor } from '@nn/tensor';
import { checkOptions, checkShape, describe, type InitOptions } from './options.js';

type FillOptions = Omit<InitOptions, 'generator'>;

/** A float32 tensor of `shape` filled with `value` (PyTorch's `constant_`; ±Infinity and NaN are allowed). */
export function constant(shape: number | readonly number[], value: number, opts?: FillOptions): Tensor {
  return filled('constant', shape, value, opts);
}

/** A float32 tensor of zeros (PyTorch's `zeros_`), e.g. for biases. */
export function zeros(shape: number | readonly number[], opts?: FillOptions): Tensor {
  return filled('zeros', shape, 0, opts);
}

/** A float32 tensor of ones (PyTorch's `ones_`), e.g. for normalisation weights. */
export function ones(shape: number | readonly number[], opts?: FillOptions): Tensor {
  return filled('ones', shape, 1, opts);
}

function filled(op: string, shape: unknown, value: unknown, opts: FillOptions | undefined): Tensor {
  const s = checkShape(op, shape);
  const o = checkOptions(op, opts);
  if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${describe(value)}`);
  return full(s, value, { dtype: 'float32', device: o.device, requiresGrad: o.requiresGrad });
}
