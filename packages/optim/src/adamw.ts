import type { Tensor } from '@nn/tensor';
import { adamConfig, adamInitState, adamStep, type AdamHyper, type AdamOptions, type AdamState } from './adam.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export type AdamWHyper = AdamHyper;
export type AdamWOptions = AdamOptions;
export type AdamWState = AdamState;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization",
 * arXiv:1711.05101), exactly as PyTorch's `torch.optim.AdamW`. The weights shrink directly instead of through
 * the gradient, so the decay is not rescaled by the adaptive denominator:
 *
 *   θ_{t−1} ← θ_{t−1} (1 − γλ)
 *   then Adam's update (see `Adam`) with g_t = ∇f(θ_{t−1}) and no L2 term.
 *
 * Defaults as Adam's except `weightDecay = 1e-2`.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamWHyper, AdamWState> {
  constructor(params: ParamsInput<AdamWHyper>, options?: AdamWOptions) {
    super(params, options, adamConfig('AdamW', 1e-2));
  }

  protected initState(p: Tensor): AdamWState {
    return adamInitState(p);
  }

  protected update(param: Tensor, grad: Tensor, s: AdamWState, g: ParamGroup<AdamWHyper>): Tensor {
    s.step += 1;
    return adamStep(param, grad, s, g, 0, g.weightDecay);
  }
}
