/** Inverted dropout (torch.nn.Dropout) and its functional form. */
import { cast, div, Generator, lt, mul, rand, tidy, type Tensor } from '@nn/tensor';
import { checkBool, checkOptions, checkTensor, describe, FLOATS } from './args.js';
import { Module } from './module.js';

export interface DropoutFunctionalOptions {
  /** Drop only when true (default true); otherwise x is returned as is. */
  training?: boolean;
  /** Random stream of the mask (default: the global generator, seeded by `manualSeed`). */
  generator?: Generator;
}

function checkP(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new Error(`${op}: dropout probability has to be between 0 and 1, got ${describe(p)}`);
  return p;
}

function checkGenerator(op: string, g: unknown): Generator | undefined {
  if (g !== undefined && !(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator, got ${describe(g)}`);
  return g;
}

/**
 * Zeroes each element with probability p and scales the others by 1/(1 − p), so the expected value is
 * unchanged (inverted dropout): y = x · mask / (1 − p) with mask ~ Bernoulli(1 − p), drawn as u < 1 − p from
 * uniform u of the generator. p = 0 or `training: false` returns x itself; p = 1 gives zeros.
 */
export function dropout(x: Tensor, p = 0.5, opts?: DropoutFunctionalOptions): Tensor {
  return dropoutImpl('dropout', x, p, opts);
}

function dropoutImpl(op: string, x: Tensor, p: number, opts: DropoutFunctionalOptions | undefined): Tensor {
  checkTensor(op, 'input', x, FLOATS);
  checkP(op, p);
  const { training = true, generator } = checkOptions(op, opts, ['training', 'generator']);
  checkBool(op, 'training', training);
  checkGenerator(op, generator);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  return tidy(() => {
    const keep = lt(rand(x.shape, { generator, device: x.device }), 1 - p);
    return mul(x, div(cast(keep, 'float32'), 1 - p));
  });
}

export interface DropoutOptions {
  /** Random stream of the masks (default: the global generator at each call). */
  generator?: Generator;
}

/** Dropout in training mode, identity in evaluation mode (see `dropout`). */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts?: DropoutOptions) {
    super();
    this.p = checkP('Dropout', p);
    const { generator } = checkOptions('Dropout', opts, ['generator']);
    this.generator = checkGenerator('Dropout', generator);
  }

  forward(x: Tensor): Tensor {
    return dropoutImpl('Dropout', x, this.p, { training: this.training, generator: this.generator });
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
