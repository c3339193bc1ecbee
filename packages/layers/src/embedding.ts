/** A lookup table of learned vectors (torch.nn.Embedding) and its functional form. */
import { normal } from '@nn/init';
import { arange, eq, fmtShape, indexSelect, reshape, tidy, where, type Device, type Generator, type Tensor } from '@nn/tensor';
import { checkInt, checkOptions, checkTensor, describe, FLOATS } from './args.js';
import { Module } from './module.js';

export interface EmbeddingFunctionalOptions {
  /** Row whose gradient is always zero (a padding token), as an index into weight (negative from the end). */
  paddingIdx?: number | null;
}

/** paddingIdx as a row index in [0, n), or null; negative counts from the end (PyTorch). */
function checkPaddingIdx(op: string, paddingIdx: unknown, n: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx) || paddingIdx < -n || paddingIdx >= n)
    throw new Error(`${op}: paddingIdx must be an integer in [${-n}, ${n}) (numEmbeddings ${n}), got ${describe(paddingIdx)}`);
  return paddingIdx < 0 ? paddingIdx + n : paddingIdx;
}

/**
 * Indices (int32, any shape) of CPU tensors checked against [0, n) up front, so a bad token id is an error that
 * names the layer instead of a kernel's. (A GPU tensor cannot be read synchronously: there the lookup reads
 * zeros for such an index.)
 */
function checkIndices(op: string, input: Tensor, n: number): void {
  if (input.device !== 'cpu') return;
  const v = input.dataSync();
  for (let i = 0; i < v.length; i++)
    if (v[i]! < 0 || v[i]! >= n)
      throw new Error(`${op}: index ${v[i]} is out of range for ${n} embeddings (input shape ${fmtShape(input.shape)}, position ${i})`);
}

/**
 * weight[input]: the rows of `weight` [numEmbeddings, embeddingDim] at the int32 indices `input` (any shape)
 * → [...input.shape, embeddingDim] (F.embedding). With `paddingIdx`, positions holding that index read its row
 * but pass no gradient to it, so a padding token's vector stays as it is while training.
 */
export function embedding(input: Tensor, weight: Tensor, opts?: EmbeddingFunctionalOptions): Tensor {
  return embeddingImpl('embedding', input, weight, opts);
}

function embeddingImpl(op: string, input: Tensor, weight: Tensor, opts: EmbeddingFunctionalOptions | undefined): Tensor {
  checkTensor(op, 'input', input, ['int32']);
  checkTensor(op, 'weight', weight, FLOATS);
  if (weight.rank !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`);
  const [n, dim] = weight.shape as [number, number];
  const pad = checkPaddingIdx(op, checkOptions(op, opts, ['paddingIdx']).paddingIdx, n);
  checkIndices(op, input, n);
  return tidy(() => {
    const flat = reshape(input, [-1]);
    let rows = indexSelect(weight, 0, flat);
    // The padding positions take the same values from a detached view of the rows: no gradient reaches the row.
    if (pad !== null) rows = where(reshape(eq(flat, pad), [-1, 1]), rows.detach(), rows);
    return reshape(rows, [...input.shape, dim]);
  });
}

export interface EmbeddingOptions extends EmbeddingFunctionalOptions {
  /** Device of the weight (default: the current backend). */
  device?: Device;
  /** Random stream of the initialisation (default: the global generator). */
  generator?: Generator;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, looked up by int32 index: input of any shape →
 * [...input.shape, embeddingDim]. `weight` [numEmbeddings, embeddingDim] is initialised N(0, 1) as in PyTorch,
 * with the `paddingIdx` row zeroed; that row gets no gradient (see `embedding`).
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts?: EmbeddingOptions) {
    super();
    const op = 'Embedding';
    this.numEmbeddings = checkInt(op, 'numEmbeddings', numEmbeddings, 1);
    this.embeddingDim = checkInt(op, 'embeddingDim', embeddingDim);
    const { paddingIdx, device, generator } = checkOptions(op, opts, ['paddingIdx', 'device', 'generator']);
    this.paddingIdx = checkPaddingIdx(op, paddingIdx, numEmbeddings);
    const pad = this.paddingIdx;
    this.weight = this.registerParameter(
      'weight',
      tidy(() => {
        const w = normal([numEmbeddings, embeddingDim], 0, 1, { generator, device });
        return pad === null ? w : where(reshape(eq(arange(0, numEmbeddings, 1, { device }), pad), [-1, 1]), 0, w);
      }),
    );
  }

  forward(input: Tensor): Tensor {
    return embeddingImpl('Embedding', input, this.weight, { paddingIdx: this.paddingIdx });
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
