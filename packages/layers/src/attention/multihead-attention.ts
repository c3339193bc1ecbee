/** Multi-head attention (torch.nn.MultiheadAttention). */
import { xavierUniform } from '@nn/init';
import {
  add, fmtShape, mean, narrow, permute, reshape, squeeze, tidy, transpose, unsqueeze, zeros, zerosLike,
  type Device, type Generator, type Tensor,
} from '@nn/tensor';
import { checkBool, checkInt, checkNumber, checkOptions, checkTensor, FLOATS } from '../args.js';
import { linear, Linear } from '../linear.js';
import { Module } from '../module.js';
import { causalMask, checkMhaMasks, maskBias } from './mask.js';
import { attend } from './scaled-dot-product.js';

export interface MultiheadAttentionOptions {
  /** Learn the input and output projections' biases (default true). */
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false, PyTorch's). */
  batchFirst?: boolean;
  /** Dropout probability on the attention weights, in training mode (default 0). */
  dropout?: number;
  /** Features of the keys (default embedDim). */
  kdim?: number;
  /** Features of the values (default embedDim). */
  vdim?: number;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation and of the dropout masks (default: the global generator). */
  generator?: Generator;
}

export interface MultiheadAttentionForwardOptions {
  /**
   * [L, S] or [N·numHeads, L, S] ([numHeads, L, S] for unbatched inputs). Bool: true where attention is NOT
   * allowed; float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** [N, S] ([S] unbatched). Bool: true for the keys to ignore (padding); float: added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true); otherwise the second element is null. */
  needWeights?: boolean;
  /** Average the weights over the heads ([N, L, S]) or not ([N, numHeads, L, S]) (default true). */
  averageAttnWeights?: boolean;
  /**
   * Causal attention (query i sees keys 0..i). With attnMask it is PyTorch's hint that attnMask is the causal
   * mask, and attnMask is used; without one the causal mask is built (where PyTorch asks for the mask).
   */
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al., "Attention Is All You Need", 2017):
 *   headᵢ = softmax(Qᵢ·Kᵢᵀ/√d + bias)·Vᵢ,  Q = query·W_qᵀ + b_q, K = key·W_kᵀ + b_k, V = value·W_vᵀ + b_v,
 *   output = concat(head₁..headₕ)·W_oᵀ + b_o,  d = embedDim / numHeads,
 * with Qᵢ, Kᵢ, Vᵢ the i-th slice of d features. Parameters as PyTorch's, so state dicts interchange:
 * `in_proj_weight` [3E, E] (W_q, W_k, W_v stacked) when kdim = vdim = embedDim, else `q_proj_weight` [E, E],
 * `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim]; `in_proj_bias` [3E]; `out_proj` a Linear(E, E).
 * Initialised as PyTorch: xavier_uniform_ on the projections, zero biases, out_proj.weight as Linear's.
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly generator: Generator | undefined;
  readonly inProjWeight: Tensor | null;
  readonly qProjWeight: Tensor | null;
  readonly kProjWeight: Tensor | null;
  readonly vProjWeight: Tensor | null;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;

  constructor(embedDim: number, numHeads: number, opts?: MultiheadAttentionOptions) {
    super();
    const op = 'MultiheadAttention';
    this.embedDim = checkInt(op, 'embedDim', embedDim, 1);
    this.numHeads = checkInt(op, 'numHeads', numHeads, 1);
    if (embedDim % numHeads !== 0) throw new Error(`${op}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    const o = checkOptions(op, opts, ['bias', 'batchFirst', 'dropout', 'kdim', 'vdim', 'device', 'generator']);
    const bias = checkBool(op, 'bias', o.bias ?? true);
    this.batchFirst = checkBool(op, 'batchFirst', o.batchFirst ?? false);
    this.dropout = checkNumber(op, 'dropout', o.dropout ?? 0, 0, 1);
    this.kdim = checkInt(op, 'kdim', o.kdim ?? embedDim, 1);
    this.vdim = checkInt(op, 'vdim', o.vdim ?? embedDim, 1);
    const { device, generator } = o;
    this.generator = generator;
    // PyTorch builds out_proj (drawing its init) first, then draws the projections.
    const outProj = new Linear(embedDim, embedDim, { bias, device, generator });
    const init = (shape: number[]) => xavierUniform(shape, { generator, device });
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    this.inProjWeight = this.registerParameter('in_proj_weight', packed ? init([3 * embedDim, embedDim]) : null);
    this.qProjWeight = this.registerParameter('q_proj_weight', packed ? null : init([embedDim, embedDim]));
    this.kProjWeight = this.registerParameter('k_proj_weight', packed ? null : init([embedDim, this.kdim]));
    this.vProjWeight = this.registerParameter('v_proj_weight', packed ? null : init([embedDim, this.vdim]));
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? zeros([3 * embedDim], { device }) : null);
    this.outProj = this.registerModule('out_proj', outProj);
    const b = outProj.bias;
    if (b) tidy(() => b.assign(zerosLike(b)));
  }

  /**
   * Attention of `query` over `key`/`value`: [L, N, E], [S, N, kdim], [S, N, vdim] ([N, ·, ·] with batchFirst,
   * or unbatched [L, E], [S, kdim], [S, vdim]) → [output [L, N, E], weights [N, L, S] | null] (unbatched:
   * [L, E] and [L, S]). The weights are those applied to the values, after dropout.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const o = checkOptions(op, opts, ['attnMask', 'keyPaddingMask', 'needWeights', 'averageAttnWeights', 'isCausal']);
    const needWeights = checkBool(op, 'needWeights', o.needWeights ?? true);
    const average = checkBool(op, 'averageAttnWeights', o.averageAttnWeights ?? true);
    const isCausal = checkBool(op, 'isCausal', o.isCausal ?? false);
    const { batch, l, s } = this.#checkInputs(query, key, value);
    const dims = { batch, heads: this.numHeads, l, s };
    const [attnMask, keyPaddingMask] = checkMhaMasks(op, ['attnMask', o.attnMask], ['keyPaddingMask', o.keyPaddingMask], dims);
    const n = batch ?? 1;
    return tidy(() => {
      // Batch-first [N, ·, features] inside; the heads split off as [N, h, ·, d].
      const nle = (x: Tensor) => (batch === null ? unsqueeze(x, 0) : this.batchFirst ? x : transpose(x, 0, 1));
      const heads = (x: Tensor) => permute(reshape(x, [n, x.shape[1]!, this.numHeads, this.headDim]), [0, 2, 1, 3]);
      const [wq, wk, wv] = this.#projections();
      const [bq, bk, bv] = [0, 1, 2].map((i) => (this.inProjBias ? narrow(this.inProjBias, 0, i * this.embedDim, this.embedDim) : null));
      const q = heads(linear(nle(query), wq, bq));
      const k = heads(linear(nle(key), wk, bk));
      const v = heads(linear(nle(value), wv, bv));
      const bias = this.#bias(attnMask, keyPaddingMask, isCausal, n, l, s, query.device);
      const p = this.training ? this.dropout : 0;
      const { output, weights } = attend(q, k, v, bias, 1 / Math.sqrt(this.headDim), p, this.generator);
      const merged = reshape(permute(output, [0, 2, 1, 3]), [n, l, this.embedDim]);
      const y = this.outProj.call(merged);
      const out = batch === null ? squeeze(y, 0) : this.batchFirst ? y : transpose(y, 0, 1);
      if (!needWeights) return [out, null];
      const w = average ? mean(weights, 1) : weights;
      return [out, batch === null ? squeeze(w, 0) : w];
    });
  }

  /**
   * The masks as one bias broadcasting against the scores [N, h, L, S] (PyTorch 2 merges them by addition too):
   * attnMask [L, S] or [N·h, L, S] → [N, h, L, S], or the causal mask; plus keyPaddingMask [N, S] → [N, 1, 1, S].
   */
  #bias(attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal: boolean, n: number, l: number, s: number, device: Device): Tensor | null {
    let bias: Tensor | null = null;
    if (attnMask) bias = attnMask.rank === 3 ? reshape(maskBias(attnMask, 'blocked'), [n, this.numHeads, l, s]) : maskBias(attnMask, 'blocked');
    else if (isCausal) bias = maskBias(causalMask(l, s, device), 'allowed');
    if (!keyPaddingMask) return bias;
    const padding = reshape(maskBias(keyPaddingMask, 'blocked'), [n, 1, 1, s]);
    return bias ? add(bias, padding) : padding;
  }

  /** W_q, W_k, W_v: slices of in_proj_weight, or the separate weights. */
  #projections(): [Tensor, Tensor, Tensor] {
    const w = this.inProjWeight;
    if (w === null) return [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!];
    return [0, 1, 2].map((i) => narrow(w, 0, i * this.embedDim, this.embedDim)) as [Tensor, Tensor, Tensor];
  }

  /** Checks the ranks and sizes of query, key and value; returns N (null when unbatched), L and S. */
  #checkInputs(query: Tensor, key: Tensor, value: Tensor): { batch: number | null; l: number; s: number } {
    const op = 'MultiheadAttention';
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) checkTensor(op, name, t, FLOATS);
    const layout = this.batchFirst ? '[N, L, E]' : '[L, N, E]';
    if (query.rank !== 2 && query.rank !== 3)
      throw new Error(`${op}: query must be 3-D ${layout} or 2-D (unbatched [L, E]), got shape ${fmtShape(query.shape)}`);
    for (const [name, t] of [['key', key], ['value', value]] as const)
      if (t.rank !== query.rank)
        throw new Error(`${op}: ${name} must be ${query.rank}-D like query, got shapes ${fmtShape(query.shape)} and ${fmtShape(t.shape)}`);
    const features = [['query', query, this.embedDim, 'embedDim'], ['key', key, this.kdim, 'kdim'], ['value', value, this.vdim, 'vdim']] as const;
    for (const [name, t, dim, what] of features)
      if (t.shape.at(-1) !== dim) throw new Error(`${op}: ${name} must have last dim ${dim} (${what}), got shape ${fmtShape(t.shape)}`);
    const unbatched = query.rank === 2;
    const [seq, bat] = unbatched || !this.batchFirst ? [0, 1] : [1, 0];
    if (key.shape[seq] !== value.shape[seq] || (!unbatched && key.shape[bat] !== value.shape[bat]))
      throw new Error(
        `${op}: key and value must have the same batch and sequence sizes, got shapes ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`,
      );
    if (!unbatched && key.shape[bat] !== query.shape[bat])
      throw new Error(`${op}: query and key must have the same batch size, got shapes ${fmtShape(query.shape)} and ${fmtShape(key.shape)}`);
    return { batch: unbatched ? null : query.shape[bat]!, l: query.shape[seq]!, s: key.shape[seq]! };
  }

  protected override extraRepr(): string {
    const dims = this.kdim === this.embedDim && this.vdim === this.embedDim ? '' : `, kdim=${this.kdim}, vdim=${this.vdim}`;
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, bias=${this.inProjBias !== null}, ` +
      `batchFirst=${this.batchFirst}${dims}`;
  }
}
