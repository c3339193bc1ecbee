/**
 * Argument checks shared by every scheduler. Each throws an Error whose message names the scheduler, the
 * argument and the offending value, e.g. `StepLR: stepSize must be a positive integer, got 0`.
 */
import type { OptimizerLike, ParamGroup } from './types.js';

/** A value as it reads in an error message: strings quoted, arrays and objects as JSON. */
export function fmt(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function fail(cls: string, message: string): never {
  throw new Error(`${cls}: ${message}`);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export function positiveInt(cls: string, name: string, v: unknown): number {
  if (!isInt(v) || v <= 0) fail(cls, `${name} must be a positive integer, got ${fmt(v)}`);
  return v;
}

export function nonNegativeInt(cls: string, name: string, v: unknown): number {
  if (!isInt(v) || v < 0) fail(cls, `${name} must be a non-negative integer, got ${fmt(v)}`);
  return v;
}

export function finite(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(cls, `${name} must be a finite number, got ${fmt(v)}`);
  return v;
}

export function positive(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    fail(cls, `${name} must be a positive number, got ${fmt(v)}`);
  }
  return v;
}

export function nonNegative(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    fail(cls, `${name} must be a non-negative number, got ${fmt(v)}`);
  }
  return v;
}

/** `v` in the interval written as `[lo, hi]`, `(lo, hi]`, ... (open ends exclude the bound). */
export function inRange(cls: string, name: string, v: unknown, interval: string): number {
  const m = /^([[(])\s*(-?[\d.e+-]+)\s*,\s*(-?[\d.e+-]+)\s*([\])])$/.exec(interval);
  if (!m) throw new Error(`inRange: malformed interval ${interval}`);
  const lo = Number(m[2]);
  const hi = Number(m[3]);
  const ok = typeof v === 'number' && (m[1] === '[' ? v >= lo : v > lo) && (m[4] === ']' ? v <= hi : v < hi);
  if (!ok) fail(cls, `${name} must be in ${interval}, got ${fmt(v)}`);
  return v as number;
}

export function boolean(cls: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(cls, `${name} must be a boolean, got ${fmt(v)}`);
  return v;
}

export function oneOf<T extends string>(cls: string, name: string, v: unknown, options: readonly T[]): T {
  if (!options.includes(v as T)) fail(cls, `${name} must be one of ${options.map(fmt).join(', ')}, got ${fmt(v)}`);
  return v as T;
}

export function func<F extends (...args: never[]) => unknown>(cls: string, name: string, v: unknown): F {
  if (typeof v !== 'function') fail(cls, `${name} must be a function, got ${fmt(v)}`);
  return v as F;
}

/**
 * A hyperparameter given once for all param groups or as one value per group (PyTorch's `_format_param`),
 * each value passed through `check`.
 */
export function perGroup(
  cls: string,
  name: string,
  v: unknown,
  groups: number,
  check: (cls: string, name: string, v: unknown) => number,
): number[] {
  if (!Array.isArray(v)) return new Array<number>(groups).fill(check(cls, name, v));
  if (v.length !== groups) fail(cls, `expected ${groups} values for ${name} (one per param group), got ${v.length}`);
  return v.map((x, i) => check(cls, `${name}[${i}]`, x));
}

/** Non-negative integers in strictly increasing order (milestones, boundaries). */
export function increasingInts(cls: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v)) fail(cls, `${name} must be an array of non-negative integers, got ${fmt(v)}`);
  v.forEach((x, i) => nonNegativeInt(cls, `${name}[${i}]`, x));
  for (let i = 1; i < v.length; i++) {
    if (v[i] <= v[i - 1]) fail(cls, `${name} must be strictly increasing, got ${fmt(v)}`);
  }
  return [...(v as number[])];
}

/** PyTorch's `last_epoch`: -1 starts fresh; a larger value resumes a schedule. */
export function lastEpochArg(cls: string, v: unknown): number {
  if (!isInt(v) || v < -1) fail(cls, `lastEpoch must be an integer >= -1, got ${fmt(v)}`);
  return v;
}

/** The optimizer's param groups, checked to be objects with a numeric `lr`. */
export function paramGroups(cls: string, optimizer: OptimizerLike): ParamGroup[] {
  const groups = (optimizer as { paramGroups?: unknown } | null | undefined)?.paramGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    fail(cls, `optimizer must have a non-empty paramGroups array, got ${fmt(groups)}`);
  }
  groups.forEach((g: unknown, i) => {
    if (g === null || typeof g !== 'object') fail(cls, `paramGroups[${i}] must be an object, got ${fmt(g)}`);
    const lr = (g as { lr?: unknown }).lr;
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      fail(cls, `paramGroups[${i}].lr must be a finite number, got ${fmt(lr)}`);
    }
  });
  return groups as ParamGroup[];
}

/** A number stored in a param group by a scheduler (e.g. `initialLr`), checked when it is read back. */
export function groupNumber(cls: string, group: ParamGroup, index: number, key: string): number {
  const v = group[key];
  if (typeof v !== 'number') fail(cls, `paramGroups[${index}].${key} must be a number, got ${fmt(v)}`);
  return v;
}
