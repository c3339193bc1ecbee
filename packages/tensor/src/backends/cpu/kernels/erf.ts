/**
 * erf and erfc in double precision (relative error ~1e-15; erfc ~1e-13 far in the tail, from rounding x² inside
 * exp(-x²)), so float32 results are correctly rounded in practice. Below |x| = 1 erf is its Taylor series; above,
 * erfc(x) = exp(-x²)·R(x) with R fitted by Chebyshev interpolation (coefficients from `scripts/fit-erf.py`,
 * mpmath at 40 digits).
 */

/** erf(x) = x · Σ TAYLOR[n] x^(2n), TAYLOR[n] = 2/√π · (-1)^n / (n! (2n+1)); 17 terms reach 1e-16 at |x| = 1. */
const TAYLOR: number[] = [];
for (let n = 0, fact = 1; n <= 16; n++, fact *= n) TAYLOR.unshift(((2 / Math.sqrt(Math.PI)) * (n % 2 ? -1 : 1)) / (fact * (2 * n + 1)));

// R(x) = erfc(x)·exp(x²) on [1, 2] as a polynomial in t = 2x - 3 (degree 14, max relative error 4.1e-16).
const R_1_2 = [1.0959125834917356e-11, -7.8238728811660497e-11, 5.0351881060629154e-10, -3.3974388960810999e-9, 2.2329284968957514e-8, -1.4191835155198763e-7, 8.7230411915644894e-7, -5.1713260189318942e-6, 2.9470857527439053e-5, -0.00016081117392689626, 0.00083608380955982448, -0.0041163631623941265, 0.019037759963869534, -0.081811458866281406, 0.3215854164543175];
// R(x) on [2, 4] as a polynomial in t = x - 3 (degree 16, max relative error 1.1e-15).
const R_2_4 = [3.8725733701569847e-11, -1.8532516136365266e-10, 7.0827296882992878e-10, -3.2558094837622844e-9, 1.498861366325693e-8, -6.6520723193531728e-8, 2.8926084424012639e-7, -1.2333389744117831e-6, 5.14643832126799e-6, -2.0989473135496373e-5, 8.3554139347893721e-5, -0.00032412554311178692, 0.001223039052396906, -0.0044794310184717123, 0.015884371159870917, -0.054372260007170804, 0.17900115118138995];
// x·R(x) for x ≥ 4 as a polynomial in u = 1/x² ∈ (0, 1/16] (degree 12, max relative error 1.5e-16).
const TAIL = [1190942.914224361, -616817.2314944234, 157325.10803541544, -27686.521668314433, 4076.3250634656288, -584.7939239526253, 91.423065877325453, -16.658334351654165, 3.7024686437816786, -1.0578553335826884, 0.42314218728266073, -0.28209479177346023, 0.56418958354775621];

/** Σ c[i] t^(n-1-i), highest power first. */
function horner(c: readonly number[], t: number): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s = s * t + c[i]!;
  return s;
}

/** erfc(x) for x ≥ 1 (0 once exp(-x²) underflows). */
function erfcAbove1(x: number): number {
  const e = Math.exp(-x * x);
  if (x < 2) return e * horner(R_1_2, 2 * x - 3);
  if (x < 4) return e * horner(R_2_4, x - 3);
  return (e * horner(TAIL, 1 / (x * x))) / x;
}

/** The error function 2/√π ∫₀ˣ exp(-t²) dt; erf(±∞) = ±1, erf(NaN) = NaN. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 1) return x * horner(TAYLOR, x * x);
  if (a >= 1) return Math.sign(x) * (1 - erfcAbove1(a));
  return NaN;
}

/** The complementary error function 1 - erf(x), without cancellation for large x (erfc(10) ≈ 2.1e-45). */
export function erfc(x: number): number {
  if (x >= 1) return erfcAbove1(x);
  if (x > -1) return 1 - erf(x);
  if (x <= -1) return 2 - erfcAbove1(-x);
  return NaN;
}
