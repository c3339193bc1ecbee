import { registerKernel } from '../../../kernel-registry.js';
import type { UNARY_ATTR_KERNELS, UNARY_KERNELS } from '../../../kernels.js';
import type { CpuBackend } from '../backend-cpu.js';
import { MIN_WASM_ELEMENTS, isWasmUnaryOp, wasmSpecial, wasmUnary, type WasmSpecialOp } from '../wasm/elementwise-wasm.js';
import { erf, erfc } from './erf.js';

type Scalar = (x: number) => number;
/** o[i] = f(x[i]) for i < n over float32. */
type F32Map = (x: Float32Array, o: Float32Array, n: number) => void;

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** 1/(1+e^-x) for x ≥ 0 and e^x/(1+e^x) below, so exp never overflows. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Exact GELU x·Φ(x) = 0.5·x·(1 + erf(x/√2)), as 0.5·x·erfc(-x/√2), accurate in the negative tail. */
function gelu(x: number): number {
  return 0.5 * x * erfc(-x * SQRT1_2);
}

/** The tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

/**
 * Every unary kernel as a scalar function, computed in float64 and rounded to the output's dtype on store: the
 * definition, and the int32 path. `int` gives the int32 form where plain float arithmetic would be wrong (the
 * product of two int32 can exceed 2^53; `Math.imul` wraps as int32 does).
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
  Sigmoid: sigmoid,
  // NaN stays NaN (NaN <= 0 is false), as in PyTorch.
  Relu: (x) => (x <= 0 ? 0 : x),
  Erf: erf,
  Square: (x) => x * x,
  Reciprocal: (x) => 1 / x,
};

const UNARY_INT: Partial<Record<keyof typeof UNARY, Scalar>> = {
  // Exact below 2^53; a result outside int32 is reported (see the int32 loop below).
  Square: (x) => x * x,
};

/**
 * The float32 kernels: the same functions, each in its own loop so V8 sees one array type and inlines the
 * function (one loop calling the function of whichever op runs it is 3–8× slower, and boxes every result).
 */
const UNARY_F32: Record<keyof typeof UNARY, F32Map> = {
  Neg: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = -x[i]!; },
  Abs: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!); },
  Sign: (x, o, n) => { for (let i = 0; i < n; i++) { const v = x[i]!; o[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } },
  Exp: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!); },
  Log: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!); },
  Sqrt: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!); },
  Rsqrt: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!); },
  Sin: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]!); },
  Cos: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]!); },
  Tanh: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!); },
  Sigmoid: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = sigmoid(x[i]!); },
  Relu: (x, o, n) => { for (let i = 0; i < n; i++) { const v = x[i]!; o[i] = v <= 0 ? 0 : v; } },
  Erf: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = erf(x[i]!); },
  Square: (x, o, n) => { for (let i = 0; i < n; i++) { const v = x[i]!; o[i] = v * v; } },
  Reciprocal: (x, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / x[i]!; },
};

/** The kernels with attrs, float32 only (the op casts first): a float32 loop for the given attrs. */
const UNARY_WITH_ATTRS: Record<(typeof UNARY_ATTR_KERNELS)[number], (attrs: Record<string, unknown>) => F32Map> = {
  /** Gelu {approximate: 'none' | 'tanh'}. */
  Gelu: ({ approximate }) =>
    approximate === 'tanh'
      ? (x, o, n) => { for (let i = 0; i < n; i++) o[i] = geluTanh(x[i]!); }
      : (x, o, n) => { for (let i = 0; i < n; i++) o[i] = gelu(x[i]!); },
  /** LeakyRelu {negativeSlope}: x for x > 0, else x·slope (slope in float64, as the scalar form). */
  LeakyRelu: ({ negativeSlope }) => {
    const s = negativeSlope as number;
    return (x, o, n) => { for (let i = 0; i < n; i++) { const v = x[i]!; o[i] = v > 0 ? v : v * s; } };
  },
};

/**
 * Below this many elements exp, erf and GELU keep their TypeScript loops (float64, rounded): the SIMD ones are
 * ~10× faster per element (measured: 65,536 GELUs 0.2 ms against 2.4 ms), so they win early.
 */
const MIN_SPECIAL_ELEMENTS = 64;

/** Runs a special function (exp, erf, GELU) in WebAssembly SIMD when there are enough elements; false if not. */
function special(op: WasmSpecialOp, x: Float32Array, out: Float32Array): boolean {
  return x.length >= MIN_SPECIAL_ELEMENTS && wasmSpecial(op, x, out, x.length);
}

/**
 * out[i] = f(x[i]), the output in the input's dtype (the op casts int/bool to float32 for float functions).
 * Float32 inputs of at least MIN_WASM_ELEMENTS go to the WebAssembly SIMD kernel where there is one: the exact
 * ops (− |·| √ relu x² 1/x) give the same bits; exp and erf (and GELU below), from MIN_SPECIAL_ELEMENTS, are
 * float32 approximations within 1 and 2 ulps (6 for GELU) of the TypeScript loops' correctly rounded results —
 * as close as PyTorch's own vectorised CPU kernels (SLEEF, polynomial erf) are to them.
 */
for (const [name, f] of Object.entries(UNARY) as [keyof typeof UNARY, Scalar][]) {
  const intF = UNARY_INT[name] ?? f;
  const f32 = UNARY_F32[name];
  const wasmOp = isWasmUnaryOp(name) ? name : null;
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], backend }) => {
    const xs = backend.values(x!);
    const n = xs.length;
    const out = backend.alloc(x!.dtype, n, false); // every element is written
    if (x!.dtype === 'float32') {
      const [xf, of] = [xs as Float32Array, out as Float32Array];
      const done = wasmOp ? n >= MIN_WASM_ELEMENTS && wasmUnary(wasmOp, xf, of, n) : (name === 'Exp' || name === 'Erf') && special(name, xf, of);
      if (!done) f32(xf, of, n);
    } else if (x!.dtype === 'int32')
      for (let i = 0; i < n; i++) {
        // −(−2^31), |−2^31| and large squares leave int32: an error, never a silent wrap-around.
        const r = intF(xs[i]!);
        if (r > 2147483647 || r < -2147483648) throw new Error(`${name.toLowerCase()}: int32 overflow: ${xs[i]} gives ${r}, outside [-2^31, 2^31); cast to float32 first`);
        out[i] = r;
      }
    else for (let i = 0; i < n; i++) out[i] = intF(xs[i]!);
    return backend.make(out, x!.shape, x!.dtype);
  });
}
for (const [name, make] of Object.entries(UNARY_WITH_ATTRS)) {
  registerKernel<CpuBackend>('cpu', name, ({ inputs: [x], attrs, backend }) => {
    const xs = backend.values(x!) as Float32Array;
    const out = backend.alloc('float32', xs.length, false) as Float32Array; // every element is written
    if (!(name === 'Gelu' && attrs.approximate !== 'tanh' && special('Gelu', xs, out))) make(attrs)(xs, out, xs.length);
    return backend.make(out, x!.shape, 'float32');
  });
}
