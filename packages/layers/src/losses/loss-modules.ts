/**
 * The losses as Modules (torch.nn.MSELoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss, HuberLoss): the
 * constructor takes the function's options, validated at once; `forward(input, target)` (or
 * `call(input, target)`, which runs hooks) calls the function. Tensor options are buffers where PyTorch makes
 * them buffers (`weight`, BCEWithLogitsLoss's `pos_weight`), so they appear in `stateDict()` under PyTorch's
 * keys and follow the module in `to(device)`. A buffer is a view of the tensor passed in (same storage):
 * disposing the module does not free the caller's tensor.
 */
import type { Tensor } from '@nn/tensor';
import { checkNumber, checkOptions, checkTensor, FLOATS } from '../args.js';
import { Module } from '../module.js';
import { binaryCrossEntropyWithLogits, type BinaryCrossEntropyWithLogitsOptions } from './bce-with-logits.js';
import { checkIgnoreIndex } from './class-targets.js';
import { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
import { huberLoss, type HuberLossOptions } from './huber.js';
import { mseLoss, type MseLossOptions } from './mse.js';
import { nllLoss, type NllLossOptions } from './nll.js';
import { checkReduction, type Reduction } from './reduction.js';

/** A loss: a module from (input, target) to a tensor. */
export abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  /** 'mean' (default), 'sum' or 'none'. */
  readonly reduction: Reduction;

  protected constructor(op: string, reduction: unknown) {
    super();
    this.reduction = checkReduction(op, reduction);
  }
}

/** A weight option registered as the buffer `key` (a view, or null), checked to be float32 with `rank` dims. */
function weightBuffer(module: Module<[Tensor, Tensor], Tensor>, op: string, key: string, name: string, w: unknown, rank?: number): Tensor | null {
  if (w === undefined || w === null) return module.registerBuffer(key, null);
  const t = checkTensor(op, name, w, FLOATS);
  if (rank !== undefined && t.rank !== rank) throw new Error(`${op}: ${name} must be ${rank}-D (one weight per class), got shape [${t.shape.join(',')}]`);
  return module.registerBuffer(key, t.detach());
}

/** torch.nn.MSELoss: `mseLoss(input, target, {reduction})`. */
export class MSELoss extends Loss {
  constructor(opts?: MseLossOptions) {
    const o = checkOptions('MSELoss', opts, ['reduction']);
    super('MSELoss', o.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** torch.nn.HuberLoss: `huberLoss(input, target, {reduction, delta})`. */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts?: HuberLossOptions) {
    const o = checkOptions('HuberLoss', opts, ['reduction', 'delta']);
    super('HuberLoss', o.reduction);
    this.delta = checkNumber('HuberLoss', 'delta', o.delta ?? 1, 0, undefined, true);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * torch.nn.BCEWithLogitsLoss: `binaryCrossEntropyWithLogits(input, target, {reduction, weight, posWeight})`,
 * with the buffers `weight` and `pos_weight` (property `posWeight`).
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(opts?: BinaryCrossEntropyWithLogitsOptions) {
    const op = 'BCEWithLogitsLoss';
    const o = checkOptions(op, opts, ['reduction', 'weight', 'posWeight']);
    super(op, o.reduction);
    this.weight = weightBuffer(this, op, 'weight', 'weight', o.weight);
    this.posWeight = weightBuffer(this, op, 'pos_weight', 'posWeight', o.posWeight);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

/** torch.nn.NLLLoss: `nllLoss(input, target, {reduction, weight, ignoreIndex})`, with the buffer `weight`. */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(opts?: NllLossOptions) {
    const op = 'NLLLoss';
    const o = checkOptions(op, opts, ['reduction', 'weight', 'ignoreIndex']);
    super(op, o.reduction);
    this.ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex ?? -100);
    this.weight = weightBuffer(this, op, 'weight', 'weight', o.weight, 1);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/**
 * torch.nn.CrossEntropyLoss: `crossEntropy(input, target, {reduction, weight, ignoreIndex, labelSmoothing})`,
 * with the buffer `weight`.
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts?: CrossEntropyOptions) {
    const op = 'CrossEntropyLoss';
    const o = checkOptions(op, opts, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
    super(op, o.reduction);
    this.ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex ?? -100);
    this.labelSmoothing = checkNumber(op, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
    this.weight = weightBuffer(this, op, 'weight', 'weight', o.weight, 1);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing,
    });
  }
}
