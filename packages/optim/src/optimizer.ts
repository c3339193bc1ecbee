/**
 * The optimizer base: parameter groups with defaults, lazily created per-parameter state, `step`, `zeroGrad`,
 * `addParamGroup` and `stateDict` / `loadStateDict` that reference parameters by position, as PyTorch's
 * `torch.optim.Optimizer` does. A state dict holds the state tensors as Tensors (`save` from @nn/layers stores
 * them as raw bytes) and everything else as JSON-like data.
 *
 * Memory: parameters and state are updated in place (`assign`), computed on detached views so no gradient graph
 * records the update; each parameter's temporaries are freed by a `tidy`, and state tensors are `keep`-ed, so
 * a step inside an enclosing `tidy` works and `memory().numTensors` stays flat from the second step on.
 */
import { Tensor, keep, tensor, tidy, zerosLike } from '@nn/tensor';
import { checkHyper, copyValue, fmt, type HyperSpec } from './hyper.js';
import {
  asRecord,
  groupFromTorch,
  groupToTorch,
  isTorchLayout,
  numberFromTorch,
  stateByPosition,
  toCamel,
  toSnake,
  type TorchLayoutSpec,
  type TorchOptimizerStateDict,
  type TorchParamState,
} from './torch-layout.js';
import {
  decodeTensor,
  type JsonOptimizerStateDict,
  type OptimizerStateDict,
  type SerializedParamGroup,
  type SerializedParamState,
  type StateSpec,
} from './state-dict.js';

/** What every optimizer's hyperparameters include. */
export interface BaseHyper {
  lr: number;
}

/**
 * A parameter group: its parameters and the hyperparameters used for them. Mutable: schedulers write `lr`
 * (or `momentum`, `betas`) and the next `step()` reads them. Extra keys (e.g. a scheduler's `initialLr`) are
 * kept and saved by `stateDict`.
 */
export type ParamGroup<H> = H & { params: Tensor[]; [key: string]: unknown };

/** A group as passed in: parameters plus any hyperparameters that override the optimizer's defaults. */
export type ParamGroupInput<H> = Partial<H> & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };

/** Parameters (one group), or parameter groups. */
export type ParamsInput<H> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** One parameter's state: tensors shaped like the parameter, and scalar counters. */
export interface ParamState {
  [key: string]: Tensor | number | undefined;
}

/** What a concrete optimizer tells the base class. */
export interface OptimizerConfig<H> {
  /** Class name, used in error messages. */
  name: string;
  /** Default hyperparameters (SGD leaves `lr` unset: it has no default). */
  defaults: Partial<H>;
  /** One check per hyperparameter; its keys are the accepted option names. */
  spec: HyperSpec<H>;
  /** Checks involving several hyperparameters (SGD's Nesterov condition); throws with a full message. */
  crossCheck?: (op: string, where: string, h: H) => void;
  /** The state keys a `loadStateDict` may bring. */
  state: StateSpec;
  /** How the state dict reads in PyTorch's layout (`stateDict({format: 'torch'})`). */
  torch: TorchLayoutSpec;
}

/** Which layout `stateDict` returns: ours (camelCase, the default) or PyTorch's (`torch.optim`'s `state_dict()`). */
export interface StateDictOptions {
  format?: 'nn' | 'torch';
}

/** A zero tensor shaped like `p` that survives every enclosing `tidy`: lazily created optimizer state. */
export function zerosState(p: Tensor): Tensor {
  return keep(zerosLike(p));
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor);

/**
 * Base of every optimizer. A subclass passes its `OptimizerConfig` (name, defaults, checks, state keys) to the
 * constructor and implements `initState` and `update` for one parameter; grouping, validation, skipping
 * parameters without gradients, memory scoping and state dicts live here once.
 */
export abstract class Optimizer<H extends BaseHyper, S extends ParamState = ParamState> {
  /** The hyperparameters a group gets when it does not set them. */
  readonly defaults: Readonly<Partial<H>>;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created on the parameter's first step. */
  readonly state = new Map<Tensor, S>();
  readonly #config: OptimizerConfig<H>;

  protected constructor(params: ParamsInput<H>, options: Partial<H> | undefined, config: OptimizerConfig<H>) {
    this.#config = config;
    const op = config.name;
    if (options !== undefined && !isPlainObject(options))
      throw new Error(`${op}: options must be an object, got ${fmt(options)}`);
    const defaults: Partial<H> = { ...config.defaults };
    for (const [k, v] of Object.entries(options ?? {})) {
      if (!(k in config.spec))
        throw new Error(`${op}: unknown option '${k}' (options: ${Object.keys(config.spec).join(', ')})`);
      if (v !== undefined) (defaults as Record<string, unknown>)[k] = copyValue(v);
    }
    checkHyper(op, '', config.spec, defaults, true);
    config.crossCheck?.(op, '', defaults as H);
    this.defaults = defaults;

    for (const group of groupList(op, params)) this.#addGroup(op, group);
  }

  /** Creates the state of a parameter about to take its first step (tensors via `zerosState`). */
  protected abstract initState(param: Tensor, group: ParamGroup<H>): S;

  /**
   * One update of one parameter: given detached views of the parameter and its gradient, updates `state` in
   * place and returns the parameter's new value (which the base class assigns into the parameter).
   */
  protected abstract update(param: Tensor, grad: Tensor, state: S, group: ParamGroup<H>): Tensor;

  /**
   * Updates every parameter that has a gradient, reading each group's hyperparameters now. They are checked
   * first, as the constructor checks them, since a scheduler or user may have written into `paramGroups`
   * (`AdamW.step: paramGroups[0].lr must be a non-negative number, got NaN`); nothing is updated if one is bad.
   * Parameters whose `grad` is null are skipped (their state does not advance). `closure`, if given, is called
   * first (to recompute the loss) and its result returned.
   */
  step(): undefined;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    const op = `${this.#config.name}.step`;
    let loss: T | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function') throw new Error(`${op}: closure must be a function, got ${fmt(closure)}`);
      loss = closure();
    }
    for (const [gi, group] of this.paramGroups.entries()) this.#checkGroup(op, `paramGroups[${gi}].`, group);
    for (const [gi, group] of this.paramGroups.entries()) {
      for (const [pi, p] of group.params.entries()) {
        const grad = p.grad;
        if (grad === null) continue;
        const where = `paramGroups[${gi}].params[${pi}]`;
        if (p.isDisposed) throw new Error(`${op}: ${where} (shape [${p.shape.join(',')}]) has been disposed`);
        if (!(grad instanceof Tensor) || grad.isDisposed) throw new Error(`${op}: the gradient of ${where} has been disposed`);
        if (grad.dtype !== 'float32') throw new Error(`${op}: the gradient of ${where} must be float32, got ${grad.dtype}`);
        if (grad.device !== p.device)
          throw new Error(`${op}: the gradient of ${where} is on ${grad.device}, the parameter on ${p.device}`);
        tidy(() => {
          let state = this.state.get(p);
          if (state === undefined) {
            state = this.initState(p, group);
            this.state.set(p, state);
          }
          p.assign(this.update(p.detach(), grad.detach(), state, group));
        });
      }
    }
    return loss;
  }

  /**
   * Clears every parameter's gradient: disposes it and sets `grad` to null (`setToNone`, the default, as in
   * PyTorch 2), or fills it with zeros in place.
   */
  zeroGrad(setToNone = true): void {
    if (typeof setToNone !== 'boolean')
      throw new Error(`${this.#config.name}.zeroGrad: setToNone must be a boolean, got ${fmt(setToNone)}`);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) {
          p.grad = null;
          g.dispose();
        } else if (g.isDisposed) {
          p.grad = keep(zerosLike(p));
        } else {
          const z = zerosLike(g);
          g.assign(z);
          z.dispose();
        }
      }
    }
  }

  /**
   * Adds a group of parameters (e.g. layers unfrozen for fine-tuning); hyperparameters it does not set come from
   * `defaults`. A parameter may belong to one group only.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    this.#addGroup(`${this.#config.name}.addParamGroup`, group);
  }

  #addGroup(op: string, input: unknown): void {
    const where = `paramGroups[${this.paramGroups.length}]`;
    if (!isPlainObject(input) || !('params' in input))
      throw new Error(`${op}: ${where} must be an object with a params array, got ${fmt(input)}`);
    const raw = input.params;
    let params: unknown[];
    if (raw instanceof Tensor) params = [raw];
    else if (raw !== null && typeof raw === 'object' && Symbol.iterator in raw) params = [...(raw as Iterable<unknown>)];
    else throw new Error(`${op}: ${where}.params must be a Tensor or an iterable of Tensors, got ${fmt(raw)}`);

    const seen = new Set<Tensor>();
    for (const [i, p] of params.entries()) {
      const at = `${where}.params[${i}]`;
      if (!(p instanceof Tensor)) throw new Error(`${op}: ${at} must be a Tensor, got ${fmt(p)}`);
      if (p.isDisposed) throw new Error(`${op}: ${at} (shape [${p.shape.join(',')}]) has been disposed`);
      if (p.dtype !== 'float32') throw new Error(`${op}: ${at} must be a float32 tensor, got ${p.dtype}`);
      if (seen.has(p)) throw new Error(`${op}: ${at} appears twice in the group`);
      seen.add(p);
      for (const [gi, g] of this.paramGroups.entries())
        if (g.params.includes(p)) throw new Error(`${op}: ${at} is already in paramGroups[${gi}]; a parameter may be in one group only`);
    }

    const group: Record<string, unknown> = { params: params as Tensor[] };
    for (const [k, v] of Object.entries(this.defaults)) group[k] = copyValue(v);
    for (const [k, v] of Object.entries(input)) if (k !== 'params' && v !== undefined) group[k] = copyValue(v);
    this.#checkGroup(op, `${where}.`, group);
    this.paramGroups.push(group as ParamGroup<H>);
  }

  #checkGroup(op: string, where: string, group: Record<string, unknown>): void {
    checkHyper(op, where, this.#config.spec, group as Partial<H>);
    this.#config.crossCheck?.(op, where, group as unknown as H);
  }

  /**
   * The optimizer's state: `paramGroups` (hyperparameters, and `params` as positions counted across groups) and
   * `state` keyed by those positions, each entry holding step counts as numbers and moments/buffers as
   * Tensors. The tensors are detached snapshots sharing storage with the state (no copy; the optimizer updates
   * its state by `assign`, which swaps storage, so they keep this moment's values) on the state's device: dispose
   * them (`dispose(sd)`), or call `stateDict()` inside a `tidy`. `save(opt.stateDict())` stores them as raw
   * float32 bytes.
   *
   * With `{format: 'torch'}` the dict is in PyTorch 1.13's layout instead, key for key and type for type what
   * `torch.optim.<Name>(...).state_dict()` holds (`state[0].exp_avg_sq`, Adam's `step` a float32 0-d tensor,
   * `param_groups[0].weight_decay`, `foreach: null`, ...), for `savePt` and `optimizer.load_state_dict`.
   */
  stateDict(options?: { format?: 'nn' }): OptimizerStateDict;
  stateDict(options: { format: 'torch' }): TorchOptimizerStateDict;
  stateDict(options?: StateDictOptions): OptimizerStateDict | TorchOptimizerStateDict;
  stateDict(options: StateDictOptions = {}): OptimizerStateDict | TorchOptimizerStateDict {
    const op = `${this.#config.name}.stateDict`;
    if (!isPlainObject(options)) throw new Error(`${op}: options must be an object, got ${fmt(options)}`);
    const format = options.format ?? 'nn';
    if (format !== 'nn' && format !== 'torch') throw new Error(`${op}: format must be 'nn' or 'torch', got ${fmt(format)}`);
    return format === 'torch' ? this.#collectTorch() : this.#collect();
  }

  /** @deprecated `stateDict()` now works on every device; this resolves to the same dict. */
  async stateDictAsync(): Promise<OptimizerStateDict> {
    return this.#collect();
  }

  #collect(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[k] = copyValue(v);
      out.params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return out as SerializedParamGroup;
    });
    const state: Record<string, SerializedParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: SerializedParamState = {};
      let empty = true; // e.g. SGD without momentum: written as no state at all
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) entry[k] = v.detach();
        else if (typeof v === 'number') entry[k] = v;
        else continue;
        empty = false;
      }
      if (!empty) state[i] = entry;
    }
    return { state, paramGroups };
  }

  #collectTorch(): TorchOptimizerStateDict {
    const { spec, torch } = this.#config;
    const hyper = Object.keys(spec);
    const { state: ours, paramGroups } = this.#collect();
    const state: [number, TorchParamState][] = [];
    let i = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        let entry: Record<string, Tensor | number | undefined> | undefined = ours[i];
        // Adagrad's state exists from construction in PyTorch, which fails on a parameter without it.
        if (entry === undefined && torch.eagerState) entry = this.initState(p, group);
        // SGD without momentum: PyTorch records `momentum_buffer: None` for every parameter that stepped.
        if (entry === undefined && this.state.has(p) && torch.noneWhenAbsent) entry = {};
        if (entry !== undefined) {
          const out: TorchParamState = {};
          for (const k of torch.noneWhenAbsent ?? []) if (!(k in entry)) out[toSnake(k)] = null;
          for (const [k, v] of Object.entries(entry))
            if (v !== undefined) out[toSnake(k)] = typeof v === 'number' && torch.scalarTensors?.includes(k) ? tensor(v) : v;
          state.push([i, out]);
        }
        i++;
      }
    }
    const param_groups = paramGroups.map((g) => groupToTorch(g, hyper, torch) as TorchOptimizerStateDict['param_groups'][number]);
    return { state: stateByPosition(state), param_groups };
  }

  /**
   * Restores a `stateDict()` (for instance from `load(bytes)`): hyperparameters of every group and the state of
   * every parameter, matched by position. State tensors may be Tensors (float32, on the CPU or the parameter's
   * device; the optimizer shares their storage, safe since it updates by `assign`, so disposing the dict
   * afterwards is fine) or, as in earlier versions' JSON state dicts, `{shape, dtype, data}`. Everything is
   * validated before anything changes: group count and sizes, state keys, tensor shapes (which must equal their
   * parameter's) and values.
   *
   * A dict in PyTorch's layout (`param_groups`, snake_case keys: `stateDict({format: 'torch'})`, or what
   * `loadPt` reads from a `torch.save(optimizer.state_dict())` file) is accepted too: its step counts may be
   * numbers or one-element tensors, `None` stands for absent optional state, PyTorch's implementation flags
   * (`foreach`, `fused`, ...) are ignored, and a hyperparameter of another optimizer is an error.
   */
  loadStateDict(stateDict: OptimizerStateDict | JsonOptimizerStateDict | TorchOptimizerStateDict): void {
    const { name, spec, state: stateSpec, torch: torchSpec } = this.#config;
    const op = `${name}.loadStateDict`;
    const torch = isTorchLayout(stateDict);
    const dict = asRecord(stateDict);
    const savedState = asRecord(dict?.state);
    const saved = torch ? dict?.param_groups : dict?.paramGroups;
    if (savedState === undefined || !Array.isArray(saved))
      throw new Error(`${op}: expected {state, paramGroups} as returned by stateDict(), got ${fmt(stateDict)}`);
    const groupsKey = torch ? 'param_groups' : 'paramGroups';
    const label = torch ? toSnake : (k: string) => k;
    if (saved.length !== this.paramGroups.length)
      throw new Error(`${op}: the state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`);

    const byId = new Map<string, Tensor>();
    const groups: Record<string, unknown>[] = [];
    for (const [gi, raw] of (saved as unknown[]).entries()) {
      const where = `${groupsKey}[${gi}]`;
      let sg = asRecord(raw);
      if (sg === undefined || !Array.isArray(sg.params))
        throw new Error(`${op}: ${where} must be an object with a params array, got ${fmt(raw)}`);
      if (torch) sg = groupFromTorch(op, where, sg, Object.keys(spec), torchSpec);
      const mine = this.paramGroups[gi]!.params;
      const ids = sg.params as unknown[];
      if (ids.length !== mine.length)
        throw new Error(`${op}: ${where} has ${ids.length} parameters in the state dict, ${mine.length} in the optimizer`);
      for (const [i, id] of ids.entries()) {
        if (typeof id !== 'number' && typeof id !== 'string')
          throw new Error(`${op}: ${where}.params[${i}] must be a parameter position, got ${fmt(id)}`);
        if (byId.has(String(id))) throw new Error(`${op}: parameter position ${id} appears twice in ${groupsKey}`);
        byId.set(String(id), mine[i]!);
      }
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this.defaults)) group[k] = copyValue(v);
      for (const [k, v] of Object.entries(sg)) if (k !== 'params' && v !== undefined) group[k] = copyValue(v);
      this.#checkGroup(op, `${where}.`, group);
      groups.push(group);
    }

    const loaded = new Map<Tensor, [string, Tensor | Float32Array | number][]>();
    for (const [id, raw] of Object.entries(savedState)) {
      const where = `state[${id}]`;
      const p = byId.get(id);
      if (p === undefined) throw new Error(`${op}: ${where} refers to no parameter of ${groupsKey}`);
      const entry = asRecord(raw);
      if (entry === undefined) throw new Error(`${op}: ${where} must be an object, got ${fmt(raw)}`);
      const values: [string, Tensor | Float32Array | number][] = [];
      const present = new Set<string>();
      for (const [key, v] of Object.entries(entry)) {
        const k = torch ? toCamel(key) : key;
        const kind = stateSpec[k];
        if (kind === undefined)
          throw new Error(`${op}: ${where} has unknown key '${key}' (${name} state keys: ${Object.keys(stateSpec).map(label).join(', ')})`);
        if (torch && v === null && kind === 'tensor?') continue; // PyTorch's None: no such state yet
        present.add(k);
        if (kind === 'number') {
          const n = torch ? numberFromTorch(v) : v;
          if (typeof n !== 'number' || !Number.isFinite(n))
            throw new Error(`${op}: ${where}.${key} must be a finite number${torch ? ' or a one-element tensor' : ''}, got ${fmt(v)}`);
          values.push([k, n]);
        } else values.push([k, decodeTensor(op, `${where}.${key}`, v, p)]);
      }
      if (values.length === 0) continue; // an empty entry is the same as no state yet
      for (const [k, kind] of Object.entries(stateSpec))
        if (kind !== 'tensor?' && !present.has(k)) throw new Error(`${op}: ${where} lacks '${label(k)}'`);
      loaded.set(p, values);
    }

    // Validated: now replace hyperparameters (in place, so references to group objects stay live) and state.
    for (const [gi, group] of this.paramGroups.entries()) {
      const target = group as Record<string, unknown>;
      for (const k of Object.keys(target)) if (k !== 'params') delete target[k];
      Object.assign(target, groups[gi]);
    }
    this.dispose();
    tidy(() => {
      for (const [p, values] of loaded) {
        const s: ParamState = {};
        for (const [k, v] of values)
          s[k] =
            typeof v === 'number' ? v
            : v instanceof Tensor ? keep(v.to(p.device).detach())
            : keep(tensor(v, { shape: p.shape, device: p.device }));
        this.state.set(p, s as S);
      }
    });
  }

  /** Frees every state tensor and forgets all state (the parameters are untouched). */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}

/** Normalises the `params` argument: a list of tensors becomes one group. */
function groupList(op: string, params: unknown): unknown[] {
  if (params instanceof Tensor)
    throw new Error(`${op}: params must be an iterable of Tensors or of parameter groups, got a single Tensor; wrap it in an array`);
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params))
    throw new Error(`${op}: params must be an iterable of Tensors or of parameter groups, got ${fmt(params)}`);
  const list = [...(params as Iterable<unknown>)];
  if (list.length === 0) throw new Error(`${op}: params is empty; pass at least one parameter`);
  const isGroup = (x: unknown) => isPlainObject(x) && 'params' in x;
  if (!list.some((x) => x instanceof Tensor)) return list;
  if (list.some(isGroup)) throw new Error(`${op}: params mixes Tensors and parameter groups; pass one or the other`);
  return [{ params: list }];
}
