/**
 * One program for every elementwise kernel (unary, binary, compare, where, cast): output element i is
 * `expr(v0, v1, ...)` where vk is input k read at i under NumPy broadcasting. Dims are collapsed first, and each
 * input is read by the cheapest access that fits (`same` index, `scalar`, or `strided` decode); that access
 * pattern and the collapsed rank are in the shader key, the shapes and strides are uniforms.
 */
import type { TensorInfo } from '../../../backend.js';
import type { DType } from '../../../dtype.js';
import { sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { accessOf, broadcastStrides, collapseDims, decodeWgsl, dotWgsl, type Access } from '../indexing.js';
import { MATH_WGSL } from '../math.wgsl.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, f32Bits, flatDispatch, type Program } from '../program.js';

export interface ElementwiseSpec {
  /** Names the operation in the shader key, e.g. `Add` or `Gelu:tanh`; must determine `expr` with the dtypes. */
  op: string;
  /** WGSL expression of v0, v1, ... (the stored element types: f32, i32, u32 for bool) and p0, p1, ... */
  expr: string;
  /** Float parameters (e.g. LeakyRelu's slope), passed as uniforms and visible as p0, p1, ... */
  params?: readonly number[];
  /** Extra WGSL functions `expr` calls (the float math library is always included). */
  helpers?: string;
}

class ElementwiseProgram implements Program {
  readonly shaderKey: string;
  readonly workgroupSize = [FLAT_WORKGROUP, 1, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  private readonly rank: number;
  private readonly access: Access[];
  private readonly stridesAt: number[];
  private readonly paramsAt: number;

  constructor(
    private readonly spec: ElementwiseSpec,
    inputs: readonly TensorInfo[],
    outShape: readonly number[],
  ) {
    const { shape, strides } = collapseDims(outShape, [stridesOf(outShape), ...inputs.map((t) => broadcastStrides(t.shape, outShape))]);
    this.rank = shape.length;
    const [outStrides, ...inStrides] = strides;
    this.access = inStrides.map((s) => accessOf(s!, shape));
    // Uniform layout: [size, out strides..., strides of each strided input..., params...]
    this.uniforms = [sizeOf(outShape), ...outStrides!];
    this.stridesAt = inStrides.map((s, i) => {
      if (this.access[i] !== 'strided') return -1;
      const at = this.uniforms.length;
      this.uniforms.push(...s);
      return at;
    });
    this.paramsAt = this.uniforms.length;
    for (const p of spec.params ?? []) this.uniforms.push(f32Bits(p));
    this.shaderKey = `ew:${spec.op}:r${this.rank}:${this.access.join(',')}`;
    this.dispatch = flatDispatch(Math.ceil(sizeOf(outShape) / FLAT_WORKGROUP));
  }

  getUserCode(): string {
    const needsDecode = this.access.includes('strided');
    const reads = this.access.map((a, k) => {
      const index = a === 'same' ? 'i' : a === 'scalar' ? '0u' : dotWgsl(this.rank, this.stridesAt[k]!);
      return `let v${k} = in${k}[${index}];`;
    });
    const params = (this.spec.params ?? []).map((_, k) => `let p${k} = bitcast<f32>(u(${this.paramsAt + k}u));`);
    return `${MATH_WGSL}
${this.spec.helpers ?? ''}
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let i = ${FLAT_INDEX};
  if (i >= u(0u)) { return; }
  ${needsDecode ? decodeWgsl('i', this.rank, 1) : ''}
  ${reads.join('\n  ')}
  ${params.join('\n  ')}
  out[i] = ${this.spec.expr};
}`;
  }
}

/** Runs `spec` over `inputs` (broadcast to `outShape`) producing a `outDtype` tensor. */
export function runElementwise(backend: WebGpuBackend, spec: ElementwiseSpec, inputs: readonly TensorInfo[], outShape: readonly number[], outDtype: DType): TensorInfo {
  return backend.runProgram(new ElementwiseProgram(spec, inputs, outShape), inputs, outShape, outDtype);
}
