/**
 * Data movement as two programs. `StridedCopyProgram` walks an iteration shape and copies
 * in[inBase + c·inStrides] to out[outBase + c·outStrides] for every coordinate c; Transpose, Slice, Expand
 * (strided reads, contiguous writes) and Concat, Pad (contiguous reads, strided writes) are all this one
 * program with different strides. `FillProgram` writes one value everywhere (Pad's border).
 */
import type { DType } from '../../../dtype.js';
import { sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { accessOf, collapseDims, decodeWgsl, dotWgsl, type Access } from '../indexing.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, f32Bits, flatDispatch, flatProgram, type Program } from '../program.js';

export interface StridedCopy {
  /** Coordinates to visit. */
  shape: readonly number[];
  inStrides: readonly number[];
  outStrides: readonly number[];
  inBase?: number;
  outBase?: number;
}

class StridedCopyProgram implements Program {
  readonly shaderKey: string;
  readonly workgroupSize = [FLAT_WORKGROUP, 1, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  private readonly rank: number;
  private readonly inAccess: Access;
  private readonly outAccess: Access;
  private readonly inAt: number;
  private readonly outAt: number;

  constructor(copy: StridedCopy) {
    const { shape, strides } = collapseDims(copy.shape, [stridesOf(copy.shape), copy.inStrides, copy.outStrides]);
    const [own, inS, outS] = strides as [number[], number[], number[]];
    this.rank = shape.length;
    this.inAccess = accessOf(inS, shape);
    this.outAccess = accessOf(outS, shape);
    // Uniform layout: [size, inBase, outBase, decode strides, in strides (if strided), out strides (if strided)]
    this.uniforms = [sizeOf(copy.shape), copy.inBase ?? 0, copy.outBase ?? 0, ...own];
    this.inAt = this.uniforms.length;
    if (this.inAccess === 'strided') this.uniforms.push(...inS);
    this.outAt = this.uniforms.length;
    if (this.outAccess === 'strided') this.uniforms.push(...outS);
    this.shaderKey = `copy:r${this.rank}:${this.inAccess}>${this.outAccess}`;
    this.dispatch = flatDispatch(Math.ceil(sizeOf(copy.shape) / FLAT_WORKGROUP));
  }

  getUserCode(): string {
    const index = (a: Access, at: number) => (a === 'same' ? 'i' : a === 'scalar' ? '0u' : dotWgsl(this.rank, at));
    const decode = this.inAccess === 'strided' || this.outAccess === 'strided';
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u)) { return; }
  ${decode ? decodeWgsl('i', this.rank, 3) : ''}
  out[u(2u) + ${index(this.outAccess, this.outAt)}] = in0[u(1u) + ${index(this.inAccess, this.inAt)}];
}`;
  }
}

/** Writes `value` (as `dtype`) to the first `size` elements of the output. */
function fillProgram(dtype: DType, size: number, value: number): Program {
  const bits = dtype === 'float32' ? f32Bits(value) : dtype === 'int32' ? Math.trunc(value) >>> 0 : value ? 1 : 0;
  const read = dtype === 'float32' ? 'bitcast<f32>(u(1u))' : dtype === 'int32' ? 'bitcast<i32>(u(1u))' : 'u(1u)';
  return flatProgram(`fill:${dtype}`, size, [size, bits], `if (i >= u(0u)) { return; }
  out[i] = ${read};`);
}

/** Records a strided copy from `src` into `dst` (both `dtype`); nothing for an empty shape. */
export function encodeCopy(backend: WebGpuBackend, src: GPUBuffer, dst: GPUBuffer, dtype: DType, copy: StridedCopy): void {
  if (sizeOf(copy.shape) === 0) return;
  backend.encode(new StridedCopyProgram(copy), [src], [dtype], dst, dtype);
}

/** Records filling the first `size` elements of `dst` with `value`. */
export function encodeFill(backend: WebGpuBackend, dst: GPUBuffer, dtype: DType, size: number, value: number): void {
  if (size === 0) return;
  backend.encode(fillProgram(dtype, size, value), [], [], dst, dtype);
}
