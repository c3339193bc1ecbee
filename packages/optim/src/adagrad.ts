import { fullLike, keep, type Tensor } from '@nn/tensor';
import { flag, nonNegative } from './hyper.js';
import { Optimizer, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcdiv, addcmul, coupledDecay, direction } from './pointwise.js';

export interface AdagradHyper {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Learning-rate decay η: step t uses γ / (1 + (t − 1) η) (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type AdagradOptions = Partial<AdagradHyper>;

export interface AdagradState extends ParamState {
  step: number;
  /** Sum of squared gradients. */
  sum: Tensor;
}

const CONFIG: OptimizerConfig<AdagradHyper> = {
  name: 'Adagrad',
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  spec: {
    lr: nonNegative,
    lrDecay: nonNegative,
    weightDecay: nonNegative,
    initialAccumulatorValue: nonNegative,
    eps: nonNegative,
    maximize: flag,
  },
  state: { step: 'number', sum: 'tensor' },
  torch: { flags: { foreach: null }, scalarTensors: ['step'], eagerState: true },
};

/**
 * Adagrad (Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 12), exactly as PyTorch's `torch.optim.Adagrad`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize);   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   γ̃ ← γ / (1 + (t − 1) η)
 *   s_t ← s_{t−1} + g_t²            (s_0 = initialAccumulatorValue)
 *   θ_t ← θ_{t−1} − γ̃ g_t / (√s_t + ε)
 *
 * State is created on a parameter's first step (PyTorch creates it at construction; the values are the same).
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  constructor(params: ParamsInput<AdagradHyper>, options?: AdagradOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor, g: ParamGroup<AdagradHyper>): AdagradState {
    return { step: 0, sum: keep(fullLike(p, g.initialAccumulatorValue)) };
  }

  protected update(param: Tensor, grad: Tensor, s: AdagradState, g: ParamGroup<AdagradHyper>): Tensor {
    s.step += 1;
    const d = coupledDecay(direction(grad, g.maximize), param, g.weightDecay);
    const clr = g.lr / (1 + (s.step - 1) * g.lrDecay);
    s.sum.assign(addcmul(s.sum, d, d, 1));
    const std = s.sum.sqrt().add(g.eps);
    return addcdiv(param, d, std, -clr);
  }
}
