/**
 * Row iteration shared by the movement and indexing kernels: a kernel walks its outer dims with an odometer
 * once, up front, and then copies or gathers whole innermost rows with simple loops.
 */

/**
 * For every index of `shape` in row-major order, the offset `base + Σ_d index[d] · strides[d]`.
 * An empty `shape` has one index (offset `base`); a shape containing 0 has none.
 */
export function rowOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  let count = 1;
  for (const d of shape) count *= d;
  const out = new Int32Array(count);
  if (count === 0) return out;
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let t = 0; t < count; t++) {
    out[t] = off;
    for (let d = rank - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** A 0-d tensor behaves as shape [1] inside kernels that index along a dim. */
export function atLeast1d(shape: readonly number[]): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}
