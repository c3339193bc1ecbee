/** One Transformer encoder block (torch.nn.TransformerEncoderLayer). */
import { add, fmtShape, gelu, relu, tidy, type Device, type Generator, type Tensor } from '@nn/tensor';
import { checkBool, checkInt, checkNumber, checkOptions, checkTensor, describe, FLOATS } from '../args.js';
import { Dropout } from '../dropout.js';
import { LayerNorm } from '../layer-norm.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { checkMhaMasks } from './mask.js';
import { MultiheadAttention } from './multihead-attention.js';

/** The feed-forward activation: PyTorch's 'relu' or 'gelu' (exact), or any function of a tensor. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability after attention, inside and after the feed-forward network (default 0.1). */
  dropout?: number;
  /** Activation of the feed-forward network (default 'relu'). */
  activation?: TransformerActivation;
  /** The LayerNorms' eps (default 1e-5). */
  layerNormEps?: number;
  /** src is [N, L, E] instead of [L, N, E] (default false, PyTorch's). */
  batchFirst?: boolean;
  /** Normalise before each block (pre-norm) instead of after the residual sum (default false, PyTorch's). */
  normFirst?: boolean;
  /** Device of the parameters (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation and of the dropout masks (default: the global generator). */
  generator?: Generator;
}

export interface TransformerEncoderLayerForwardOptions {
  /** [L, L] or [N·nhead, L, L]; bool true where attention is NOT allowed, float added (MultiheadAttention's attnMask). */
  srcMask?: Tensor | null;
  /** [N, L] ([L] unbatched); bool true for padding positions, float added. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention; with srcMask it only hints that srcMask is causal (see MultiheadAttention). */
  isCausal?: boolean;
}

/**
 * Checks an encoder's src ([L, N, E], [N, L, E] with batchFirst, or unbatched [L, E]) and masks, naming the
 * caller's arguments; returns the masks.
 */
export function checkEncoderInputs(
  op: string, layer: TransformerEncoderLayer, src: unknown, mask: [string, unknown], keyPaddingMask: [string, unknown],
): [Tensor | null, Tensor | null] {
  const x = checkTensor(op, 'src', src, FLOATS);
  const { dModel, batchFirst } = layer;
  if ((x.rank !== 2 && x.rank !== 3) || x.shape.at(-1) !== dModel)
    throw new Error(
      `${op}: src must be ${batchFirst ? '[N, L, E]' : '[L, N, E]'} or unbatched [L, E] with E = ${dModel} (dModel), got shape ${fmtShape(x.shape)}`,
    );
  const unbatched = x.rank === 2;
  const l = x.shape[unbatched || !batchFirst ? 0 : 1]!;
  const batch = unbatched ? null : x.shape[batchFirst ? 0 : 1]!;
  return checkMhaMasks(op, mask, keyPaddingMask, { batch, heads: layer.nhead, l, s: l });
}

function checkActivation(op: string, a: unknown): TransformerActivation {
  if (a !== 'relu' && a !== 'gelu' && typeof a !== 'function')
    throw new Error(`${op}: activation must be 'relu', 'gelu' or a function, got ${describe(a)}`);
  return a as TransformerActivation;
}

/**
 * Self-attention then a feed-forward network, each wrapped in a residual connection and a LayerNorm
 * (Vaswani et al., 2017). Post-norm (PyTorch's default):
 *   x = norm1(x + dropout1(selfAttn(x))),  x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))));
 * pre-norm (normFirst): x = x + dropout1(selfAttn(norm1(x))), x = x + dropout2(ff(norm2(x))).
 * Children and state-dict keys are PyTorch's: self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderLayerForwardOptions?], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  readonly dimFeedforward: number;
  readonly activation: TransformerActivation;
  readonly layerNormEps: number;
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  readonly generator: Generator | undefined;
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts?: TransformerEncoderLayerOptions) {
    super();
    const op = 'TransformerEncoderLayer';
    this.dModel = checkInt(op, 'dModel', dModel, 1);
    this.nhead = checkInt(op, 'nhead', nhead, 1);
    const o = checkOptions(op, opts, [
      'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'device', 'generator',
    ]);
    this.dimFeedforward = checkInt(op, 'dimFeedforward', o.dimFeedforward ?? 2048, 1);
    const p = checkNumber(op, 'dropout', o.dropout ?? 0.1, 0, 1);
    this.activation = checkActivation(op, o.activation ?? 'relu');
    this.layerNormEps = checkNumber(op, 'layerNormEps', o.layerNormEps ?? 1e-5, 0);
    this.batchFirst = checkBool(op, 'batchFirst', o.batchFirst ?? false);
    this.normFirst = checkBool(op, 'normFirst', o.normFirst ?? false);
    const { device, generator } = o;
    this.generator = generator;
    const eps = this.layerNormEps;
    const batchFirst = this.batchFirst;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst, device, generator }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, this.dimFeedforward, { device, generator }));
    this.dropout = this.registerModule('dropout', new Dropout(p, { generator }));
    this.linear2 = this.registerModule('linear2', new Linear(this.dimFeedforward, dModel, { device, generator }));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps, device }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps, device }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p, { generator }));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p, { generator }));
  }

  /** src [L, N, E] ([N, L, E] with batchFirst, or unbatched [L, E]) → the same shape. */
  forward(src: Tensor, opts?: TransformerEncoderLayerForwardOptions): Tensor {
    const op = 'TransformerEncoderLayer';
    const o = checkOptions(op, opts, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const isCausal = checkBool(op, 'isCausal', o.isCausal ?? false);
    const [attnMask, keyPaddingMask] = checkEncoderInputs(op, this, src, ['srcMask', o.srcMask], ['srcKeyPaddingMask', o.srcKeyPaddingMask]);
    const sa = (x: Tensor) =>
      this.dropout1.call(this.selfAttn.call(x, x, x, { attnMask, keyPaddingMask, isCausal, needWeights: false })[0]);
    const ff = (x: Tensor) => this.dropout2.call(this.linear2.call(this.dropout.call(this.#activate(this.linear1.call(x)))));
    return tidy(() => {
      if (this.normFirst) {
        const x = add(src, sa(this.norm1.call(src)));
        return add(x, ff(this.norm2.call(x)));
      }
      const x = this.norm1.call(add(src, sa(src)));
      return this.norm2.call(add(x, ff(x)));
    });
  }

  #activate(x: Tensor): Tensor {
    const a = this.activation;
    return a === 'relu' ? relu(x) : a === 'gelu' ? gelu(x) : a(x);
  }

  /**
   * A new layer with the same options and a copy of this one's parameters, in the same training mode:
   * PyTorch's copy.deepcopy, which TransformerEncoder uses to stack layers. The copy's initialisation is drawn
   * (from the same generator) and then overwritten.
   */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, {
      dimFeedforward: this.dimFeedforward, dropout: this.dropout.p, activation: this.activation, layerNormEps: this.layerNormEps,
      batchFirst: this.batchFirst, normFirst: this.normFirst, device: this.linear1.weight.device, generator: this.generator,
    });
    tidy(() => copy.loadStateDict(this.stateDict()));
    return copy.train(this.training);
  }

  protected override extraRepr(): string {
    const act = typeof this.activation === 'function' ? this.activation.name || 'function' : `'${this.activation}'`;
    return `dModel=${this.dModel}, nhead=${this.nhead}, dimFeedforward=${this.dimFeedforward}, dropout=${this.dropout.p}, ` +
      `activation=${act}, layerNormEps=${this.layerNormEps}, batchFirst=${this.batchFirst}, normFirst=${this.normFirst}`;
  }
}
