/**
 * Thin QR factorisation of an m×n matrix (m ≥ n, row-major float64) by Householder reflections, returning
 * the m×n factor Q with orthonormal columns and the diagonal of R. Reflector k maps column k below the
 * diagonal onto α·e₁ with α = −sign(x₀)·‖x‖ (the sign that avoids cancellation), so R's diagonal is α.
 */
export function householderQR(a: ArrayLike<number>, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  if (m < n) throw new Error(`householderQR: needs rows >= cols, got ${m}x${n}`);
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const len = m - k;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = r[(k + i) * n + k]!;
      norm2 += v[i]! * v[i]!;
    }
    const alpha = (v[0]! < 0 ? 1 : -1) * Math.sqrt(norm2);
    rDiag[k] = alpha;
    v[0] -= alpha;
    const vNorm2 = norm2 - 2 * alpha * r[k * n + k]! + alpha * alpha;
    if (vNorm2 === 0) {
      vs.push(v.fill(0));
      continue;
    }
    const scale = 1 / Math.sqrt(vNorm2);
    for (let i = 0; i < len; i++) v[i] *= scale;
    vs.push(v);
    reflect(r, v, k, n, k);
  }
  // Q = H₀·H₁·…·H_{n−1} applied to the first n columns of the identity, from the last reflector back.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) reflect(q, vs[k]!, k, n, 0);
  return { q, rDiag };
}

/** Applies H = I − 2vvᵀ (unit v over rows k..) to columns c0.. of the row-major matrix `x` with `n` columns. */
function reflect(x: Float64Array, v: Float64Array, k: number, n: number, c0: number): void {
  for (let j = c0; j < n; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * x[(k + i) * n + j]!;
    if (dot === 0) continue;
    dot *= 2;
    for (let i = 0; i < v.length; i++) x[(k + i) * n + j] -= dot * v[i]!;
  }
}
