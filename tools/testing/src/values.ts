/**
 * Deterministic pseudo-random float32 values uniform in [lo, hi) from a 32-bit LCG (Numerical Recipes'
 * constants): cheap, seedable test data that does not touch the library's own generator.
 */
export function seededValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return out;
}
