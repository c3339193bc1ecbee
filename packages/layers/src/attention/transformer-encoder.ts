/** A stack of Transformer encoder layers (torch.nn.TransformerEncoder). */
import { tidy, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkOptions, describe } from '../args.js';
import { Module } from '../module.js';
import { ModuleList } from '../module-list.js';
import type { TensorModule } from '../sequential.js';
import { checkEncoderInputs, TransformerEncoderLayer } from './transformer-encoder-layer.js';

export interface TransformerEncoderOptions {
  /** Applied to the last layer's output, e.g. a LayerNorm (default none). */
  norm?: TensorModule | null;
}

export interface TransformerEncoderForwardOptions {
  /** [L, L] or [N·nhead, L, L]; bool true where attention is NOT allowed, float added (each layer's srcMask). */
  mask?: Tensor | null;
  /** [N, L] ([L] unbatched); bool true for padding positions, float added. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention; with mask it only hints that mask is causal (see MultiheadAttention). */
  isCausal?: boolean;
}

/**
 * `numLayers` copies of `encoderLayer` applied in turn, then `norm` if given. As PyTorch deep-copies the layer,
 * every copy starts with its weights; the given layer itself is not part of the encoder (dispose it when no
 * longer needed). Keys: `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`.
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly numLayers: number;
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: TensorModule | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts?: TransformerEncoderOptions) {
    super();
    const op = 'TransformerEncoder';
    if (!(encoderLayer instanceof TransformerEncoderLayer))
      throw new Error(`${op}: encoderLayer must be a TransformerEncoderLayer, got ${describe(encoderLayer)}`);
    this.numLayers = checkInt(op, 'numLayers', numLayers, 1);
    const { norm = null } = checkOptions(op, opts, ['norm']);
    if (norm !== null && !(norm instanceof Module)) throw new Error(`${op}: norm must be a Module or null, got ${describe(norm)}`);
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone())));
    this.norm = norm && this.registerModule('norm', norm);
  }

  /** src [L, N, E] ([N, L, E] with the layer's batchFirst, or unbatched [L, E]) → the same shape. */
  forward(src: Tensor, opts?: TransformerEncoderForwardOptions): Tensor {
    const op = 'TransformerEncoder';
    const o = checkOptions(op, opts, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const isCausal = checkBool(op, 'isCausal', o.isCausal ?? false);
    const masks = checkEncoderInputs(op, this.layers.at(0), src, ['mask', o.mask], ['srcKeyPaddingMask', o.srcKeyPaddingMask]);
    const [srcMask, srcKeyPaddingMask] = masks;
    return tidy(() => {
      let x = src;
      for (const layer of this.layers) x = layer.call(x, { srcMask, srcKeyPaddingMask, isCausal });
      return this.norm ? this.norm.call(x) : x;
    });
  }

  protected override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
