/**
 * Shader programs, in the style of TensorFlow.js's WebGPU backend: a small object per kernel launch holding the
 * WGSL (`getUserCode`), its workgroup size, the grid to dispatch and the per-launch uniform words.
 *
 * `shaderKey` must encode every compile-time choice the WGSL depends on (op, ranks, broadcast pattern,
 * transpose flags, fast-path flags...); the backend appends the binding element types and the uniform length,
 * and caches one pipeline per full key. Shapes, strides and sizes travel in the `uniforms` uniform buffer instead of being
 * baked into the source, so a new batch size does not recompile anything.
 */
import type { DType } from '../../dtype.js';

export interface Program {
  readonly shaderKey: string;
  readonly workgroupSize: readonly [number, number, number];
  /** Workgroups to dispatch along x, y, z. */
  readonly dispatch: readonly [number, number, number];
  /** u32 words of the `uniforms` uniform buffer, read in WGSL with `u(k)` (use `f32Bits` for floats, `>>> 0` for i32). */
  readonly uniforms: readonly number[];
  /** WGSL after the bindings: helper functions and `@compute fn main`. Inputs are `in0..`, the output `out`. */
  getUserCode(): string;
}

/**
 * WGSL element type of a dtype's storage. WGSL has no 8-bit storage type, so bool is a u32 (0 or 1) per element;
 * float16 is two halves per u32 (element 2k in the low 16 bits), which only the half programs read and write.
 */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** Bytes of storage for `size` elements of `dtype`: 4 per element, 2 for float16 (rounded up to whole words). */
export function storageBytes(size: number, dtype: DType): number {
  return dtype === 'float16' ? Math.ceil(size / 2) * 4 : size * 4;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The IEEE bits of `x` as a float32, for passing floats through the u32 uniform. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/** Bindings and the uniform accessor shared by every program. */
export function programHeader(inputs: readonly DType[], output: DType, uniformVec4s: number): string {
  const lines = inputs.map((d, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${wgslType(d)}>;`);
  lines.push(`@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<${wgslType(output)}>;`);
  // Uniform arrays need 16-byte element stride, hence vec4 packing; u(k) reads word k.
  lines.push(`@group(0) @binding(${inputs.length + 1}) var<uniform> uniforms: array<vec4<u32>, ${uniformVec4s}>;`);
  lines.push('fn u(k: u32) -> u32 { return uniforms[k / 4u][k % 4u]; }');
  return lines.join('\n');
}

/** Workgroup size of flat (one thread per element) programs. */
export const FLAT_WORKGROUP = 64;
const MAX_GROUPS = 65535;

/**
 * A grid of `groups` workgroups that respects the 65535-per-dimension limit by spilling into y. Shaders
 * recover the flat index with `flatIndex` below (threads past the end must return early).
 */
export function flatDispatch(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  if (y > MAX_GROUPS) throw new Error(`webgpu: ${groups} workgroups exceed the dispatch limit of ${MAX_GROUPS}²`);
  return [MAX_GROUPS, y, 1];
}

/** WGSL for the flat thread index of a `flatDispatch` grid of `FLAT_WORKGROUP`-sized groups. */
export const FLAT_MAIN_ARGS =
  '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>';
export const FLAT_INDEX = `gid.x + gid.y * nwg.x * ${FLAT_WORKGROUP}u`;

/**
 * A program of `threads` invocations, one per item, each running `body` (WGSL) with `i` its index; `body` must
 * return early for i past the end (the grid rounds up to whole workgroups). `helpers` go before `main`.
 */
export function flatProgram(shaderKey: string, threads: number, uniforms: readonly number[], body: string, helpers = ''): Program {
  return {
    shaderKey,
    workgroupSize: [FLAT_WORKGROUP, 1, 1],
    dispatch: flatDispatch(Math.ceil(threads / FLAT_WORKGROUP)),
    uniforms,
    getUserCode: () => `${helpers}
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  ${body}
}`,
  };
}

/** WGSL for the flat workgroup index of a `flatDispatch` grid (one workgroup per output element). */
export const GROUP_MAIN_ARGS =
  '@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lidx: u32, @builtin(num_workgroups) nwg: vec3<u32>';
export const GROUP_INDEX = 'wid.x + wid.y * nwg.x';
