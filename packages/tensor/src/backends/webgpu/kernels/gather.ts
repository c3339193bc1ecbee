/**
 * Gather, IndexSelect and ScatterAdd along `dim` (torch.gather / torch.index_select / torch.scatter_add, out of
 * place). The CPU backend throws on an index outside [0, x.shape[dim]); a GPU kernel cannot, so here such an
 * index reads 0 (Gather, IndexSelect) or adds nothing (ScatterAdd) instead of touching memory out of bounds.
 */
import type { DType } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { GatherAttrs, IndexSelectAttrs, ScatterAddAttrs } from '../../../kernels.js';
import { sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { collapseDims, decodeWgsl, dotWgsl } from '../indexing.js';
import { flatProgram, wgslType, type Program } from '../program.js';

/** A 0-d tensor behaves as shape [1] along a dim. */
function atLeast1d(shape: readonly number[]): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}

/** x's strides with `dim`'s zeroed: the offset of an index position before the gathered coordinate is added. */
function skipStrides(shape: readonly number[], dim: number): number[] {
  return stridesOf(shape).map((s, d) => (d === dim ? 0 : s));
}

/** out[p] = x[p with p[dim] = index[p]]: the index's shape walked flat, dotted with x's strides minus dim's. */
function gatherProgram(dtype: DType, xShape: readonly number[], iShape: readonly number[], dim: number): Program {
  const { shape, strides } = collapseDims(iShape, [stridesOf(iShape), skipStrides(xShape, dim)]);
  const rank = shape.length;
  const size = sizeOf(iShape);
  // Uniform layout: [size, x.shape[dim], x's stride along dim, decode strides, x skip strides]
  const uniforms = [size, xShape[dim]!, stridesOf(xShape)[dim]!, ...strides[0]!, ...strides[1]!];
  return flatProgram(`gather:r${rank}`, size, uniforms, `if (i >= u(0u)) { return; }
  ${decodeWgsl('i', rank, 3)}
  let j = in1[i];
  if (j < 0 || u32(j) >= u(1u)) { out[i] = ${wgslType(dtype)}(0); return; }
  out[i] = in0[${dotWgsl(rank, 3 + rank)} + u32(j) * u(2u)];`);
}

/**
 * out[o, j, c] = x[o, index[j], c] with x viewed as [outer, n, inner] and out as [outer, k, inner]: one thread
 * per output element, decoding (o, j, c) from its flat index. Rank-independent, so one shader serves all.
 */
function indexSelectProgram(dtype: DType, xShape: readonly number[], k: number, dim: number): Program {
  const inner = sizeOf(xShape.slice(dim + 1));
  const size = sizeOf(xShape.slice(0, dim)) * k * inner;
  // Uniform layout: [size, k, inner, n]
  return flatProgram('indexSelect', size, [size, k, inner, xShape[dim]!], `if (i >= u(0u)) { return; }
  let c = i % u(2u);
  let row = i / u(2u);
  let v = in1[row % u(1u)];
  if (v < 0 || u32(v) >= u(3u)) { out[i] = ${wgslType(dtype)}(0); return; }
  out[i] = in0[((row / u(1u)) * u(3u) + u32(v)) * u(2u) + c];`);
}

/**
 * out = x, then out[p with p[dim] = index[p]] += src[p]. Without float atomics, each output element gathers
 * its own contributions: it scans the index along dim (at its other coordinates) and adds src where the index
 * names it, in index order, so the sum is deterministic and matches the CPU's order.
 */
function scatterAddProgram(xShape: readonly number[], iShape: readonly number[], sShape: readonly number[], dim: number): Program {
  const r = xShape.length;
  const iStrides = stridesOf(iShape);
  const sStrides = stridesOf(sShape);
  // Uniform layout: [size, index.shape[dim], index stride along dim, src stride along dim,
  //   x decode strides, bounds (index.shape, unbounded at dim), index skip strides, src skip strides, dim selector]
  const uniforms = [
    sizeOf(xShape), iShape[dim]!, iStrides[dim]!, sStrides[dim]!,
    ...stridesOf(xShape),
    ...iShape.map((n, d) => (d === dim ? 0xffffffff : n)),
    ...iStrides.map((s, d) => (d === dim ? 0 : s)),
    ...sStrides.map((s, d) => (d === dim ? 0 : s)),
    ...xShape.map((_, d) => (d === dim ? 1 : 0)),
  ];
  const at = (k: number) => 4 + k * r;
  const inside = Array.from({ length: r }, (_, d) => `c${d} < u(${at(1) + d}u)`).join(' && ');
  return flatProgram(`scatterAdd:r${r}`, sizeOf(xShape), uniforms, `let o = i;
  if (o >= u(0u)) { return; }
  ${decodeWgsl('o', r, at(0))}
  var acc = in0[o];
  if (${inside}) {
    let ibase = ${dotWgsl(r, at(2))};
    let sbase = ${dotWgsl(r, at(3))};
    let want = i32(${dotWgsl(r, at(4))});
    for (var j = 0u; j < u(1u); j++) {
      if (in1[ibase + j * u(2u)] == want) { acc = acc + in2[sbase + j * u(3u)]; }
    }
  }
  out[o] = acc;`);
}

registerKernel<WebGpuBackend>('webgpu', 'Gather', ({ inputs: [x, index], attrs, backend }) => {
  const { dim } = attrs as GatherAttrs;
  if (index!.dtype !== 'int32') throw new Error(`Gather: index must be int32, got ${index!.dtype}`);
  const program = gatherProgram(x!.dtype, atLeast1d(x!.shape), atLeast1d(index!.shape), dim);
  return backend.runProgram(program, [x!, index!], index!.shape, x!.dtype);
});

registerKernel<WebGpuBackend>('webgpu', 'IndexSelect', ({ inputs: [x, index], attrs, backend }) => {
  const { dim } = attrs as IndexSelectAttrs;
  if (index!.dtype !== 'int32') throw new Error(`IndexSelect: index must be int32, got ${index!.dtype}`);
  const k = sizeOf(index!.shape);
  const program = indexSelectProgram(x!.dtype, x!.shape, k, dim);
  return backend.runProgram(program, [x!, index!], x!.shape.map((s, d) => (d === dim ? k : s)), x!.dtype);
});

registerKernel<WebGpuBackend>('webgpu', 'ScatterAdd', ({ inputs: [x, index, src], attrs, backend }) => {
  const { dim } = attrs as ScatterAddAttrs;
  if (index!.dtype !== 'int32') throw new Error(`ScatterAdd: index must be int32, got ${index!.dtype}`);
  if (x!.dtype === 'bool' || src!.dtype !== x!.dtype)
    throw new Error(`ScatterAdd: webgpu kernel needs float32 or int32 x and src of the same dtype, got ${x!.dtype} and ${src!.dtype}`);
  const program = scatterAddProgram(atLeast1d(x!.shape), atLeast1d(index!.shape), atLeast1d(src!.shape), dim);
  return backend.runProgram(program, [x!, index!, src!], x!.shape, x!.dtype);
});
