import type { Tensor } from '@nn/tensor';
import { betaPair, flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcmul, addScaled, coupledDecay, decoupledDecay, direction } from './pointwise.js';

export interface RAdamHyper {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ (default 0): an L2 term in the gradient, or decoupled with `decoupledWeightDecay`. */
  weightDecay: number;
  /** Decay the weights directly, as AdamW does (default false). From PyTorch 2.x. */
  decoupledWeightDecay: boolean;
  /** Ascend the objective instead (default false). From PyTorch 2.x. */
  maximize: boolean;
}
export type RAdamOptions = Partial<RAdamHyper>;

export interface RAdamState extends ParamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

const CONFIG: OptimizerConfig<RAdamHyper> = {
  name: 'RAdam',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false },
  spec: {
    lr: nonNegative,
    betas: betaPair,
    eps: nonNegative,
    weightDecay: nonNegative,
    decoupledWeightDecay: flag,
    maximize: flag,
  },
  state: { step: 'number', expAvg: 'tensor', expAvgSq: 'tensor' },
  torch: { flags: { foreach: null }, scalarTensors: ['step'], later: ['decoupledWeightDecay', 'maximize'] },
};

/**
 * RAdam, rectified Adam (Liu et al., 2020, "On the Variance of the Adaptive Learning Rate and Beyond",
 * arXiv:1908.03265), exactly as PyTorch's `torch.optim.RAdam`. While the variance of the adaptive learning rate
 * is intractable (ρ_t ≤ 5) it takes plain momentum steps:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize)
 *   if λ ≠ 0:  θ_{t−1} ← θ_{t−1}(1 − γλ) (decoupled)   or   g_t ← g_t + λ θ_{t−1}
 *   m_t ← β1 m_{t−1} + (1 − β1) g_t,   v_t ← β2 v_{t−1} + (1 − β2) g_t²,   m̂_t ← m_t / (1 − β1^t)
 *   ρ_∞ ← 2 / (1 − β2) − 1,   ρ_t ← ρ_∞ − 2t β2^t / (1 − β2^t)
 *   if ρ_t > 5:  r_t ← √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t)),   l_t ← √(1 − β2^t) / (√v_t + ε)
 *                θ_t ← θ_{t−1} − γ m̂_t l_t r_t
 *   else:        θ_t ← θ_{t−1} − γ m̂_t
 *
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamHyper, RAdamState> {
  constructor(params: ParamsInput<RAdamHyper>, options?: RAdamOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): RAdamState {
    return { step: 0, expAvg: zerosState(p), expAvgSq: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: RAdamState, g: ParamGroup<RAdamHyper>): Tensor {
    const [beta1, beta2] = g.betas;
    s.step += 1;
    const step = s.step;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    let d = direction(grad, g.maximize);
    let p = param;
    if (g.decoupledWeightDecay) p = decoupledDecay(p, g.lr, g.weightDecay);
    else d = coupledDecay(d, p, g.weightDecay);

    s.expAvg.assign(addScaled(s.expAvg.mul(beta1), d, 1 - beta1));
    s.expAvgSq.assign(addcmul(s.expAvgSq.mul(beta2), d, d, 1 - beta2));
    const corrected = s.expAvg.div(biasCorrection1);
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      // PyTorch evaluates `scalar / tensor` as reciprocal(tensor) · scalar.
      const adaptiveLr = s.expAvgSq.sqrt().add(g.eps).reciprocal().mul(Math.sqrt(biasCorrection2));
      return p.sub(corrected.mul(g.lr).mul(adaptiveLr).mul(rect));
    }
    return p.sub(corrected.mul(g.lr));
  }
}
