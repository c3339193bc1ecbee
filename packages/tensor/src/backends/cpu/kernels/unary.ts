import { makeArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { UNARY_ATTR_KERNELS, UNARY_KERNELS } from '../../../kernels.js';
import type { CpuBackend } from '../backend-cpu.js';
import { erf, erfc } from './erf.js';

type Scalar = (x: number) => number;

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Every unary kernel as a scalar function, computed in float64 and rounded to the output's dtype on store.
 * Entries that take attrs are factories `(attrs) => fn`. `int` gives the int32 form where plain float
 * arithmetic would be wrong (the product of two int32 can exceed 2^53; `Math.imul` wraps as int32 does).
 */
const UNARY: Record<(typeof UNARY_KERNELS)[number], Scalar> = {
  Neg: (x) => -x,
  Abs: Math.abs,
  // PyTorch: sign(NaN) = 0, sign(-0) = 0.
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Rsqrt: (x) => 1 / Math.sqrt(x),
  Sin: Math.sin,
  Cos: Math.cos,
  Tanh: Math.tanh,
  // 1/(1+e^-x) for x ≥ 0 and e^x/(1+e^x) below, so exp never overflows.
  Sigmoid: (x) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  // NaN stays NaN (NaN <= 0 is false), as in PyTorch.
  Relu: (x) => (x <= 0 ? 0 : x),
  Erf: erf,
  Square: (x) => x * x,
  Reciprocal: (x) => 1 / x,
};

const UNARY_INT: Partial<Record<keyof typeof UNARY, Scalar>> = {
  Square: (x) => Math.imul(x, x),
};

const UNARY_WITH_ATTRS: Record<(typeof UNARY_ATTR_KERNELS)[number], (attrs: Record<string, unknown>) => Scalar> = {
  /** x·Φ(x): exact 0.5·x·(1 + erf(x/√2)) (as 0.5·x·erfc(-x/√2), accurate in the negative tail) or the tanh form. */
  Gelu: ({ approximate }) =>
    approximate === 'tanh'
      ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
      : (x) => 0.5 * x * erfc(-x * SQRT1_2),
  LeakyRelu: ({ negativeSlope }) => {
    const s = negativeSlope as number;
    return (x) => (x > 0 ? x : x * s);
  },
};

/** out[i] = f(x[i]); the output has the input's dtype (the op casts int/bool to float32 for float functions). */
function mapKernel(name: string, fnFor: (attrs: Record<string, unknown>, dtype: string) => Scalar): void {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], attrs, backend }) => {
    const f = fnFor(attrs, x!.dtype);
    const xs = backend.values(x!);
    const out = makeArray(x!.dtype, xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = f(xs[i]!);
    return backend.make(out, x!.shape, x!.dtype);
  });
}

for (const [name, f] of Object.entries(UNARY) as [keyof typeof UNARY, Scalar][]) {
  const intF = UNARY_INT[name] ?? f;
  mapKernel(name, (_, dtype) => (dtype === 'float32' ? f : intF));
}
for (const [name, make] of Object.entries(UNARY_WITH_ATTRS)) mapKernel(name, make);
