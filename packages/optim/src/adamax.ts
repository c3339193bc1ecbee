import type { Tensor } from '@nn/tensor';
import { betaPair, flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcdiv, addScaled, coupledDecay, direction } from './pointwise.js';

export interface AdamaxHyper {
  /** Learning rate γ (default 2e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first moment and the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type AdamaxOptions = Partial<AdamaxHyper>;

export interface AdamaxState extends ParamState {
  step: number;
  expAvg: Tensor;
  /** Exponentially weighted infinity norm. */
  expInf: Tensor;
}

const CONFIG: OptimizerConfig<AdamaxHyper> = {
  name: 'Adamax',
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
  spec: { lr: nonNegative, betas: betaPair, eps: nonNegative, weightDecay: nonNegative, maximize: flag },
  state: { step: 'number', expAvg: 'tensor', expInf: 'tensor' },
  torch: { flags: { foreach: null }, scalarTensors: ['step'] },
};

/**
 * Adamax, the infinity-norm variant of Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization",
 * section 7.1), exactly as PyTorch's `torch.optim.Adamax`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize);   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   m_t ← β1 m_{t−1} + (1 − β1) g_t
 *   u_t ← max(β2 u_{t−1}, |g_t| + ε)
 *   θ_t ← θ_{t−1} − (γ / (1 − β1^t)) · m_t / u_t
 *
 * @example
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxHyper, AdamaxState> {
  constructor(params: ParamsInput<AdamaxHyper>, options?: AdamaxOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): AdamaxState {
    return { step: 0, expAvg: zerosState(p), expInf: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: AdamaxState, g: ParamGroup<AdamaxHyper>): Tensor {
    const [beta1, beta2] = g.betas;
    s.step += 1;
    const d = coupledDecay(direction(grad, g.maximize), param, g.weightDecay);
    s.expAvg.assign(addScaled(s.expAvg.mul(beta1), d, 1 - beta1));
    s.expInf.assign(s.expInf.mul(beta2).maximum(d.abs().add(g.eps)));
    const clr = g.lr / (1 - beta1 ** s.step);
    return addcdiv(param, s.expAvg, s.expInf, -clr);
  }
}
