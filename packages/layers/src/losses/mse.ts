import { autocastOp, square, sub, tidy, type Tensor } from '@nn/tensor';
import { checkOptions } from '../args.js';
import { checkPair, checkReduction, reduce, type Reduction } from './reduction.js';

export interface MseLossOptions {
  reduction?: Reduction;
}

/** Mean squared error: (input − target)², averaged (default), summed or elementwise. Same shapes required. */
export function mseLoss(input: Tensor, target: Tensor, opts?: MseLossOptions): Tensor {
  const cast = autocastOp('float32', [input, target], (x, y) => mseLoss(x, y, opts)); // PyTorch's float32 list
  if (cast) return cast;
  const op = 'mseLoss';
  const [x, y] = checkPair(op, input, target);
  const reduction = checkReduction(op, checkOptions(op, opts, ['reduction']).reduction);
  return tidy(() => reduce(square(sub(x, y)), reduction));
}
