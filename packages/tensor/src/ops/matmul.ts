/** Matrix product with torch.matmul semantics. */
import { autocastOp } from '../autocast.js';
import { isFloating } from '../dtype.js';
import { engine } from '../engine.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertSameDevice } from './promote.js';
import { assertTensor } from './util.js';

/**
 * Matrix product a @ b, as torch.matmul:
 * - 1-D · 1-D is the dot product (a 0-d tensor);
 * - a 1-D `a` is treated as a row [1, k] and a 1-D `b` as a column [k, 1], and that dim is removed again;
 * - otherwise the last two dims multiply ([..., m, k] @ [..., k, n] → [..., m, n]) and the leading (batch)
 *   dims broadcast, e.g. [2, 1, 3, 4] @ [5, 4, 2] → [2, 5, 3, 2].
 * Both operands must be float32, or both float16 (inside `autocast`, float32 operands are cast to float16).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor('matmul', 'a', a);
  assertTensor('matmul', 'b', b);
  const cast = autocastOp('float16', [a, b], matmul);
  if (cast) return cast;
  if (!isFloating(a.dtype) || a.dtype !== b.dtype)
    throw new Error(`matmul: both operands must be float32, got a ${a.dtype} and b ${b.dtype} (or both float16; cast them first)`);
  if (a.rank === 0 || b.rank === 0)
    throw new Error(`matmul: both operands must have at least 1 dim, got shapes ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  assertSameDevice('matmul', ['a', 'b'], [a, b]);
  const k = a.shape[a.rank - 1]!;
  const kb = b.rank === 1 ? b.shape[0]! : b.shape[b.rank - 2]!;
  if (k !== kb) throw new Error(`matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  const batch = batchShape(a.shape.slice(0, -2), b.shape.slice(0, -2), a.shape, b.shape);
  const m = a.rank === 1 ? null : a.shape[a.rank - 2]!;
  const n = b.rank === 1 ? null : b.shape[b.rank - 1]!;
  if (m !== null && n !== null) return engine.runKernel('MatMul', [a, b], { transposeA: false, transposeB: false });
  // A 1-D operand becomes a matrix for the kernel; its dim is then dropped from the result.
  const outShape = [...batch, ...(m === null ? [] : [m]), ...(n === null ? [] : [n])];
  return engine.tidy(() => {
    const a2 = m === null ? engine.runKernel('Reshape', [a], { shape: [1, k] }) : a;
    const b2 = n === null ? engine.runKernel('Reshape', [b], { shape: [k, 1] }) : b;
    const out = engine.runKernel('MatMul', [a2, b2], { transposeA: false, transposeB: false });
    return engine.runKernel('Reshape', [out], { shape: outShape });
  });
}

/** The broadcast of the batch dims, or an error naming both operands' shapes. */
function batchShape(x: readonly number[], y: readonly number[], aShape: readonly number[], bShape: readonly number[]): number[] {
  const rank = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dx = x[x.length - rank + i] ?? 1;
    const dy = y[y.length - rank + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1)
      throw new Error(
        `matmul: batch dims ${fmtShape(x)} and ${fmtShape(y)} cannot be broadcast together: ${fmtShape(aShape)} @ ${fmtShape(bShape)}`,
      );
    out.push(dx === 1 ? dy : dx);
  }
  return out;
}
