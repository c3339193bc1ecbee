import type { Tensor } from '@nn/tensor';
import { betaPair, flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addScaled, decoupledDecay, direction } from './pointwise.js';

export interface LionHyper {
  /** Learning rate γ (default 1e-4; typically 3–10× smaller than AdamW's). */
  lr: number;
  /** Coefficients (β1, β2): β1 interpolates the update direction, β2 decays the momentum (default [0.9, 0.99]). */
  betas: [number, number];
  /** Decoupled weight decay λ (default 0; typically 3–10× larger than AdamW's). */
  weightDecay: number;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type LionOptions = Partial<LionHyper>;

export interface LionState extends ParamState {
  expAvg: Tensor;
}

const CONFIG: OptimizerConfig<LionHyper> = {
  name: 'Lion',
  defaults: { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false },
  spec: { lr: nonNegative, betas: betaPair, weightDecay: nonNegative, maximize: flag },
  state: { expAvg: 'tensor' },
  // lion-pytorch (the authors' reference) has no flags and no `maximize`.
  torch: { flags: {}, later: ['maximize'] },
};

/**
 * Lion, EvoLved Sign Momentum (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms",
 * arXiv:2302.06675), as the authors' reference PyTorch implementation (not part of PyTorch). Every coordinate
 * moves by exactly ±γ (or 0), so it needs a smaller learning rate than Adam:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize)
 *   θ_{t−1} ← θ_{t−1}(1 − γλ)
 *   c_t ← β1 m_{t−1} + (1 − β1) g_t
 *   θ_t ← θ_{t−1} − γ sign(c_t)
 *   m_t ← β2 m_{t−1} + (1 − β2) g_t
 *
 * @example
 * const opt = new Lion(model.parameters(), { lr: 1e-4, weightDecay: 1e-2 });
 */
export class Lion extends Optimizer<LionHyper, LionState> {
  constructor(params: ParamsInput<LionHyper>, options?: LionOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): LionState {
    return { expAvg: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: LionState, g: ParamGroup<LionHyper>): Tensor {
    const [beta1, beta2] = g.betas;
    const d = direction(grad, g.maximize);
    let p = decoupledDecay(param, g.lr, g.weightDecay);
    const c = addScaled(s.expAvg.mul(beta1), d, 1 - beta1);
    p = addScaled(p, c.sign(), -g.lr);
    s.expAvg.assign(addScaled(s.expAvg.mul(beta2), d, 1 - beta2));
    return p;
  }
}
