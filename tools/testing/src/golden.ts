/** The strings that stand for non-finite numbers in the golden files (JSON has no literal for them). */
const NON_FINITE = new Map<string, number>([
  ['nan', NaN],
  ['inf', Infinity],
  ['-inf', -Infinity],
]);

/**
 * Decodes one value of a PyTorch golden file as the packages' golden scripts write it: NaN and ±inf as the
 * strings 'nan', 'inf' and '-inf' (numpy's `str` of a float32 in the layers goldens, written out explicitly in
 * the tensor forward goldens), bool data as JSON booleans (→ 1 / 0), everything else as a JSON number.
 */
export function decodeNumber(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  const special = NON_FINITE.get(v);
  if (special === undefined) throw new Error(`decodeNumber: expected a number, a boolean or one of 'nan', 'inf', '-inf', got '${v}'`);
  return special;
}
