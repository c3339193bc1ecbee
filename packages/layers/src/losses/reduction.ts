/** What every loss shares: the `reduction` option and the input/target checks. */
import { fmtShape, mean, shapesEqual, sum, type Tensor } from '@nn/tensor';
import { checkTensor, describe, FLOATS } from '../args.js';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The `reduction` option, 'mean' when undefined. */
export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction === undefined) return 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none')
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(reduction)}`);
  return reduction;
}

/** mean, sum or the losses themselves. */
export function reduce(losses: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(losses) : reduction === 'sum' ? sum(losses) : losses;
}

/**
 * Checks a float32 input and a float32 target of exactly its shape. PyTorch broadcasts some losses with a
 * warning, which hides the classic [N, 1]-against-[N] bug; here it is an error naming both shapes.
 */
export function checkPair(op: string, input: unknown, target: unknown): [Tensor, Tensor] {
  const x = checkTensor(op, 'input', input, FLOATS);
  const y = checkTensor(op, 'target', target);
  if (y.dtype !== 'float32') throw new Error(`${op}: target must be float32, got ${y.dtype} (cast it with target.cast('float32'))`);
  if (!shapesEqual(x.shape, y.shape))
    throw new Error(`${op}: target shape ${fmtShape(y.shape)} must match input shape ${fmtShape(x.shape)}`);
  if (x.device !== y.device) throw new Error(`${op}: input is on ${x.device} but target is on ${y.device}`);
  return [x, y];
}
