/** Argument checks shared by the package's public functions; every message names the function and the argument. */
import { describeValue } from '@nn/tensor';

/** How a bad argument reads in an error message: `number 3`, `string "a"`, `an array`, `undefined`. */
export function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return describeValue(x);
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Checks that `opts` is undefined or a plain object whose keys are all in `known`, and returns it. */
export function checkOptions<T extends object>(op: string, opts: T | undefined, known: readonly string[]): Partial<T> {
  if (opts === undefined) return {};
  if (!isPlainObject(opts)) throw new Error(`${op}: options must be a plain object, got ${describe(opts)}`);
  for (const k of Object.keys(opts))
    if (!known.includes(k)) throw new Error(`${op}: unknown option '${k}' (options: ${known.join(', ')})`);
  return opts;
}

export function checkPositiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

export function checkNonNegative(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${op}: ${name} must be a finite number >= 0, got ${describe(v)}`);
  return v;
}

export function checkString(op: string, name: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${op}: ${name} must be a non-empty string, got ${describe(v)}`);
  return v;
}

export function checkOneOf<T extends string | boolean>(op: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T))
    throw new Error(`${op}: ${name} must be ${allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(' or ')}, got ${describe(v)}`);
  return v as T;
}
