/**
 * Gradient rules of the elementwise kernels (unary, binary with broadcasting, where, cast, clone), following
 * PyTorch 1.13's derivatives.yaml formula by formula so results agree to float32 rounding.
 */
import {
  add, cast, cos, div, eq, erf, exp, ge, gt, le, log, lt, mul, neg, pow, sign, sin, sub, tanh, where, zerosLike, type Tensor,
} from '@nn/tensor';
import type { GradContext, GradRule } from './types.js';
import { unbroadcast } from './unbroadcast.js';

const SQRT1_2 = Math.SQRT1_2;
/** 2/√π, the derivative scale of erf. */
const TWO_OVER_SQRTPI = 2 / Math.sqrt(Math.PI);
/** 1/√(2π), the standard normal density at 0. */
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** √(2/π) and 0.044715: the constants of the tanh approximation of GELU. */
const GELU_BETA = Math.sqrt(2 / Math.PI);
const GELU_KAPPA = 0.044715;

/** A rule of one input whose gradient is `f(dy, ctx)`. */
function unary(fn: (dy: Tensor, ctx: GradContext) => Tensor, save: { input?: boolean; output?: boolean } = {}): GradRule {
  return {
    saveInputs: save.input ? [0] : undefined,
    saveOutput: save.output,
    backward: (dy, ctx) => [fn(dy, ctx)],
  };
}

const x0 = (ctx: GradContext): Tensor => ctx.inputs[0]!;

export const UNARY_RULES = {
  Neg: unary((dy) => neg(dy)),
  /** d|x| = sgn(x): 0 at 0, as PyTorch. */
  Abs: unary((dy, c) => mul(dy, sign(x0(c))), { input: true }),
  /** Piecewise constant: zero gradient. */
  Sign: unary((dy) => zerosLike(dy)),
  /** d eˣ = eˣ = y. */
  Exp: unary((dy, c) => mul(dy, c.output), { output: true }),
  Log: unary((dy, c) => div(dy, x0(c)), { input: true }),
  /** d√x = 1 / (2y). */
  Sqrt: unary((dy, c) => div(dy, mul(c.output, 2)), { output: true }),
  /** d x^(-1/2) = -y³/2. */
  Rsqrt: unary((dy, c) => mul(mul(dy, -0.5), mul(mul(c.output, c.output), c.output)), { output: true }),
  Sin: unary((dy, c) => mul(dy, cos(x0(c))), { input: true }),
  Cos: unary((dy, c) => mul(dy, neg(sin(x0(c)))), { input: true }),
  /** d tanh = 1 - y². */
  Tanh: unary((dy, c) => mul(dy, sub(1, mul(c.output, c.output))), { output: true }),
  /** dσ = (1 - y)·y. */
  Sigmoid: unary((dy, c) => mul(mul(dy, sub(1, c.output)), c.output), { output: true }),
  /** 0 where y ≤ 0 (so 0 at x = 0), else 1: PyTorch's threshold_backward. */
  Relu: unary((dy, c) => where(le(c.output, 0), 0, dy), { output: true }),
  /** d erf = 2/√π · e^(-x²). */
  Erf: unary((dy, c) => mul(mul(exp(neg(mul(x0(c), x0(c)))), TWO_OVER_SQRTPI), dy), { input: true }),
  /** d x² = 2x. */
  Square: unary((dy, c) => mul(dy, mul(x0(c), 2)), { input: true }),
  /** d (1/x) = -y². */
  Reciprocal: unary((dy, c) => mul(neg(dy), mul(c.output, c.output)), { output: true }),
} satisfies Record<string, GradRule>;

export const UNARY_ATTR_RULES = {
  /** slope 1 where x > 0, else negativeSlope (also at 0, as PyTorch). */
  LeakyRelu: unary((dy, c) => where(gt(x0(c), 0), dy, mul(dy, c.attrs.negativeSlope as number)), { input: true }),
  Gelu: unary((dy, c) => (c.attrs.approximate === 'tanh' ? geluTanhGrad(dy, x0(c)) : geluGrad(dy, x0(c))), { input: true }),
} satisfies Record<string, GradRule>;

/** GELU(x) = x·Φ(x): d/dx = Φ(x) + x·φ(x), with Φ(x) = (1 + erf(x/√2))/2 and φ(x) = e^(-x²/2)/√(2π). */
function geluGrad(dy: Tensor, x: Tensor): Tensor {
  const cdf = mul(add(erf(mul(x, SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI);
  return mul(dy, add(cdf, mul(x, pdf)));
}

/**
 * GELU_tanh(x) = x/2·(1 + tanh(u)), u = √(2/π)(x + κx³):
 * d/dx = (1 + tanh u)/2 + x/2·(1 - tanh² u)·√(2/π)(1 + 3κx²).
 */
function geluTanhGrad(dy: Tensor, x: Tensor): Tensor {
  const x2 = mul(x, x);
  const t = tanh(mul(add(x, mul(mul(x2, x), GELU_KAPPA)), GELU_BETA));
  const left = mul(add(t, 1), 0.5);
  const right = mul(mul(mul(x, 0.5), sub(1, mul(t, t))), mul(add(mul(x2, 3 * GELU_KAPPA), 1), GELU_BETA));
  return mul(dy, add(left, right));
}

/** A binary rule whose raw gradients (of the broadcast shape) are summed back to each operand's shape. */
function binary(
  fn: (dy: Tensor, a: Tensor, b: Tensor, ctx: GradContext) => [(() => Tensor) | null, (() => Tensor) | null],
  save: { inputs?: number[]; output?: boolean } = {},
): GradRule {
  return {
    saveInputs: save.inputs,
    saveOutput: save.output,
    backward(dy, ctx) {
      const [a, b] = ctx.inputs as [Tensor, Tensor];
      const [fa, fb] = fn(dy, a, b, ctx);
      return [
        ctx.needs[0] && fa ? unbroadcast(fa(), a.shape) : null,
        ctx.needs[1] && fb ? unbroadcast(fb(), b.shape) : null,
      ];
    },
  };
}

export const BINARY_RULES = {
  Add: binary((dy) => [() => dy, () => dy]),
  Sub: binary((dy) => [() => dy, () => neg(dy)]),
  Mul: binary((dy, a, b) => [() => mul(dy, b), () => mul(dy, a)], { inputs: [0, 1] }),
  /** d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b = -y/b. */
  Div: binary((dy, _a, b, c) => [() => div(dy, b), () => mul(neg(dy), div(c.output, b))], { inputs: [1], output: true }),
  /**
   * d aᵇ/da = b·a^(b-1) (0 where b = 0); d aᵇ/db = aᵇ·ln a, taken as 0 where a = 0 and b ≥ 0 (the limit),
   * as PyTorch 1.13's pow_backward_self / pow_backward_exponent.
   */
  Pow: binary(
    (dy, a, b, c) => [
      () => where(eq(b, 0), 0, mul(dy, mul(b, pow(a, sub(b, 1))))),
      () => {
        const t = mul(c.output, log(a));
        return mul(dy, where(eq(a, 0), where(ge(b, 0), 0, t), t));
      },
    ],
    { inputs: [0, 1], output: true },
  ),
  /** The larger operand gets dy; on ties each gets dy/2 (PyTorch's maximum). */
  Maximum: binary((dy, a, b) => [() => splitTies(dy, a, b, lt(a, b)), () => splitTies(dy, a, b, gt(a, b))], { inputs: [0, 1] }),
  Minimum: binary((dy, a, b) => [() => splitTies(dy, a, b, gt(a, b)), () => splitTies(dy, a, b, lt(a, b))], { inputs: [0, 1] }),
} satisfies Record<string, GradRule>;

/** dy where this operand won, dy/2 where a = b, 0 where it `lost`. */
function splitTies(dy: Tensor, a: Tensor, b: Tensor, lost: Tensor): Tensor {
  return where(lost, 0, where(eq(a, b), div(dy, 2), dy));
}

export const OTHER_ELEMENTWISE_RULES = {
  /** (cond, a, b): dy flows to a where cond holds, to b elsewhere; cond has no gradient. */
  Where: {
    saveInputs: [0],
    backward(dy, { inputs: [cond, a, b], needs }) {
      return [
        null,
        needs[1] ? unbroadcast(where(cond!, dy, 0), a!.shape) : null,
        needs[2] ? unbroadcast(where(cond!, 0, dy), b!.shape) : null,
      ];
    },
  },
  /**
   * Recorded only between floating dtypes (casts to int/bool carry no gradient): the gradient goes back in the
   * input's dtype (float32 ← float16 under autocast, and the reverse).
   */
  Cast: { backward: (dy, { inputs: [x] }) => [dy.dtype === x!.dtype ? dy : cast(dy, x!.dtype)] },
  Clone: { backward: (dy) => [dy] },
} satisfies Record<string, GradRule>;
