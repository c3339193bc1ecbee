/**
 * Cast, Clone and Where: the elementwise kernels that only move or convert values.
 */
import type { DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { CastAttrs } from '../../../kernels.js';
import { broadcastShapes } from '../../../shape.js';
import type { TensorInfo } from '../../../backend.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { storageBytes } from '../program.js';
import { floatToHalf, halfToFloat } from './half.js';
import { runElementwise } from './elementwise-program.js';

/**
 * WGSL converting v0 from `from` to `to`, as the CPU backend's typed-array stores do: float → int32 truncates
 * toward zero and wraps modulo 2^32 beyond the int32 range (NaN and ±Inf give 0, JavaScript's ToInt32, where
 * WGSL's i32() would saturate); anything → bool is x != 0 (NaN is true, as in PyTorch); bool → number is 0/1.
 */
function conversion(from: DType, to: DType): string {
  if (from === to) return 'v0';
  if (to === 'bool') return from === 'float32' ? 'select(0u, 1u, v0 != 0.0 || is_nan(v0))' : 'select(0u, 1u, v0 != 0)';
  if (to === 'float32') return 'f32(v0)';
  if (from === 'bool') return 'i32(v0)';
  return 'f32_to_i32(v0)';
}

const F32_TO_I32 = /* wgsl */ `
fn f32_to_i32(x: f32) -> i32 {
  if (is_nan(x) || is_inf(x)) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  // |x| >= 2^31 is an integer whose remainder mod 2^32 is exact in float32.
  return bitcast<i32>(u32(x - floor(x / 4294967296.0) * 4294967296.0));
}`;

/** x converted between float32, int32 and bool by one elementwise program. */
function convert(backend: WebGpuBackend, x: TensorInfo, dtype: DType): TensorInfo {
  const expr = conversion(x.dtype, dtype);
  return runElementwise(backend, { op: `Cast:${x.dtype}>${dtype}`, expr, helpers: F32_TO_I32 }, [x], x.shape, dtype);
}

/** float16 goes through float32 on its way to or from another dtype (half.ts). */
registerKernel<WebGpuBackend>('webgpu', 'Cast', ({ inputs: [x], attrs, backend }) => {
  const { dtype } = attrs as CastAttrs;
  if (x!.dtype !== 'float16' && dtype !== 'float16') return convert(backend, x!, dtype);
  if (x!.dtype === dtype) return copy(backend, x!);
  // One side is float16: widen x to float32 (from halves, or from int32/bool on the way to halves).
  const wide = x!.dtype === 'float16' ? halfToFloat(backend, x!) : x!.dtype === 'float32' ? x! : convert(backend, x!, 'float32');
  const out = dtype === 'float16' ? floatToHalf(backend, wide) : dtype === 'float32' ? wide : convert(backend, wide, dtype);
  if (wide !== x! && wide !== out) backend.disposeData(wide.dataId);
  return out;
});

function copy(backend: WebGpuBackend, x: TensorInfo): TensorInfo {
  const src = backend.data(x);
  const out = backend.alloc(src.size, x.dtype);
  backend.copyBuffer(src.buffer, out.buffer, storageBytes(src.size, x.dtype));
  return { dataId: out, shape: x.shape, dtype: x.dtype };
}

/** Clone copies the buffer (unlike Reshape, which shares it). */
registerKernel<WebGpuBackend>('webgpu', 'Clone', ({ inputs: [x], backend }) => copy(backend, x!));

/** Where(cond: bool, a, b) → cond ? a : b, all three broadcast; a and b share the output dtype. */
registerKernel<WebGpuBackend>('webgpu', 'Where', ({ inputs: [cond, a, b], backend }) => {
  if (a!.dtype !== b!.dtype) throw new Error(`Where: webgpu kernel needs a and b of one dtype, got ${a!.dtype} and ${b!.dtype}`);
  const shape = broadcastShapes('Where', cond!.shape, a!.shape, b!.shape);
  const test = cond!.dtype === 'float32' ? 'v0 != 0.0' : cond!.dtype === 'int32' ? 'v0 != 0' : 'v0 != 0u';
  return runElementwise(backend, { op: 'Where', expr: `select(v2, v1, ${test})` }, [cond!, a!, b!], shape, a!.dtype);
});
