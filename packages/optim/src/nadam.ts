import type { Tensor } from '@nn/tensor';
import { betaPair, flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcdiv, addcmul, addScaled, coupledDecay, decoupledDecay, direction } from './pointwise.js';

export interface NAdamHyper {
  /** Learning rate γ (default 2e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ (default 0): an L2 term in the gradient, or decoupled with `decoupledWeightDecay`. */
  weightDecay: number;
  /** Momentum decay ψ of the momentum schedule μ_t (default 4e-3). */
  momentumDecay: number;
  /** Decay the weights directly, as AdamW does ("NAdamW"; default false). From PyTorch 2.x. */
  decoupledWeightDecay: boolean;
  /** Ascend the objective instead (default false). From PyTorch 2.x. */
  maximize: boolean;
}
export type NAdamOptions = Partial<NAdamHyper>;

export interface NAdamState extends ParamState {
  step: number;
  /** ∏ μ_i over the steps taken, kept in float32 as PyTorch keeps it in a float32 tensor. */
  muProduct: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

const CONFIG: OptimizerConfig<NAdamHyper> = {
  name: 'NAdam',
  defaults: {
    lr: 2e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    momentumDecay: 4e-3,
    decoupledWeightDecay: false,
    maximize: false,
  },
  spec: {
    lr: nonNegative,
    betas: betaPair,
    eps: nonNegative,
    weightDecay: nonNegative,
    momentumDecay: nonNegative,
    decoupledWeightDecay: flag,
    maximize: flag,
  },
  state: { step: 'number', muProduct: 'number', expAvg: 'tensor', expAvgSq: 'tensor' },
  torch: { flags: { foreach: null }, scalarTensors: ['step', 'muProduct'], later: ['decoupledWeightDecay', 'maximize'] },
};

const f32 = Math.fround;

/**
 * NAdam: Adam with Nesterov momentum (Dozat, 2016, "Incorporating Nesterov Momentum into Adam", ICLR
 * workshop), with the momentum schedule μ_t, exactly as PyTorch's `torch.optim.NAdam`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize)
 *   if λ ≠ 0:  θ_{t−1} ← θ_{t−1}(1 − γλ) (decoupled)   or   g_t ← g_t + λ θ_{t−1}
 *   μ_t ← β1 (1 − ½ · 0.96^{tψ}),   μ_{t+1} ← β1 (1 − ½ · 0.96^{(t+1)ψ})
 *   m_t ← β1 m_{t−1} + (1 − β1) g_t
 *   v_t ← β2 v_{t−1} + (1 − β2) g_t²
 *   d_t ← √(v_t / (1 − β2^t)) + ε
 *   θ_t ← θ_{t−1} − γ (1 − μ_t) / (1 − ∏_{i≤t} μ_i) · g_t / d_t − γ μ_{t+1} / (1 − ∏_{i≤t+1} μ_i) · m_t / d_t
 *
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NAdamHyper, NAdamState> {
  constructor(params: ParamsInput<NAdamHyper>, options?: NAdamOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): NAdamState {
    return { step: 0, muProduct: 1, expAvg: zerosState(p), expAvgSq: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: NAdamState, g: ParamGroup<NAdamHyper>): Tensor {
    const [beta1, beta2] = g.betas;
    s.step += 1;
    const step = s.step;
    const biasCorrection2 = 1 - beta2 ** step;
    let d = direction(grad, g.maximize);
    let p = param;
    if (g.decoupledWeightDecay) p = decoupledDecay(p, g.lr, g.weightDecay);
    else d = coupledDecay(d, p, g.weightDecay);

    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
    // PyTorch keeps the product in a float32 tensor and multiplies it by float32-rounded scalars.
    s.muProduct = f32(s.muProduct * f32(mu));
    const muProductNext = f32(f32(s.muProduct * f32(mu)) * f32(muNext));

    s.expAvg.assign(addScaled(s.expAvg.mul(beta1), d, 1 - beta1));
    s.expAvgSq.assign(addcmul(s.expAvgSq.mul(beta2), d, d, 1 - beta2));
    const denom = s.expAvgSq.div(biasCorrection2).sqrt().add(g.eps);
    p = addcdiv(p, d, denom, (-g.lr * (1 - mu)) / (1 - s.muProduct));
    return addcdiv(p, s.expAvg, denom, (-g.lr * muNext) / (1 - muProductNext));
  }
}
