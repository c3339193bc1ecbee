import { engine, keep, type SgdStepAttrs, type Tensor } from '@nn/tensor';
import { finite, flag, nonNegative } from './hyper.js';
import { Optimizer, type OptimizerConfig, type ParamGroup, type ParamsInput, type ParamState } from './optimizer.js';
import { addScaled, coupledDecay, direction } from './pointwise.js';

export interface SGDHyper {
  /** Learning rate γ. Required: SGD has no default (as in PyTorch 1.13). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum accumulation (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov: boolean;
  /** Ascend the objective instead (default false). */
  maximize: boolean;
}
export type SGDOptions = Partial<SGDHyper>;

export interface SGDState extends ParamState {
  /** Created on the first step with momentum ≠ 0, as a copy of that step's gradient. */
  momentumBuffer?: Tensor;
}

const CONFIG: OptimizerConfig<SGDHyper> = {
  name: 'SGD',
  defaults: { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  spec: { lr: nonNegative, momentum: nonNegative, dampening: finite, weightDecay: nonNegative, nesterov: flag, maximize: flag },
  crossCheck: (op, where, h) => {
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
      throw new Error(
        `${op}: ${where}nesterov requires momentum > 0 and dampening = 0, got momentum ${h.momentum}, dampening ${h.dampening}`,
      );
  },
  state: { momentumBuffer: 'tensor?' },
  torch: { flags: { foreach: null, differentiable: false }, noneWhenAbsent: ['momentumBuffer'] },
};

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, exactly as
 * PyTorch's `torch.optim.SGD`:
 *
 *   g_t ← ∇f(θ_{t−1})   (−∇f if maximize)
 *   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   if μ ≠ 0:  b_t ← g_t at t = 1, else μ b_{t−1} + (1 − τ) g_t
 *              g_t ← g_t + μ b_t  (nesterov)   or   g_t ← b_t
 *   θ_t ← θ_{t−1} − γ g_t
 *
 * The momentum form (velocity accumulates gradients, the learning rate multiplies the velocity) is PyTorch's,
 * which differs from Sutskever et al. (2013) "On the importance of initialization and momentum in deep
 * learning" only in where γ enters; Nesterov momentum follows that paper's formulation.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(params: ParamsInput<SGDHyper>, options?: SGDOptions) {
    super(params, options, CONFIG);
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(param: Tensor, grad: Tensor, s: SGDState, g: ParamGroup<SGDHyper>): Tensor {
    return sgdStep(param, grad, s, g);
  }
}

/**
 * One SGD update of one parameter as the fused SgdStep kernel: updates (or creates) `s`'s momentum buffer and
 * returns the new parameter, bit for bit what the composite `sgdComposite` computes, in one pass.
 */
export function sgdStep(param: Tensor, grad: Tensor, s: SGDState, g: ParamGroup<SGDHyper>): Tensor {
  const attrs: SgdStepAttrs = { lr: g.lr, momentum: g.momentum, dampening: g.dampening, weightDecay: g.weightDecay, nesterov: g.nesterov, maximize: g.maximize };
  const inputs = [param, grad, ...(g.momentum !== 0 && s.momentumBuffer ? [s.momentumBuffer] : [])];
  const [next, buffer] = engine.runKernelMulti('SgdStep', inputs, { ...attrs });
  if (buffer) {
    if (s.momentumBuffer === undefined) s.momentumBuffer = keep(buffer);
    else s.momentumBuffer.assign(buffer);
  }
  return next!;
}

/** The SGD update as a composite of elementwise ops, in PyTorch's order: the reference `sgdStep` is tested against. */
export function sgdComposite(param: Tensor, grad: Tensor, s: SGDState, g: ParamGroup<SGDHyper>): Tensor {
  let d = coupledDecay(direction(grad, g.maximize), param, g.weightDecay);
  if (g.momentum !== 0) {
    if (s.momentumBuffer === undefined) s.momentumBuffer = keep(d.clone());
    else s.momentumBuffer.assign(addScaled(s.momentumBuffer.mul(g.momentum), d, 1 - g.dampening));
    d = g.nesterov ? addScaled(d, s.momentumBuffer, g.momentum) : s.momentumBuffer;
  }
  return addScaled(param, d, -g.lr);
}
