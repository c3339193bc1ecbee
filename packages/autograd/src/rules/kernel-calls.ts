/**
 * Kernel calls in the kernels' own attrs, for the rules that invert a movement or reduction kernel exactly
 * (the attrs they receive are already normalised: non-negative sorted dims, per-dim boxes and pads).
 * They go through `engine.runKernel`, so they run on every backend and are recorded when building a graph.
 */
import { engine, shapesEqual, type Tensor } from '@nn/tensor';

export function sumDims(x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  return engine.runKernel('Sum', [x], { dims: [...dims], keepdim });
}

export function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(x.shape, shape) ? x : engine.runKernel('Reshape', [x], { shape: [...shape] });
}

export function expandTo(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(x.shape, shape) ? x : engine.runKernel('Expand', [x], { shape: [...shape] });
}

export function transposeK(x: Tensor, perm: readonly number[]): Tensor {
  return engine.runKernel('Transpose', [x], { perm: [...perm] });
}

/** out[i] = x[begin + i] over the box of `size`. */
export function sliceBox(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  return shapesEqual(x.shape, size) ? x : engine.runKernel('Slice', [x], { begin: [...begin], size: [...size] });
}

/** Zero padding, pad[d] = [before, after] (both non-negative). */
export function padZeros(x: Tensor, pad: readonly (readonly [number, number])[]): Tensor {
  if (pad.every(([b, a]) => b === 0 && a === 0)) return x;
  return engine.runKernel('Pad', [x], { pad: pad.map(([b, a]) => [b, a]), value: 0 });
}

export function matmulK(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return engine.runKernel('MatMul', [a, b], { transposeA, transposeB });
}

/** `shape` with the reduced `dims` kept as size 1. */
export function keepdimShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}
