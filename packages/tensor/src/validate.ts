/**
 * Argument-validation helpers shared by every @nn package (exported from @nn/tensor), so that a bad value reads
 * the same in every error message.
 */

/**
 * How a bad argument reads in an error message: `null`, `undefined`, `an array`, `a function`,
 * `string "a"` (quoted, cut at 40 characters), the class name of an object, or `number 3` / `boolean true`.
 */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'string') return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return `${typeof x} ${String(x)}`;
}

/** True for `{...}` literals and `Object.create(null)` objects; false for arrays, class instances and primitives. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `opts` is undefined or a plain object whose keys are all in `known` (so a typo or a PyTorch
 * spelling such as `batch_size` is an error, not a silently ignored option), and returns it (`{}` for undefined).
 */
export function checkOptions<T extends object>(op: string, opts: T | undefined, known: readonly string[]): Partial<T> {
  if (opts === undefined) return {};
  if (!isPlainObject(opts)) throw new Error(`${op}: options must be a plain object, got ${describeValue(opts)}`);
  for (const k of Object.keys(opts))
    if (!known.includes(k)) throw new Error(`${op}: unknown option '${k}' (options: ${known.join(', ')})`);
  return opts;
}
