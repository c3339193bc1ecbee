/** Gradient rule of MatMul, for every combination of transposed operands, with batch-broadcast reduction. */
import type { Tensor } from '@nn/tensor';
import { matmulK } from './kernel-calls.js';
import type { GradRule } from './types.js';
import { unbroadcast } from './unbroadcast.js';

/**
 * C = op(A)·op(B) with op(M) = M or Mᵀ over the last two dims. For C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC; a stored
 * transposed operand gets the transpose of that, which is again one MatMul with transpose flags (no copies).
 * Batch dims that were broadcast are summed back to each operand's shape.
 */
export const MATMUL_RULES = {
  MatMul: {
    saveInputs: [0, 1],
    backward(dc, { inputs, attrs, needs }) {
      const [a, b] = inputs as [Tensor, Tensor];
      const { transposeA: ta, transposeB: tb } = attrs as { transposeA: boolean; transposeB: boolean };
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (needs[0]) da = ta ? matmulK(b, dc, tb, true) : matmulK(dc, b, false, !tb);
      if (needs[1]) db = tb ? matmulK(dc, a, true, ta) : matmulK(a, dc, !ta, false);
      return [da && unbroadcast(da, a.shape), db && unbroadcast(db, b.shape)];
    },
  },
} satisfies Record<string, GradRule>;
