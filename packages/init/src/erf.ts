/**
 * Float64 error function and its inverse, for the truncated normal's inverse-CDF sampling (done on the host).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) = 2/√π · e^{-x²} · Σₙ 2ⁿ x^{2n+1} / (2n+1)!!, a series of positive terms (no cancellation) that
 * reaches double precision for |x| < 6; beyond that erf(x) rounds to ±1 in float64 (erfc(6) ≈ 2e-17).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = ax;
  let sum = ax;
  for (let n = 0; term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
  }
  const r = Math.min(1, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum);
  return x < 0 ? -r : r;
}

/**
 * erfc(x) = 1 − erf(x), keeping relative precision in the upper tail: for x ≥ 3 the continued fraction
 * erfc(x) = e^{-x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated backward.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 3) return 1 - erf(x);
  if (x > 27) return 0;
  let f = x;
  for (let n = 120; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * erf⁻¹(y) for y in [-1, 1] (±Infinity at ±1, NaN outside): Giles' single-precision rational approximation
 * ("Approximating the erfinv function", GPU Computing Gems, 2011) as the start, then Newton steps to double
 * precision — on erf(x) − |y| near 0 and on erfc(x) − (1 − |y|) in the tails, where 1 − |y| is exact.
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 0) return y;
  const s = Math.abs(y);
  if (s === 1) return y * Infinity;
  let w = -Math.log((1 - s) * (1 + s));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  let x = p * s;
  const tail = 1 - s;
  for (let i = 0; i < 4; i++) {
    const residual = s <= 0.5 ? erf(x) - s : tail - erfc(x);
    const dx = residual / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
    if (!Number.isFinite(dx)) break;
    x -= dx;
    if (Math.abs(dx) <= 1e-16 * x) break;
  }
  return y < 0 ? -x : x;
}

/** Standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2. */
export function normalCdf(x: number): number {
  return (1 + erf(x / Math.SQRT2)) / 2;
}
