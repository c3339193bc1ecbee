/** Argument checks shared by the package's public functions; every message names the function and the argument. */
import { describeValue as describe } from '@nn/tensor';

/** The shared helpers under the names this package's modules use; `describe` reads `number 3`, `string "a"`, `undefined`. */
export { describeValue as describe, isPlainObject, checkOptions } from '@nn/tensor';

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

/** A caught error as text, with a DOMException's name (`QuotaExceededError: ...`), which its message omits. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (!e.name || e.name === 'Error' || e.message.startsWith(e.name)) return e.message;
  return e.message ? `${e.name}: ${e.message}` : e.name;
}
