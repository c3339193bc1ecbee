/**
 * Attention masks: the causal mask, bool masks as additive biases, and nn.MultiheadAttention's mask shapes.
 * Every mask ends up as a float bias added to the scores before the softmax, as in PyTorch 2 (a bool mask becomes
 * 0 / −inf, a float mask is added as it is).
 */
import { arange, fmtShape, ge, reshape, shapesEqual, where, type Device, type Tensor } from '@nn/tensor';
import { checkTensor } from '../args.js';

/** Bool [L, S], true where query i may attend to key j, i.e. j ≤ i (lower triangle, aligned top-left as PyTorch's). */
export function causalMask(l: number, s: number, device: Device): Tensor {
  return ge(reshape(arange(0, l, 1, { device }), [l, 1]), reshape(arange(0, s, 1, { device }), [1, s]));
}

/**
 * The bias a mask adds to the scores: a float mask as it is; a bool mask as 0 where attention is allowed and
 * −inf where it is not, `trueMeans` saying which of the two `true` marks (PyTorch's two conventions:
 * scaled_dot_product_attention's 'allowed', MultiheadAttention's 'blocked').
 */
export function maskBias(mask: Tensor, trueMeans: 'allowed' | 'blocked'): Tensor {
  if (mask.dtype !== 'bool') return mask;
  return trueMeans === 'allowed' ? where(mask, 0, -Infinity) : where(mask, -Infinity, 0);
}

/** `mask` if it is a live bool or float32 Tensor (or absent), else an error naming `op` and `name`. */
export function checkMask(op: string, name: string, mask: unknown): Tensor | null {
  if (mask === undefined || mask === null) return null;
  return checkTensor(op, name, mask, ['bool', 'float32']);
}

/** The sizes MultiheadAttention's masks are checked against; `batch` null for unbatched inputs. */
export interface MaskDims {
  batch: number | null;
  heads: number;
  l: number;
  s: number;
}

/**
 * Checks nn.MultiheadAttention's masks (given as [name, value] so the caller's argument names appear in the
 * errors): the attention mask [L, S] or [N·heads, L, S] ([heads, L, S] unbatched), the key padding mask [N, S]
 * ([S] unbatched); each bool or float32.
 */
export function checkMhaMasks(
  op: string, attnMask: [string, unknown], keyPaddingMask: [string, unknown], d: MaskDims,
): [Tensor | null, Tensor | null] {
  const am = checkMask(op, attnMask[0], attnMask[1]);
  if (am) {
    const allowed = [[d.l, d.s], [(d.batch ?? 1) * d.heads, d.l, d.s]];
    if (!allowed.some((s) => shapesEqual(am.shape, s)))
      throw new Error(`${op}: ${attnMask[0]} must have shape ${allowed.map(fmtShape).join(' or ')}, got ${fmtShape(am.shape)}`);
  }
  const kpm = checkMask(op, keyPaddingMask[0], keyPaddingMask[1]);
  if (kpm) {
    const expected = d.batch === null ? [d.s] : [d.batch, d.s];
    if (!shapesEqual(kpm.shape, expected))
      throw new Error(`${op}: ${keyPaddingMask[0]} must have shape ${fmtShape(expected)}, got ${fmtShape(kpm.shape)}`);
  }
  return [am, kpm];
}
