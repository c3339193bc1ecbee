/** Argument checks shared by every layer, loss and the safetensors reader/writer. */
import { fmtShape, isPlainObject, Tensor } from '@nn/tensor';

/** A value as an error message shows it: `'text'`, `12`, `null`, `an array`, `Linear`. */
export function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x === null || x === undefined || typeof x !== 'object') return String(x);
  if (Array.isArray(x)) return 'an array';
  return (x as object).constructor?.name ?? 'an object';
}

export { isPlainObject } from '@nn/tensor';

/**
 * `opts` as an object (undefined gives `{}`), rejecting unknown option names so that a typo (`{biass: false}`)
 * is an error instead of a silently ignored option.
 */
export function checkOptions<T extends object>(op: string, opts: T | undefined, allowed: readonly (keyof T & string)[]): T {
  if (opts === undefined) return {} as T;
  if (!isPlainObject(opts)) throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  for (const k of Object.keys(opts))
    if (!(allowed as readonly string[]).includes(k))
      throw new Error(`${op}: unknown option '${k}' (options: ${allowed.join(', ')})`);
  return opts;
}

export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** An integer ≥ min. */
export function checkInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new Error(`${op}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

/** A finite number in [lo, hi] (either bound optional; `open` excludes the lower bound). */
export function checkNumber(op: string, name: string, v: unknown, lo?: number, hi?: number, open = false): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (lo === undefined || (open ? v > lo : v >= lo)) && (hi === undefined || v <= hi);
  if (!ok) {
    const range = lo !== undefined && hi !== undefined ? ` in ${open ? '(' : '['}${lo}, ${hi}]` : lo !== undefined ? ` ${open ? '>' : '>='} ${lo}` : '';
    throw new Error(`${op}: ${name} must be a finite number${range}, got ${describe(v)}`);
  }
  return v as number;
}

/** The floating dtypes layers take (float16 under `autocast`, or in a model cast to it). */
export const FLOATS: readonly string[] = ['float32', 'float16'];

/**
 * Throws `op: weight is float32 but x is float16 ...` unless the given tensors (nulls skipped) share x's dtype:
 * a float16 input to float32 weights wants `autocast` (or the model cast), not a silent promotion.
 */
export function checkSameDtype(op: string, x: Tensor, others: Record<string, Tensor | null>): void {
  for (const [name, t] of Object.entries(others))
    if (t !== null && t.dtype !== x.dtype)
      throw new Error(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}; run the model inside autocast() or cast them to one dtype`);
}

/** A live Tensor, optionally of one of `dtypes`. */
export function checkTensor(op: string, name: string, x: unknown, dtypes?: readonly string[]): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new Error(`${op}: ${name} (shape ${fmtShape(x.shape)}) has been disposed`);
  if (dtypes && !dtypes.includes(x.dtype)) {
    // Floating inputs: float32 named first (the dtype of every model that is not in autocast), float16 after.
    const want = dtypes === FLOATS ? `float32, got ${x.dtype} (float16 is accepted too)` : `${dtypes.join(' or ')}, got ${x.dtype}`;
    throw new Error(`${op}: ${name} must have dtype ${want}`);
  }
  return x;
}
