/**
 * Elementwise binary kernels with NumPy broadcasting: arithmetic (BINARY_KERNELS, output in the inputs' dtype)
 * and comparisons (COMPARE_KERNELS, output bool). The op layer has already cast both inputs to one dtype.
 */
import type { TensorInfo } from '../../../backend.js';
import type { DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import { broadcastShapes } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { runElementwise } from './elementwise-program.js';

type Exprs = Partial<Record<DType, string>>;

/**
 * Integer division truncates toward zero; x / 0 is 0, as storing JavaScript's ±Infinity/NaN into an
 * Int32Array gives (WGSL would return x, and i32 min / -1 is defined to wrap in both).
 */
const ARITHMETIC: Record<string, Exprs> = {
  Add: { float32: 'v0 + v1', int32: 'v0 + v1', bool: 'v0 | v1' },
  Sub: { float32: 'v0 - v1', int32: 'v0 - v1' },
  Mul: { float32: 'v0 * v1', int32: 'v0 * v1', bool: 'v0 & v1' },
  Div: { float32: 'v0 / v1', int32: 'select(v0 / v1, 0, v1 == 0)' },
  Pow: { float32: 'pow_f32(v0, v1)', int32: 'pow_i32(v0, v1)' },
  Maximum: { float32: 'max_f32(v0, v1)', int32: 'max(v0, v1)', bool: 'max(v0, v1)' },
  Minimum: { float32: 'min_f32(v0, v1)', int32: 'min(v0, v1)', bool: 'min(v0, v1)' },
};

/** Comparisons are false when either side is NaN, except NotEqual (tested via bits: see math.wgsl.ts). */
const COMPARE: Record<string, string> = {
  Equal: '==',
  NotEqual: '!=',
  Less: '<',
  LessEqual: '<=',
  Greater: '>',
  GreaterEqual: '>=',
};

function checkPair(name: string, a: TensorInfo, b: TensorInfo): void {
  if (a.dtype !== b.dtype) throw new Error(`${name}: webgpu kernel needs inputs of one dtype, got ${a.dtype} and ${b.dtype}`);
}

for (const [name, exprs] of Object.entries(ARITHMETIC)) {
  registerKernel<WebGpuBackend>('webgpu', name, ({ inputs: [a, b], backend }) => {
    checkPair(name, a!, b!);
    const expr = exprs[a!.dtype];
    if (!expr) throw new Error(`${name}: webgpu kernel does not take ${a!.dtype} inputs (supported: ${Object.keys(exprs).join(', ')})`);
    return runElementwise(backend, { op: name, expr }, [a!, b!], broadcastShapes(name, a!.shape, b!.shape), a!.dtype);
  });
}

for (const [name, cmp] of Object.entries(COMPARE)) {
  registerKernel<WebGpuBackend>('webgpu', name, ({ inputs: [a, b], backend }) => {
    checkPair(name, a!, b!);
    let cond = `v0 ${cmp} v1`;
    if (a!.dtype === 'float32') cond = name === 'NotEqual' ? `is_nan(v0) || is_nan(v1) || ${cond}` : `!is_nan(v0) && !is_nan(v1) && ${cond}`;
    return runElementwise(backend, { op: name, expr: `select(0u, 1u, ${cond})` }, [a!, b!], broadcastShapes(name, a!.shape, b!.shape), 'bool');
  });
}
