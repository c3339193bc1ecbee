/**
 * State-dict plumbing shared by the schedulers. Like PyTorch's `{k: v for k, v in self.__dict__ ...}`, a
 * scheduler's state is its own fields minus the optimizer and functions; unlike PyTorch, loading checks that
 * the keys and value kinds match, so a StepLR state cannot silently load into a CosineAnnealingLR.
 * Values are deep-copied so that neither side aliases the other's arrays.
 */
import { fail, fmt } from './validate.js';
import type { StateDict } from './types.js';

/** Non-finite numbers have no JSON form: they are saved as the strings 'Infinity', '-Infinity', 'NaN'. */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

export function decodeNumber(cls: string, name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  return fail(cls, `loadStateDict: ${name} must be a number, got ${fmt(v)}`);
}

function copy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** The own fields of `obj` except `exclude` and functions, deep-copied. */
export function captureState(obj: object, exclude: ReadonlySet<string>): StateDict {
  const state: StateDict = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!exclude.has(key) && typeof value !== 'function') state[key] = copy(value);
  }
  return state;
}

/**
 * Writes `state` into the fields of `obj`. The keys must be exactly those `captureState` gives for `obj`,
 * each with the same kind of value (number, string, array, ...); `null` may stand for an absent value.
 */
export function restoreState(cls: string, obj: object, state: StateDict, exclude: ReadonlySet<string>): void {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    fail(cls, `loadStateDict: state must be an object, got ${fmt(state)}`);
  }
  const own = captureState(obj, exclude);
  for (const key of Object.keys(own)) {
    if (!(key in state)) fail(cls, `loadStateDict: state is missing '${key}'`);
    const want = kind(own[key]);
    const got = kind(state[key]);
    if (want !== got && want !== 'null' && got !== 'null' && want !== 'undefined') {
      fail(cls, `loadStateDict: '${key}' must be ${want === 'array' ? 'an' : 'a'} ${want}, got ${fmt(state[key])}`);
    }
  }
  for (const key of Object.keys(state)) {
    if (!(key in own)) fail(cls, `loadStateDict: unexpected key '${key}'`);
  }
  const target = obj as Record<string, unknown>;
  for (const key of Object.keys(own)) target[key] = copy(state[key]);
}
