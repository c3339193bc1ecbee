/**
 * Movement kernels, all strided copies (see copy-program.ts): Transpose, Slice, Expand read strided and write
 * contiguously; Concat and Pad read contiguously and write into a box of the output. Reshape shares storage.
 */
import type { TensorInfo } from '../../../backend.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { ConcatAttrs, ExpandAttrs, PadAttrs, ReshapeAttrs, SliceAttrs, TransposeAttrs } from '../../../kernels.js';
import { sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { broadcastStrides } from '../indexing.js';
import { encodeCopy, encodeFill } from './copy-program.js';

/** Reshape shares storage: same elements, new shape (the op has checked the sizes). */
registerKernel<WebGpuBackend>('webgpu', 'Reshape', ({ inputs: [x], attrs }) => ({
  dataId: x!.dataId,
  shape: (attrs as ReshapeAttrs).shape,
  dtype: x!.dtype,
}));

/** A fresh output of `shape`, filled by `fill(buffer)`. */
function produce(backend: WebGpuBackend, x: TensorInfo, shape: readonly number[], fill: (out: GPUBuffer) => void): TensorInfo {
  const out = backend.alloc(sizeOf(shape), x.dtype);
  fill(out.buffer);
  return { dataId: out, shape, dtype: x.dtype };
}

/** Transpose {perm}: output dim i is input dim perm[i]. */
registerKernel<WebGpuBackend>('webgpu', 'Transpose', ({ inputs: [x], attrs, backend }) => {
  const { perm } = attrs as TransposeAttrs;
  const inStrides = stridesOf(x!.shape);
  const shape = perm.map((p) => x!.shape[p]!);
  return produce(backend, x!, shape, (out) =>
    encodeCopy(backend, backend.data(x!).buffer, out, x!.dtype, { shape, inStrides: perm.map((p) => inStrides[p]!), outStrides: stridesOf(shape) }),
  );
});

/** Slice {begin, size}: the box of `size` starting at `begin`. */
registerKernel<WebGpuBackend>('webgpu', 'Slice', ({ inputs: [x], attrs, backend }) => {
  const { begin, size } = attrs as SliceAttrs;
  const inStrides = stridesOf(x!.shape);
  const inBase = begin.reduce((s, b, d) => s + b * inStrides[d]!, 0);
  return produce(backend, x!, size, (out) =>
    encodeCopy(backend, backend.data(x!).buffer, out, x!.dtype, { shape: size, inStrides, outStrides: stridesOf(size), inBase }),
  );
});

/** Expand {shape}: x broadcast to `shape`, materialised. */
registerKernel<WebGpuBackend>('webgpu', 'Expand', ({ inputs: [x], attrs, backend }) => {
  const { shape } = attrs as ExpandAttrs;
  return produce(backend, x!, shape, (out) =>
    encodeCopy(backend, backend.data(x!).buffer, out, x!.dtype, { shape, inStrides: broadcastStrides(x!.shape, shape), outStrides: stridesOf(shape) }),
  );
});

/** Pad {pad, value}: `value` everywhere (one fill pass), then x copied into the box starting at the `before`s. */
registerKernel<WebGpuBackend>('webgpu', 'Pad', ({ inputs: [x], attrs, backend }) => {
  const { pad, value } = attrs as PadAttrs;
  const shape = x!.shape.map((n, d) => pad[d]![0] + n + pad[d]![1]);
  const outStrides = stridesOf(shape);
  const outBase = pad.reduce((s, [before], d) => s + before * outStrides[d]!, 0);
  return produce(backend, x!, shape, (out) => {
    if (sizeOf(x!.shape) < sizeOf(shape)) encodeFill(backend, out, x!.dtype, sizeOf(shape), value);
    encodeCopy(backend, backend.data(x!).buffer, out, x!.dtype, { shape: x!.shape, inStrides: stridesOf(x!.shape), outStrides, outBase });
  });
});

/** Concat {dim}: each input copied into its slab of the output, one pass per input. */
registerKernel<WebGpuBackend>('webgpu', 'Concat', ({ inputs, attrs, backend }) => {
  const { dim } = attrs as ConcatAttrs;
  const first = inputs[0]!;
  const shape = first.shape.slice();
  shape[dim] = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
  const outStrides = stridesOf(shape);
  return produce(backend, first, shape, (out) => {
    let offset = 0;
    for (const t of inputs) {
      encodeCopy(backend, backend.data(t).buffer, out, t.dtype, { shape: t.shape, inStrides: stridesOf(t.shape), outStrides, outBase: offset * outStrides[dim]! });
      offset += t.shape[dim]!;
    }
  });
});
