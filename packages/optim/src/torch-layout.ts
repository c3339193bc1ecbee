/**
 * PyTorch's layout of an optimizer state dict (`torch.optim.Optimizer.state_dict()` in 1.13): snake_case keys,
 * `param_groups` with PyTorch's implementation flags (`foreach`, `capturable`, ...) beside the hyperparameters,
 * and state values typed as PyTorch keeps them (Adam's `step` a float32 0-d tensor, RMSprop's a Python int).
 * `savePt` from @nn/layers writes such a dict as a file `torch.load` reads and `optimizer.load_state_dict` takes.
 *
 * Our keys are the camelCase forms of PyTorch's, so names convert mechanically both ways.
 */
import { Tensor } from '@nn/tensor';
import { fmt } from './hyper.js';

/** One parameter's state in PyTorch's layout. `null` stands for PyTorch's `None` (SGD's unused momentum buffer). */
export type TorchParamState = Record<string, Tensor | number | null>;

/**
 * Parameter positions to their state: a Map with number keys, which `savePt` writes as the Python ints PyTorch's
 * `load_state_dict` matches against `params` (a plain object's keys would be strings, whose state PyTorch
 * silently ignores); each entry is also readable as `state[0]`.
 */
export type TorchStateByPosition = Map<number, TorchParamState> & Readonly<Record<number, TorchParamState>>;

/** A `TorchStateByPosition` of `entries`. */
export function stateByPosition(entries: [number, TorchParamState][]): TorchStateByPosition {
  const map = new Map(entries);
  for (const [i, s] of entries) Object.defineProperty(map, i, { value: s, enumerable: true });
  return map as TorchStateByPosition;
}

/** An optimizer state dict in PyTorch's layout, as `stateDict({format: 'torch'})` returns it. */
export interface TorchOptimizerStateDict {
  state: TorchStateByPosition | Record<string, TorchParamState>;
  param_groups: ({ params: number[] } & Record<string, unknown>)[];
}

/** How an optimizer's state dict reads in PyTorch, beyond the mechanical renaming. */
export interface TorchLayoutSpec {
  /** PyTorch's implementation flags and the values its state dicts hold (`{foreach: null, differentiable: false}`). */
  flags: Readonly<Record<string, boolean | null>>;
  /** Number-valued state that PyTorch keeps in a float32 0-d tensor (`step` for Adam, `muProduct` for NAdam). */
  scalarTensors?: readonly string[];
  /** Optional state that PyTorch writes as `None` rather than leaving out (SGD's `momentumBuffer`). */
  noneWhenAbsent?: readonly string[];
  /** Hyperparameters PyTorch 1.13 lacks (from PyTorch 2.x, or ours): written only when not false, absent means false. */
  later?: readonly string[];
  /** PyTorch creates this optimizer's state at construction (Adagrad), so every parameter gets an entry. */
  eagerState?: boolean;
}

/** Every flag PyTorch's optimizers carry in their groups; they choose an implementation, not the arithmetic. */
export const TORCH_FLAGS: ReadonlySet<string> = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

/**
 * Hyperparameters of PyTorch's optimizers (1.13 and 2.x). A group key among these that the loading optimizer
 * does not have means the dict belongs to another optimizer; any other unknown key is kept as the user's own.
 */
const TORCH_HYPER: ReadonlySet<string> = new Set([
  'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize', 'betas', 'eps', 'amsgrad', 'lr_decay',
  'initial_accumulator_value', 'alpha', 'centered', 'rho', 'momentum_decay', 'decoupled_weight_decay', 'lambd',
  't0', 'etas', 'step_sizes', 'max_iter', 'max_eval', 'tolerance_grad', 'tolerance_change', 'history_size',
  'line_search_fn',
]);

export const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Whether a state dict is in PyTorch's layout (`param_groups`) rather than ours (`paramGroups`). */
export function isTorchLayout(sd: unknown): boolean {
  return sd !== null && typeof sd === 'object' && 'param_groups' in sd && !('paramGroups' in sd);
}

/** A dict as a plain object: `loadPt` may give Maps (PyTorch's dicts with integer keys). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  if (v instanceof Map) return Object.fromEntries(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor)) return v as Record<string, unknown>;
  return undefined;
}

/**
 * A param group from PyTorch's layout as ours: hyperparameters renamed (and required, except those PyTorch 1.13
 * lacks), flags dropped, a hyperparameter of another optimizer rejected, any other key kept under its camelCase
 * name (a scheduler's `initial_lr` becomes `initialLr`).
 */
export function groupFromTorch(
  op: string,
  where: string,
  group: Record<string, unknown>,
  hyper: readonly string[],
  layout: TorchLayoutSpec,
): Record<string, unknown> {
  const out: Record<string, unknown> = { params: group.params };
  for (const [k, v] of Object.entries(group)) {
    if (k === 'params') continue;
    if (TORCH_FLAGS.has(k)) {
      if (v !== null && typeof v !== 'boolean') throw new Error(`${op}: ${where}.${k} must be a boolean or None, got ${fmt(v)}`);
      continue;
    }
    const ours = toCamel(k);
    if (!hyper.includes(ours) && TORCH_HYPER.has(k))
      throw new Error(
        `${op}: ${where} has '${k}', which is not a hyperparameter of this optimizer (its: ${hyper.map(toSnake).join(', ')}); ` +
          'is the state dict from another optimizer?',
      );
    out[ours] = v;
  }
  for (const k of hyper)
    if (!(k in out) && !(layout.later ?? []).includes(k)) throw new Error(`${op}: ${where} lacks '${toSnake(k)}'`);
  return out;
}

/** A param group of ours in PyTorch's layout: renamed keys, PyTorch's flags after the hyperparameters, then `params`. */
export function groupToTorch(group: Record<string, unknown>, hyper: readonly string[], layout: TorchLayoutSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of hyper) if (!(layout.later ?? []).includes(k) || group[k] !== false) out[toSnake(k)] = group[k];
  Object.assign(out, layout.flags);
  for (const [k, v] of Object.entries(group)) if (k !== 'params' && !hyper.includes(k)) out[toSnake(k)] = v;
  out.params = group.params;
  return out;
}

/**
 * A state number from PyTorch's layout: a number, or a one-element tensor (Adam's float32 `step`), read to the
 * CPU. Undefined if the value is neither.
 */
export function numberFromTorch(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor && !v.isDisposed && v.size === 1) return Number(v.dataSync()[0]);
  return undefined;
}
