import { engine, type AdamStepAttrs, type Tensor } from '@nn/tensor';
import { betaPair, flag, nonNegative } from './hyper.js';
import { Optimizer, zerosState, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addcdiv, addcmul, addScaled } from './pointwise.js';

export interface AdamHyper {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0; AdamW decays the weights instead, default 1e-2). */
  weightDecay: number;
  /** Normalise by the running maximum of the second moment (AMSGrad; default false). */
  amsgrad: boolean;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type AdamOptions = Partial<AdamHyper>;

export interface AdamState extends ParamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** Present once a step ran with amsgrad. */
  maxExpAvgSq?: Tensor;
}

const SPEC = { lr: nonNegative, betas: betaPair, eps: nonNegative, weightDecay: nonNegative, amsgrad: flag, maximize: flag };
const STATE = { step: 'number', expAvg: 'tensor', expAvgSq: 'tensor', maxExpAvgSq: 'tensor?' } as const;

/** Adam's configuration with the given class name and default weight decay (shared with AdamW). */
export function adamConfig(name: string, weightDecay: number): OptimizerConfig<AdamHyper> {
  return {
    name,
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    spec: SPEC,
    state: STATE,
    // AdamW's groups in PyTorch 1.13 have no `differentiable` and `fused`.
    torch: {
      flags: name === 'AdamW' ? { foreach: null, capturable: false } : { foreach: null, capturable: false, differentiable: false, fused: false },
      scalarTensors: ['step'],
    },
  };
}

export function adamInitState(p: Tensor): AdamState {
  return { step: 0, expAvg: zerosState(p), expAvgSq: zerosState(p) };
}

/**
 * One Adam/AdamW update of one parameter as the fused AdamStep kernel: updates `s`'s moments in place (assign)
 * and returns the new parameter. `l2` is Adam's penalty folded into the gradient, `decoupled` AdamW's decay rate
 * (each 0 for none). Bias corrections and the step size are computed in double precision, as PyTorch does; the
 * kernel rounds every float32 operation as the composite `adamMoments` does (the reference it is tested
 * against), in one pass over the parameter instead of a dozen.
 */
export function adamStep(param: Tensor, grad: Tensor, s: AdamState, g: ParamGroup<AdamHyper>, l2: number, decoupled: number): Tensor {
  const [beta1, beta2] = g.betas;
  if (g.amsgrad) s.maxExpAvgSq ??= zerosState(param);
  const attrs: AdamStepAttrs = {
    beta1, beta2, stepSize: g.lr / (1 - beta1 ** s.step), biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** s.step), eps: g.eps,
    weightDecay: l2, decay: decoupled !== 0 ? 1 - g.lr * decoupled : 1, maximize: g.maximize, amsgrad: g.amsgrad,
  };
  const inputs = [param, grad, s.expAvg, s.expAvgSq, ...(g.amsgrad ? [s.maxExpAvgSq!] : [])];
  const [next, expAvg, expAvgSq, maxExpAvgSq] = engine.runKernelMulti('AdamStep', inputs, { ...attrs });
  s.expAvg.assign(expAvg!);
  s.expAvgSq.assign(expAvgSq!);
  if (maxExpAvgSq) s.maxExpAvgSq!.assign(maxExpAvgSq);
  return next!;
}

/**
 * The Adam update as a composite of elementwise ops, the reference `adamStep` is tested against: `grad` is the
 * direction to descend (already negated for maximize, with any L2 term folded in, and `param` already decayed for
 * AdamW); returns the new parameter. In PyTorch's order of operations: bias corrections and the step size are
 * computed in double precision, then applied to float32 tensors.
 */
export function adamMoments(param: Tensor, grad: Tensor, s: AdamState, g: ParamGroup<AdamHyper>): Tensor {
  const [beta1, beta2] = g.betas;
  s.expAvg.assign(addScaled(s.expAvg.mul(beta1), grad, 1 - beta1));
  s.expAvgSq.assign(addcmul(s.expAvgSq.mul(beta2), grad, grad, 1 - beta2));
  const biasCorrection1 = 1 - beta1 ** s.step;
  const biasCorrection2 = 1 - beta2 ** s.step;
  const stepSize = g.lr / biasCorrection1;
  let second = s.expAvgSq;
  if (g.amsgrad) {
    s.maxExpAvgSq ??= zerosState(param);
    s.maxExpAvgSq.assign(s.maxExpAvgSq.maximum(s.expAvgSq));
    second = s.maxExpAvgSq;
  }
  const denom = second.sqrt().div(Math.sqrt(biasCorrection2)).add(g.eps);
  return addcdiv(param, s.expAvg, denom, -stepSize);
}

/**
 * Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980), with the AMSGrad
 * variant (Reddi et al., 2018, "On the Convergence of Adam and Beyond"), exactly as PyTorch's `torch.optim.Adam`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize);   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   m_t ← β1 m_{t−1} + (1 − β1) g_t
 *   v_t ← β2 v_{t−1} + (1 − β2) g_t²
 *   v̂_t ← max(v̂_{t−1}, v_t) with amsgrad, else v_t
 *   θ_t ← θ_{t−1} − (γ / (1 − β1^t)) · m_t / (√v̂_t / √(1 − β2^t) + ε)
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsInput<AdamHyper>, options?: AdamOptions) {
    super(params, options, adamConfig('Adam', 0));
  }

  protected initState(p: Tensor): AdamState {
    return adamInitState(p);
  }

  protected update(param: Tensor, grad: Tensor, s: AdamState, g: ParamGroup<AdamHyper>): Tensor {
    s.step += 1;
    return adamStep(param, grad, s, g, g.weightDecay, 0);
  }
}
