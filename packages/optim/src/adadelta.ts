import type { Tensor } from '@nn/tensor';
import { flag, nonNegative, unitClosed } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcmul, addScaled, coupledDecay, direction } from './pointwise.js';

export interface AdadeltaHyper {
  /** Coefficient γ that scales the delta before it is applied (default 1). */
  lr: number;
  /** Decay rate ρ of both running averages (default 0.9). */
  rho: number;
  /** Added inside both square roots for numerical stability (default 1e-6). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type AdadeltaOptions = Partial<AdadeltaHyper>;

export interface AdadeltaState extends ParamState {
  step: number;
  /** Running average of squared gradients. */
  squareAvg: Tensor;
  /** Running average of squared updates. */
  accDelta: Tensor;
}

const CONFIG: OptimizerConfig<AdadeltaHyper> = {
  name: 'Adadelta',
  defaults: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  spec: { lr: nonNegative, rho: unitClosed, eps: nonNegative, weightDecay: nonNegative, maximize: flag },
  state: { step: 'number', squareAvg: 'tensor', accDelta: 'tensor' },
  torch: { flags: { foreach: null } },
};

/**
 * Adadelta (Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701), exactly as PyTorch's
 * `torch.optim.Adadelta`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize);   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   v_t ← ρ v_{t−1} + (1 − ρ) g_t²
 *   Δ_t ← √(u_{t−1} + ε) / √(v_t + ε) · g_t
 *   u_t ← ρ u_{t−1} + (1 − ρ) Δ_t²
 *   θ_t ← θ_{t−1} − γ Δ_t
 *
 * @example
 * const opt = new Adadelta(model.parameters());
 */
export class Adadelta extends Optimizer<AdadeltaHyper, AdadeltaState> {
  constructor(params: ParamsInput<AdadeltaHyper>, options?: AdadeltaOptions) {
    super(params, options, CONFIG);
  }

  protected initState(p: Tensor): AdadeltaState {
    return { step: 0, squareAvg: zerosState(p), accDelta: zerosState(p) };
  }

  protected update(param: Tensor, grad: Tensor, s: AdadeltaState, g: ParamGroup<AdadeltaHyper>): Tensor {
    s.step += 1;
    const d = coupledDecay(direction(grad, g.maximize), param, g.weightDecay);
    s.squareAvg.assign(addcmul(s.squareAvg.mul(g.rho), d, d, 1 - g.rho));
    const std = s.squareAvg.add(g.eps).sqrt();
    const delta = s.accDelta.add(g.eps).sqrt().div(std).mul(d);
    s.accDelta.assign(addcmul(s.accDelta.mul(g.rho), delta, delta, 1 - g.rho));
    return addScaled(param, delta, -g.lr);
  }
}
