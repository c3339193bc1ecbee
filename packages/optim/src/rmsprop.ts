import type { Tensor } from '@nn/tensor';
import { flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcdiv, addcmul, addScaled, coupledDecay, direction } from './pointwise.js';

export interface RMSpropHyper {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type RMSpropOptions = Partial<RMSpropHyper>;

export interface RMSpropState extends ParamState {
  step: number;
  squareAvg: Tensor;
  /** Present once a step ran with momentum > 0. */
  momentumBuffer?: Tensor;
  /** Present once a step ran with centered. */
  gradAvg?: Tensor;
}

const CONFIG: OptimizerConfig<RMSpropHyper> = {
  name: 'RMSprop',
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  spec: {
    lr: nonNegative,
    alpha: nonNegative,
    eps: nonNegative,
    weightDecay: nonNegative,
    momentum: nonNegative,
    centered: flag,
    maximize: flag,
  },
  state: { step: 'number', squareAvg: 'tensor', momentumBuffer: 'tensor?', gradAvg: 'tensor?' },
  torch: { flags: { foreach: null, differentiable: false } },
};

/**
 * RMSprop (Hinton, 2012, "Neural Networks for Machine Learning", lecture 6e; centered form from Graves, 2013,
 * "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850), exactly as PyTorch's
 * `torch.optim.RMSprop`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize);   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   v_t ← α v_{t−1} + (1 − α) g_t²
 *   centered:  ḡ_t ← α ḡ_{t−1} + (1 − α) g_t,   ṽ_t ← v_t − ḡ_t²,   else ṽ_t ← v_t
 *   if μ > 0:  b_t ← μ b_{t−1} + g_t / (√ṽ_t + ε),   θ_t ← θ_{t−1} − γ b_t
 *   else:      θ_t ← θ_{t−1} − γ g_t / (√ṽ_t + ε)
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  constructor(params: ParamsInput<RMSpropHyper>, options?: RMSpropOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): RMSpropState {
    return { step: 0, squareAvg: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: RMSpropState, g: ParamGroup<RMSpropHyper>): Tensor {
    s.step += 1;
    const d = coupledDecay(direction(grad, g.maximize), param, g.weightDecay);
    s.squareAvg.assign(addcmul(s.squareAvg.mul(g.alpha), d, d, 1 - g.alpha));
    let avg: Tensor;
    if (g.centered) {
      s.gradAvg ??= zerosState(param);
      s.gradAvg.assign(addScaled(s.gradAvg.mul(g.alpha), d, 1 - g.alpha));
      avg = addcmul(s.squareAvg, s.gradAvg, s.gradAvg, -1).sqrt();
    } else avg = s.squareAvg.sqrt();
    avg = avg.add(g.eps);
    if (g.momentum > 0) {
      s.momentumBuffer ??= zerosState(param);
      s.momentumBuffer.assign(addcdiv(s.momentumBuffer.mul(g.momentum), d, avg, 1));
      return addScaled(param, s.momentumBuffer, -g.lr);
    }
    return addcdiv(param, d, avg, -g.lr);
  }
}
