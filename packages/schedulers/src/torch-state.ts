/**
 * Scheduler state in PyTorch's layout (`scheduler.state_dict()` in 1.13): the scheduler's attributes under their
 * Python names (`last_epoch`, `base_lrs`, `_last_lr`, `_step_count`, `T_max`, ...). Our field names are the
 * camelCase forms, except for the few a class renames (CosineAnnealingLR's `tMax` is PyTorch's `T_max`).
 * Functions (LambdaLR's lambdas, OneCycleLR's `anneal_func`) are not saved, as in PyTorch.
 */
import type { StateDict } from './types.js';
import { fail, fmt } from './validate.js';

/** Which layout `stateDict` returns: ours (camelCase, the default) or PyTorch's. */
export interface StateDictOptions {
  format?: 'nn' | 'torch';
}

export function stateFormat(cls: string, options: unknown): 'nn' | 'torch' {
  if (options === undefined) return 'nn';
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(cls, `stateDict: options must be an object, got ${fmt(options)}`);
  const format = (options as StateDictOptions).format ?? 'nn';
  if (format !== 'nn' && format !== 'torch') fail(cls, `stateDict: format must be 'nn' or 'torch', got ${fmt(format)}`);
  return format;
}

export const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** PyTorch's keys that every epoch-based scheduler has and that carry no state of ours. */
export const TORCH_CONSTANTS = { verbose: false, _get_lr_called_within_step: false } as const;

/** A dict as a plain object: `loadPt` may give Maps (PyTorch's dicts with integer keys). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  if (v instanceof Map) return Object.fromEntries(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  return undefined;
}

/** Whether a scheduler state dict is in PyTorch's layout (snake_case keys). */
export function isTorchState(state: unknown): boolean {
  const s = asRecord(state);
  return s !== undefined && ('last_epoch' in s || '_last_lr' in s || '_schedulers' in s || 'num_bad_epochs' in s);
}

/**
 * Our state with PyTorch's keys: `names` maps the fields PyTorch names otherwise than by snake_case.
 * Fields listed in `names` as null are left out.
 */
export function renameToTorch(state: StateDict, names: Readonly<Record<string, string | null>>): StateDict {
  const out: StateDict = {};
  for (const [k, v] of Object.entries(state)) {
    const key = k in names ? names[k] : toSnake(k);
    if (key !== null && key !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The inverse of `renameToTorch` for the fields in `fields`: each is read from its PyTorch key, which must be
 * present unless `optional` gives it a value (as it must for a field PyTorch does not have); PyTorch keys neither mapped nor in `ignored` are an error, so a
 * StepLR state cannot silently load into a CosineAnnealingLR.
 */
export function renameFromTorch(
  cls: string,
  state: unknown,
  fields: readonly string[],
  names: Readonly<Record<string, string | null>>,
  ignored: readonly string[] = [],
  optional: Readonly<Record<string, unknown>> = {},
): StateDict {
  const s = asRecord(state);
  if (s === undefined) return fail(cls, `loadStateDict: state must be an object, got ${fmt(state)}`);
  const out: StateDict = {};
  const used = new Set<string>(ignored);
  for (const f of fields) {
    const key = f in names ? names[f] : toSnake(f);
    if (key === null || key === undefined) {
      if (f in optional) out[f] = optional[f];
      continue;
    }
    used.add(key);
    if (key in s) out[f] = s[key];
    else if (f in optional) out[f] = optional[f];
    else fail(cls, `loadStateDict: PyTorch's state is missing '${key}'`);
  }
  for (const key of Object.keys(s)) if (!used.has(key)) fail(cls, `loadStateDict: unexpected key '${key}' in PyTorch's state`);
  return out;
}
