/** Activation modules: stateless wrappers of the @nn/tensor ops, for use in Sequential. */
import { gelu, leakyRelu, relu, sigmoid, softmax, tanh, type Tensor } from '@nn/tensor';
import { checkNumber, checkOptions, checkTensor, describe } from './args.js';
import { Module } from './module.js';

/** max(x, 0). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(checkTensor('ReLU', 'input', x));
  }
}

/** x for x > 0, else negativeSlope·x (default slope 0.01, PyTorch's). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(checkTensor('LeakyReLU', 'input', x), this.negativeSlope);
  }

  protected override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** 1 / (1 + e⁻ˣ). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(checkTensor('Sigmoid', 'input', x));
  }
}

/** tanh(x). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(checkTensor('Tanh', 'input', x));
  }
}

export interface GELUOptions {
  /** 'none' (default): x·Φ(x) exactly; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** Gaussian error linear unit x·Φ(x), exact or with PyTorch's tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(opts?: GELUOptions) {
    super();
    const { approximate = 'none' } = checkOptions('GELU', opts, ['approximate']);
    if (approximate !== 'none' && approximate !== 'tanh')
      throw new Error(`GELU: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(checkTensor('GELU', 'input', x), { approximate: this.approximate });
  }

  protected override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * exp(x) / Σ exp(x) along `dim`. PyTorch's `dim=None` picks a dim from the input's rank (deprecated there);
 * here `dim` defaults to -1, the usual choice.
 */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim = -1) {
    super();
    if (!Number.isSafeInteger(dim)) throw new Error(`Softmax: dim must be an integer, got ${describe(dim)}`);
    this.dim = dim;
  }

  forward(x: Tensor): Tensor {
    return softmax(checkTensor('Softmax', 'input', x), this.dim);
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
