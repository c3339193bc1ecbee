import type { TypedArray } from '../../../dtype.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { TransposeAttrs } from '../../../kernels.js';
import { stridesOf } from '../../../shape.js';
import type { CpuBackend } from '../backend-cpu.js';
import { rowOffsets } from './strided.js';

/** Side of the square tiles the last two output dims are copied in, so both reads and writes stay in cache. */
const TILE = 32;

/**
 * Transpose: out dim i is input dim perm[i] (out[..., j_i, ...] = x[..., j at position perm[i], ...]).
 *
 * The permutation is first simplified: size-1 dims are dropped and output dims that are also consecutive, in
 * order, in the input are merged, so e.g. [B,H,T,D] → [B,T,H,D] becomes a batch of [H, T·...] swaps and an
 * identity permutation becomes one straight copy. The last two (merged) output dims are then copied in tiles.
 */
registerKernel<CpuBackend>('cpu', 'Transpose', ({ inputs: [x], attrs, backend }) => {
  const { perm } = attrs as TransposeAttrs;
  const shape = x!.shape;
  const outShape = perm.map((p) => shape[p]!);
  const src = backend.values(x!);
  const out = backend.alloc(x!.dtype, src.length);
  const inStrides = stridesOf(shape);
  // Collapsed output dims: sizes and the input stride of each.
  const sizes: number[] = [];
  const strides: number[] = [];
  for (const p of perm) {
    const n = shape[p]!;
    if (n === 1) continue;
    const s = inStrides[p]!;
    const last = sizes.length - 1;
    if (last >= 0 && strides[last] === s * n) {
      sizes[last]! *= n;
      strides[last] = s;
    } else {
      sizes.push(n);
      strides.push(s);
    }
  }
  if (src.length > 0) {
    while (sizes.length < 2) {
      sizes.unshift(1);
      strides.unshift(0);
    }
    const r = sizes.length;
    const bases = rowOffsets(sizes.slice(0, r - 2), strides.slice(0, r - 2));
    tiledCopy(src, out, bases, sizes[r - 2]!, sizes[r - 1]!, strides[r - 2]!, strides[r - 1]!);
  }
  return backend.make(out, outShape, x!.dtype);
});

/** For each base offset: out (rows × cols, contiguous, in order) = src[base + i·rowStride + j·colStride]. */
function tiledCopy(
  src: TypedArray, out: TypedArray, bases: Int32Array, rows: number, cols: number, rowStride: number, colStride: number,
): void {
  let o = 0;
  for (const base of bases) {
    if (colStride === 1) {
      // Rows are contiguous in the input too: straight row copies.
      for (let i = 0; i < rows; i++) {
        const s = base + i * rowStride;
        out.set(src.subarray(s, s + cols), o + i * cols);
      }
    } else {
      for (let i0 = 0; i0 < rows; i0 += TILE) {
        const i1 = Math.min(rows, i0 + TILE);
        for (let j0 = 0; j0 < cols; j0 += TILE) {
          const j1 = Math.min(cols, j0 + TILE);
          for (let i = i0; i < i1; i++) {
            let s = base + i * rowStride + j0 * colStride;
            const d = o + i * cols;
            for (let j = j0; j < j1; j++, s += colStride) out[d + j] = src[s]!;
          }
        }
      }
    }
    o += rows * cols;
  }
}
