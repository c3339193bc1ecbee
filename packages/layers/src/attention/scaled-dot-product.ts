/** Scaled dot-product attention (PyTorch 2's F.scaled_dot_product_attention), the core of every attention layer. */
import { add, broadcastShapes, engine, fmtShape, matmul, mul, softmax, tidy, type Generator, type Tensor } from '@nn/tensor';
import { checkBool, checkNumber, checkOptions, checkTensor, FLOATS } from '../args.js';
import { dropout } from '../dropout.js';
import { causalMask, checkMask, maskBias } from './mask.js';

/**
 * weights = dropout(softmax(q·kᵀ·scale + bias)) over the keys, output = weights·v: q [..., L, E], k [..., S, E],
 * v [..., S, Ev], bias (float, broadcasting against [..., L, S]) or null. What both scaledDotProductAttention
 * and MultiheadAttention compute; the latter also returns the weights. kᵀ is a flag of the MatMul kernel (no copy).
 */
export function attend(
  q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null, scale: number, dropoutP: number, generator?: Generator,
): { output: Tensor; weights: Tensor } {
  let scores = mul(engine.runKernel('MatMul', [q, k], { transposeA: false, transposeB: true }), scale);
  if (bias) scores = add(scores, bias);
  const weights = dropout(softmax(scores, -1), dropoutP, { generator });
  return { output: matmul(weights, v), weights };
}

export interface ScaledDotProductAttentionOptions {
  /**
   * Bool: true where attention is ALLOWED (the opposite of MultiheadAttention's convention); float: added to
   * the scores. Broadcasts against [..., L, S].
   */
  attnMask?: Tensor | null;
  /** Probability of dropping an attention weight (default 0). Applied whenever > 0, as PyTorch does. */
  dropoutP?: number;
  /** Let query i attend to keys 0..i only (lower-triangular mask aligned top-left); not with attnMask. */
  isCausal?: boolean;
  /** Factor of the scores (default 1/√E). */
  scale?: number;
  /** Random stream of the dropout mask (default: the global generator). */
  generator?: Generator;
}

/**
 * Attention of queries q [..., L, E] over keys k [..., S, E] and values v [..., S, Ev] → [..., L, Ev]:
 *   softmax(q·kᵀ·scale + bias)·v,  scale = 1/√E by default,
 * where bias is a float attnMask, or 0 where a bool attnMask (or the causal mask) allows attention and −inf
 * where it does not. A query allowed no key gets NaN, as in PyTorch's reference math. Leading (batch) dims
 * broadcast; dropout with probability dropoutP applies to the attention weights.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts?: ScaledDotProductAttentionOptions): Tensor {
  const op = 'scaledDotProductAttention';
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    checkTensor(op, name, t, FLOATS);
    if (t.rank < 2)
      throw new Error(`${op}: ${name} must have at least 2 dims [..., ${name === 'q' ? 'L' : 'S'}, E], got shape ${fmtShape(t.shape)}`);
  }
  if (q.shape.at(-1) !== k.shape.at(-1))
    throw new Error(`${op}: q and k must have the same last dim E, got ${fmtShape(q.shape)} and ${fmtShape(k.shape)}`);
  if (k.shape.at(-2) !== v.shape.at(-2))
    throw new Error(`${op}: k and v must have the same sequence length S (dim -2), got ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`);
  const batch = broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const o = checkOptions(op, opts, ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator']);
  const { attnMask, dropoutP = 0, isCausal = false, scale, generator } = o;
  checkNumber(op, 'dropoutP', dropoutP, 0, 1);
  checkBool(op, 'isCausal', isCausal);
  if (scale !== undefined) checkNumber(op, 'scale', scale);
  const mask = checkMask(op, 'attnMask', attnMask);
  const [l, s] = [q.shape.at(-2)!, k.shape.at(-2)!];
  if (mask) {
    if (isCausal) throw new Error(`${op}: attnMask and isCausal cannot both be given (isCausal is the mask)`);
    const scores = [...batch, l, s];
    const fits = mask.rank <= scores.length && mask.shape.every((d, i) => d === 1 || d === scores[scores.length - mask.rank + i]);
    if (!fits)
      throw new Error(`${op}: attnMask of shape ${fmtShape(mask.shape)} does not broadcast to the scores' shape ${fmtShape(scores)}`);
  }
  return tidy(() => {
    const bias = mask ? maskBias(mask, 'allowed') : isCausal ? maskBias(causalMask(l, s, q.device), 'allowed') : null;
    return attend(q, k, v, bias, scale ?? 1 / Math.sqrt(q.shape.at(-1)!), dropoutP, generator).output;
  });
}
