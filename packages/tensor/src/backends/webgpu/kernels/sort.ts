/**
 * ArgSort by counting: the thread of element i of a row counts the entries that sort before it (smaller — or
 * larger, descending — or equal at a lower position) and writes i at that rank. Stable by construction and the
 * same order as the CPU's merge sort (NaN above every number, -0 equal to 0); O(n²) comparisons per row of n,
 * in one dispatch with no workgroup memory, which suits the row lengths sort and topk see in training (class
 * scores, sequence positions). Rows of many thousands would want a bitonic or radix sort instead.
 */
import type { DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { ArgSortAttrs } from '../../../kernels.js';
import { sizeOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { FLAT_INDEX, FLAT_MAIN_ARGS, FLAT_WORKGROUP, flatDispatch, type Program } from '../program.js';

class ArgSortProgram implements Program {
  readonly shaderKey: string;
  readonly workgroupSize = [FLAT_WORKGROUP, 1, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];

  constructor(
    private readonly dtype: DType,
    shape: readonly number[],
    dim: number,
    private readonly descending: boolean,
  ) {
    const size = sizeOf(shape);
    // Uniform layout: [size, n, inner]
    this.uniforms = [size, shape[dim]!, sizeOf(shape.slice(dim + 1))];
    this.shaderKey = `argSort:${descending ? 'desc' : 'asc'}`;
    this.dispatch = flatDispatch(Math.ceil(size / FLAT_WORKGROUP));
  }

  getUserCode(): string {
    const float = this.dtype === 'float32';
    // NaN is tested on the bits: a shader compiler may fold `v != v` away.
    const nan = (v: string) => (float ? `((bitcast<u32>(${v}) & 0x7fffffffu) > 0x7f800000u)` : 'false');
    const first = this.descending ? 'kj > ki' : 'kj < ki';
    return `
@compute @workgroup_size(${FLAT_WORKGROUP})
fn main(${FLAT_MAIN_ARGS}) {
  let t = ${FLAT_INDEX};
  if (t >= u(0u)) { return; }
  let n = u(1u);
  let inner = u(2u);
  let c = t % inner;
  let i = (t / inner) % n;
  let base = (t / inner / n) * n * inner + c;
  let ki = in0[t];
  let nanI = ${nan('ki')};
  var rank = 0u;
  for (var j = 0u; j < n; j++) {
    let kj = in0[base + j * inner];
    let nanJ = ${nan('kj')};
    var before = false;
    if (nanI || nanJ) {
      before = (${this.descending ? 'nanJ && !nanI' : 'nanI && !nanJ'}) || (nanI && nanJ && j < i);
    } else {
      before = (${first}) || (kj == ki && j < i);
    }
    if (before) { rank = rank + 1u; }
  }
  out[base + rank * inner] = i32(i);
}`;
  }
}

registerKernel<WebGpuBackend>('webgpu', 'ArgSort', ({ inputs: [x], attrs, backend }) => {
  const { dim, descending } = attrs as ArgSortAttrs;
  const shape = x!.shape.length === 0 ? [1] : x!.shape;
  return backend.runProgram(new ArgSortProgram(x!.dtype, shape, dim, descending), [x!], x!.shape, 'int32');
});
