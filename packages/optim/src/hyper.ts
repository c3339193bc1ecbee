/**
 * Hyperparameter checks shared by every optimizer. A check returns the tail of an error message
 * (`betas[1] must be in [0, 1), got 1.2`) or undefined when the value is acceptable; the optimizer prefixes its
 * name and, for a parameter group, the group's position.
 */
import { Tensor } from '@nn/tensor';

export type Check = (key: string, value: unknown) => string | undefined;

/** Formats an offending value for an error message. */
export function fmt(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v instanceof Tensor) return `a Tensor (shape [${v.shape.join(',')}], ${v.dtype})`;
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** A finite number ≥ 0 (learning rates, eps, weight decay, momentum, ...). */
export const nonNegative: Check = (k, v) =>
  isNum(v) && v >= 0 && Number.isFinite(v) ? undefined : `${k} must be a non-negative number, got ${fmt(v)}`;

/** Any finite number (SGD's dampening, which PyTorch does not restrict). */
export const finite: Check = (k, v) => (isNum(v) && Number.isFinite(v) ? undefined : `${k} must be a finite number, got ${fmt(v)}`);

/** A number in [0, 1] (Adadelta's rho). */
export const unitClosed: Check = (k, v) => (isNum(v) && v >= 0 && v <= 1 ? undefined : `${k} must be in [0, 1], got ${fmt(v)}`);

export const flag: Check = (k, v) => (typeof v === 'boolean' ? undefined : `${k} must be a boolean, got ${fmt(v)}`);

/** `[beta1, beta2]`, each in [0, 1). */
export const betaPair: Check = (k, v) => {
  if (!Array.isArray(v) || v.length !== 2) return `${k} must be a pair [beta1, beta2], got ${fmt(v)}`;
  for (const [i, b] of v.entries()) if (!(isNum(b) && b >= 0 && b < 1)) return `${k}[${i}] must be in [0, 1), got ${fmt(b)}`;
  return undefined;
};

/** Which check applies to each hyperparameter of an optimizer; also its list of known option names. */
export type HyperSpec<H> = { readonly [K in keyof H]-?: Check };

/**
 * Checks every hyperparameter of `values` against `spec`; throws `op: <where><message>`. A missing value is an
 * error unless `allowMissing` (an optimizer's defaults may leave a required value such as SGD's lr unset).
 */
export function checkHyper<H>(op: string, where: string, spec: HyperSpec<H>, values: Partial<H>, allowMissing = false): void {
  for (const key of Object.keys(spec) as (keyof H & string)[]) {
    const v = values[key];
    if (v === undefined) {
      if (allowMissing) continue;
      throw new Error(`${op}: ${where}${key} is required: pass it in the options or in every parameter group`);
    }
    const problem = spec[key](`${where}${key}`, v);
    if (problem !== undefined) throw new Error(`${op}: ${problem}`);
  }
}

/** A copy of a JSON-like value (arrays and plain objects copied recursively), so groups never share arrays. */
export function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyValue) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x);
    return out as T;
  }
  return v;
}
