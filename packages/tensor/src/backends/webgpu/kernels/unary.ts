/**
 * Elementwise unary kernels (UNARY_KERNELS and UNARY_ATTR_KERNELS of kernels.ts). Float kernels get float32
 * input; Neg, Abs, Sign and Square also take int32. Every float kernel returns a NaN input unchanged, written
 * out because GPU compilers may assume NaN never occurs (see math.wgsl.ts).
 */
import { registerKernel } from '../../../kernel-registry.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { runElementwise } from './elementwise-program.js';

/**
 * WGSL of x = v0 per kernel, for f32 and (where allowed) i32 inputs. Float forms are wrapped to return NaN for
 * NaN unless `ownNaN` says the expression handles NaN itself.
 */
const UNARY: Record<string, { f32: string; i32?: string; ownNaN?: boolean }> = {
  Neg: { f32: '-v0', i32: '-v0' },
  Abs: { f32: 'abs(v0)', i32: 'abs(v0)' },
  // PyTorch: sign(NaN) = 0.
  Sign: { f32: 'select(sign(v0), 0.0, is_nan(v0))', i32: 'sign(v0)', ownNaN: true },
  Exp: { f32: 'exp_f32(v0)' },
  Log: { f32: 'log_f32(v0)' },
  Sqrt: { f32: 'sqrt_f32(v0)' },
  Rsqrt: { f32: 'rsqrt_f32(v0)' },
  Sin: { f32: 'sin_f32(v0)' },
  Cos: { f32: 'cos_f32(v0)' },
  Tanh: { f32: 'tanh_f32(v0)' },
  Sigmoid: { f32: 'sigmoid_f32(v0)' },
  Relu: { f32: 'select(v0, 0.0, v0 <= 0.0)', i32: 'max(v0, 0)' },
  Erf: { f32: 'erf_f32(v0)' },
  Square: { f32: 'v0 * v0', i32: 'v0 * v0' },
  Reciprocal: { f32: '1.0 / v0' },
};

/** Float expression with NaN passed through. */
function nanSafe(expr: string): string {
  return `select(${expr}, v0, is_nan(v0))`;
}

for (const [name, exprs] of Object.entries(UNARY)) {
  registerKernel<WebGpuBackend>('webgpu', name, ({ inputs: [x], backend }) => {
    const f32 = exprs.ownNaN ? exprs.f32 : nanSafe(exprs.f32);
    const expr = x!.dtype === 'float32' ? f32 : x!.dtype === 'int32' ? exprs.i32 : undefined;
    if (expr === undefined) throw new Error(`${name}: webgpu kernel needs float32${exprs.i32 ? ' or int32' : ''} input, got ${x!.dtype}`);
    return runElementwise(backend, { op: name, expr }, [x!], x!.shape, x!.dtype);
  });
}

/** LeakyRelu {negativeSlope}: x if x > 0 else negativeSlope·x (slope is a uniform: no recompile per value). */
registerKernel<WebGpuBackend>('webgpu', 'LeakyRelu', ({ inputs: [x], attrs, backend }) => {
  const { negativeSlope } = attrs as { negativeSlope: number };
  if (x!.dtype !== 'float32') throw new Error(`LeakyRelu: webgpu kernel needs float32 input, got ${x!.dtype}`);
  return runElementwise(backend, { op: 'LeakyRelu', expr: nanSafe('select(v0 * p0, v0, v0 > 0.0)'), params: [negativeSlope] }, [x!], x!.shape, 'float32');
});

/**
 * Gelu {approximate}: 'none' is x·Φ(x) = 0.5·x·(1 + erf(x/√2)); 'tanh' is PyTorch's
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
registerKernel<WebGpuBackend>('webgpu', 'Gelu', ({ inputs: [x], attrs, backend }) => {
  const approximate = (attrs as { approximate?: string }).approximate ?? 'none';
  if (x!.dtype !== 'float32') throw new Error(`Gelu: webgpu kernel needs float32 input, got ${x!.dtype}`);
  let expr: string;
  if (approximate === 'none') expr = '0.5 * v0 * (1.0 + erf_f32(v0 * 0.7071067811865476))';
  else if (approximate === 'tanh') expr = '0.5 * v0 * (1.0 + tanh_f32(0.7978845608028654 * (v0 + 0.044715 * v0 * v0 * v0)))';
  else throw new Error(`Gelu: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  return runElementwise(backend, { op: `Gelu:${approximate}`, expr: nanSafe(expr) }, [x!], x!.shape, 'float32');
});
