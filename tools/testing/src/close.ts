/** How close is close enough: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Asserts `actual` ≈ `expected` elementwise: |a − e| ≤ atol + rtol·|e|, NaN equals NaN, and an infinite
 * expected value must be matched exactly. On failure the error names `label`, how many elements differ, the
 * worst one (the largest multiple of its tolerance) and both of its values. Omitted tolerances are the float32
 * defaults rtol 1e-5, atol 1e-6.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6, label = 'expectClose' }: Partial<Tolerance> & { label?: string } = {},
): void {
  if (actual.length !== expected.length) throw new Error(`${label}: ${actual.length} elements, expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    failures++;
    // How many tolerances off; a non-finite value on either side, or a zero tolerance, is infinitely off.
    const excess = Number.isFinite(a) && Number.isFinite(e) ? Math.abs(a - e) / (atol + rtol * Math.abs(e)) : Infinity;
    if (worst < 0 || excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0)
    throw new Error(
      `${label}: ${failures} of ${expected.length} elements differ; worst: element ${worst} is ${actual[worst]}, ` +
        `expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`,
    );
}
