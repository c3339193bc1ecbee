/** What the normalisation kernels share: rows of an [A, C, B] view are (a, c) pairs; sums fold per channel. */

/** sums[c] = Σ_a rowValues[a·C + c], in float64. */
export function perChannel(rowValues: Float64Array, c: number): Float64Array {
  const out = new Float64Array(c);
  for (let r = 0; r < rowValues.length; r++) out[r % c]! += rowValues[r]!;
  return out;
}
