/** Argument checks shared by the creation and random ops (not exported from the package). */
import { assertDType } from '../dtype.js';
import { fmtShape } from '../shape.js';
import { checkOptions } from '../validate.js';
import type { CreateOptions } from './creation.js';
import { describe } from './util.js';

/** The most elements a tensor holds: storage is one typed array, and the CPU heap addresses at most 2 GiB. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** A shape argument (a number or an array of non-negative integers) whose tensor can exist; an error naming `op` otherwise. */
export function checkShape(op: string, shape: unknown): number[] {
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${op}: shape must be a non-negative integer or an array of them, got ${JSON.stringify(shape)}`);
  checkSize(op, s);
  return s.slice();
}

/** An error naming `op` and `shape` when a tensor of that shape would have more than MAX_ELEMENTS elements. */
export function checkSize(op: string, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n > MAX_ELEMENTS)
    throw new Error(`${op}: shape ${fmtShape(shape)} has ${n.toExponential(3)} elements, more than a tensor holds (at most 2^31 - 1)`);
}

const CREATE_OPTIONS = ['dtype', 'device', 'requiresGrad'] as const;

/** Creation options: known keys only (a typo such as `dtpye` is an error, as everywhere else), a valid dtype. */
export function checkOpts(op: string, opts: CreateOptions | undefined, extra: readonly string[] = []): CreateOptions {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null) throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  checkOptions(op, opts, [...CREATE_OPTIONS, ...extra]);
  if (opts.dtype !== undefined) assertDType(op, 'dtype', opts.dtype);
  return opts;
}
