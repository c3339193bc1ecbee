import { fmtShape, shapesEqual, type Tensor } from '@nn/tensor';
import { reshapeTo, sumDims } from './kernel-calls.js';

/**
 * Sums a gradient of a broadcast result back to the shape of the operand that was broadcast: over the leading
 * dims the operand lacked and over the dims where it had size 1 (the transpose of broadcasting).
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  if (lead < 0) throw new Error(`unbroadcast: gradient shape ${fmtShape(grad.shape)} has lower rank than ${fmtShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && grad.shape[i] !== 1) dims.push(i);
    else if (shape[i - lead] !== grad.shape[i])
      throw new Error(`unbroadcast: gradient shape ${fmtShape(grad.shape)} does not broadcast from ${fmtShape(shape)}`);
  }
  return reshapeTo(dims.length ? sumDims(grad, dims, true) : grad, shape);
}
