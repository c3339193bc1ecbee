/**
 * `Module`, the base class of every layer, as torch.nn.Module: it owns parameters (trained tensors), buffers
 * (state such as BatchNorm's running statistics) and child modules, each registered under a name, and derives
 * from those registrations the dotted names of `namedParameters()` and the keys of `stateDict()`, which are
 * PyTorch's (`0.weight`, `1.running_mean`), so state dicts interchange with PyTorch.
 *
 * Registration by assignment, as PyTorch's `self.fc = nn.Linear(...)`: assigning a Module, or a tensor marked
 * as a `Parameter`, to a property of a module registers it under the property's name, in assignment order —
 * in the constructor or as a class field:
 *   fc = new Linear(4, 8);                              // child 'fc'
 *   scale = new Parameter(ones([8]));                   // parameter 'scale'
 * Explicit registration names the state-dict key when it differs from the property (PyTorch's snake_case):
 *   this.runningMean = this.registerBuffer('running_mean', zeros([c]));
 *   this.stack = this.registerModule('linear_relu_stack', new Sequential(...));
 * A value already registered in this module (under any name) is never registered again. Assigning to a
 * property that holds a registered child, parameter or buffer replaces that registration (same key and
 * position): a Module, a Parameter, a Tensor or null respectively (null removes a child); a plain Tensor stays
 * a plain property, as in PyTorch.
 *
 * How: `Module`'s base class returns a Proxy of the instance from its constructor, so `this` in every subclass
 * constructor, field initialiser and method is the proxy; its one trap, `defineProperty`, sees both
 * assignments and class-field definitions (which TypeScript emits as defines). Private fields still work: those
 * of `Module` and of subclasses are installed on the proxy itself, which is the object every method runs on.
 * A module whose own property holds an unregistered Module (an array of them) makes the recursive accessors
 * throw, so parameters cannot silently go missing from an optimizer.
 *
 * Parameters and buffers are long-lived: registration `keep`s them (they survive any enclosing `tidy`) and they
 * are updated in place (`assign`), which keeps their identity, so optimizers hold on to the same tensors across
 * `loadStateDict`.
 */
import { noGrad } from '@nn/autograd';
import { cast, engine, fmtShape, keep, shapesEqual, tidy, Tensor, type Device, type RemovableHandle } from '@nn/tensor';
import { checkBool, checkOptions, describe, isPlainObject } from './args.js';
import { isParameter, markParameter } from './parameter.js';

/** Any module, whatever its forward signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], any>;

/** Parameters and persistent buffers by dotted name, as PyTorch's `state_dict()`. */
export type StateDict = Record<string, Tensor>;

export interface StateDictOptions {
  /**
   * Return the module's own tensors instead of detached snapshots (PyTorch's `keep_vars`). Do not dispose
   * them: they are the model's parameters.
   */
  keepVars?: boolean;
}

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape mismatches are errors either way. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Keys of the model absent from the state dict (always empty when strict). */
  missingKeys: string[];
  /** Keys of the state dict the model does not have (always empty when strict). */
  unexpectedKeys: string[];
}

export interface BufferOptions {
  /** Whether the buffer is part of `stateDict()` (default true). */
  persistent?: boolean;
}

interface BufferSlot {
  tensor: Tensor | null;
  persistent: boolean;
}

/**
 * Called with `(module, inputs)` before `forward` (PyTorch's forward pre-hook): return nothing to keep the
 * inputs, or replacement inputs (an array of all of them, or the single input of a one-input module).
 * `inputs` is untyped, as in PyTorch: typing it by the module's forward signature would make modules with
 * different signatures unassignable to each other. (Method syntax: the hook's parameters compare bivariantly,
 * so a `Linear` stays assignable to a `Module` of any signature.)
 */
export type ForwardPreHook<M = AnyModule> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  hook(module: M, inputs: any[]): unknown;
}['hook'];

/** Called with `(module, inputs, output)` after `forward` (PyTorch's forward hook): return nothing, or a replacement output. */
export type ForwardHook<M = AnyModule, Out = unknown> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  hook(module: M, inputs: any[], output: Out): unknown;
}['hook'];

/** What the proxy's trap calls on each own-property definition of a module (set by Module's static block). */
let onDefine: (module: AnyModule, target: object, key: string, value: unknown) => void = () => {};
let nextHookId = 0;

/**
 * Makes every module a Proxy of itself whose `defineProperty` trap registers assigned Modules and Parameters
 * (see the file comment). A base class of its own so that Module's private fields are installed on the proxy.
 */
abstract class AutoRegistering {
  constructor() {
    const proxy: AnyModule = new Proxy(this, {
      defineProperty(target, key, desc) {
        if (typeof key === 'string' && 'value' in desc) onDefine(proxy, target, key, desc.value);
        return Reflect.defineProperty(target, key, desc);
      },
    }) as unknown as AnyModule;
    return proxy;
  }
}

/**
 * The base class of layers and models. Subclasses implement `forward` and register what they own in their
 * constructor. `In` is the tuple of `forward`'s arguments, `Out` its result.
 *
 * JavaScript cannot make an object callable the way PyTorch's `model(x)` is: call `model.forward(x)` or its
 * equivalent `model.call(x)` (which also checks that the module has not been disposed).
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> extends AutoRegistering {
  readonly #parameters = new Map<string, Tensor | null>();
  readonly #buffers = new Map<string, BufferSlot>();
  readonly #modules = new Map<string, AnyModule>();
  #disposed = false;
  readonly #forwardHooks = new Map<number, ForwardHook>();
  // Last private field: the trap registers nothing until it exists (see the static block).
  readonly #forwardPreHooks = new Map<number, ForwardPreHook>();
  /** Training mode (Dropout drops, BatchNorm uses and updates batch statistics) or evaluation mode. */
  training = true;

  static {
    onDefine = (m, target, key, value) => {
      if (#forwardPreHooks in m) m.#onAssign(target, key, value);
    };
  }

  /** The computation. Call it directly or through `call`. */
  abstract forward(...inputs: In): Out;

  /**
   * Runs `forward` (PyTorch's `model(x)`) after checking that the module has not been disposed, with the
   * forward pre-hooks before it and the forward hooks after it, each in registration order.
   */
  call(...inputs: In): Out {
    if (this.#disposed) throw new Error(`${this.constructor.name}: the module has been disposed`);
    if (this.#forwardPreHooks.size === 0 && this.#forwardHooks.size === 0) return this.forward(...inputs);
    let args = inputs;
    for (const fn of [...this.#forwardPreHooks.values()]) {
      const r = fn(this, args);
      if (r !== undefined && r !== null) args = (Array.isArray(r) ? r : [r]) as In;
    }
    let out = this.forward(...args);
    for (const fn of [...this.#forwardHooks.values()]) {
      const r = fn(this, args, out);
      if (r !== undefined && r !== null) out = r as Out;
    }
    return out;
  }

  // ---- hooks ----

  /**
   * Registers `fn(module, inputs)` to run before every `call` (PyTorch's `register_forward_pre_hook`); it may
   * return replacement inputs. `remove()` on the returned handle unregisters it.
   */
  registerForwardPreHook(fn: ForwardPreHook<this>): RemovableHandle {
    return this.#addHook('registerForwardPreHook', this.#forwardPreHooks, fn as unknown as ForwardPreHook);
  }

  /**
   * Registers `fn(module, inputs, output)` to run after every `call` (PyTorch's `register_forward_hook`); it
   * may return a replacement output. Tensors it keeps are freed by an enclosing `tidy` unless `keep`-ed.
   */
  registerForwardHook(fn: ForwardHook<this, Out>): RemovableHandle {
    return this.#addHook('registerForwardHook', this.#forwardHooks, fn as unknown as ForwardHook);
  }

  #addHook<F>(name: string, hooks: Map<number, F>, fn: F): RemovableHandle {
    if (typeof fn !== 'function') throw new Error(`${this.constructor.name}.${name}: fn must be a function, got ${describe(fn)}`);
    const id = nextHookId++;
    hooks.set(id, fn);
    const remove = (): void => void hooks.delete(id);
    return { remove, [Symbol.dispose]: remove };
  }

  // ---- registration ----

  /**
   * Registers `tensor` as the parameter `name` and returns it: it becomes a float32 leaf with
   * `requiresGrad = true` and is kept out of every `tidy`. `null` registers an absent parameter (a Linear
   * without bias), which appears nowhere. Pass a fresh tensor, not the result of a recorded computation.
   */
  registerParameter<T extends Tensor | null>(name: string, tensor: T): T {
    const op = `${this.constructor.name}.registerParameter`;
    this.#checkName(op, name, this.#parameters);
    if (tensor !== null) {
      checkLive(op, `parameter '${name}'`, tensor);
      if (tensor.dtype !== 'float32') throw new Error(`${op}: parameter '${name}' must be float32, got ${tensor.dtype}`);
      // A Parameter keeps its own flag (new Parameter(t, false), a frozen parameter tied elsewhere).
      const marked = isParameter(tensor as unknown);
      if (!marked) tensor.requiresGrad = true;
      markParameter(tensor);
      keep(tensor);
    }
    this.#parameters.set(name, tensor);
    return tensor;
  }

  /**
   * Registers `tensor` as the buffer `name` (state that is not trained, such as running statistics) and returns
   * it, kept out of every `tidy`. Persistent buffers (the default) are part of `stateDict()`.
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, opts?: BufferOptions): T {
    const op = `${this.constructor.name}.registerBuffer`;
    const { persistent = true } = checkOptions(op, opts, ['persistent']);
    checkBool(op, 'persistent', persistent);
    this.#checkName(op, name, this.#buffers);
    if (tensor !== null) keep(checkLive(op, `buffer '${name}'`, tensor));
    this.#buffers.set(name, { tensor, persistent });
    return tensor;
  }

  /** Registers `module` as the child `name` (its keys get the prefix `name.`) and returns it. */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    const op = `${this.constructor.name}.registerModule`;
    this.#checkName(op, name, this.#modules);
    if (!(module instanceof Module)) throw new Error(`${op}: module '${name}' must be a Module, got ${describe(module)}`);
    if ((module as AnyModule) === (this as AnyModule) || module.#subtree().has(this))
      throw new Error(`${op}: registering '${name}' (${module.constructor.name}) would make the module its own descendant`);
    this.#modules.set(name, module);
    return module;
  }

  /**
   * The trap's work (see the file comment), before `key` of the raw instance `target` is defined as `value`:
   * registers a new Module or Parameter under `key`, or replaces the registration the property's old value has.
   */
  #onAssign(target: object, key: string, value: unknown): void {
    if (value === undefined) return; // a class field declared without initialiser
    // Only own data properties can hold a registered value (and reading an accessor here would run it on the raw instance).
    const old: unknown = Reflect.getOwnPropertyDescriptor(target, key)?.value;
    if (old === value) return;
    const cls = this.constructor.name;
    const where = `${cls}: assigning ${describe(value)} to property '${key}'`;
    const oldName = old instanceof Module ? keyOf(this.#modules, old) : old instanceof Tensor ? this.#tensorName(old) : undefined;
    if (oldName !== undefined) {
      if (old instanceof Module) {
        if (value === null) return void this.#modules.delete(oldName);
        if (!(value instanceof Module)) throw new Error(`${where}, which holds the child module '${oldName}': a Module or null is expected`);
        // Registering an existing name replaces it in place (a Map keeps the key's position).
        return void this.registerModule(oldName, value);
      }
      if (this.#parameters.get(oldName) === old) {
        if (value !== null && !isParameter(value))
          throw new Error(`${where}, which holds the parameter '${oldName}': a Parameter (new Parameter(t)) or null is expected; to change its values in place use assign`);
        return void this.registerParameter(oldName, value);
      }
      if (value !== null && !(value instanceof Tensor)) throw new Error(`${where}, which holds the buffer '${oldName}': a Tensor or null is expected`);
      return void this.registerBuffer(oldName, value, { persistent: this.#buffers.get(oldName)!.persistent });
    }
    if (value instanceof Module) {
      if (keyOf(this.#modules, value) === undefined) this.registerModule(key, value);
    } else if (isParameter(value) && this.#tensorName(value) === undefined) this.registerParameter(key, value);
  }

  /** The name `t` is registered under in this module (parameter or buffer), if any. */
  #tensorName(t: Tensor): string | undefined {
    for (const [n, p] of this.#parameters) if (p === t) return n;
    for (const [n, b] of this.#buffers) if (b.tensor === t) return n;
    return undefined;
  }

  #checkName(op: string, name: unknown, own: Map<string, unknown>): void {
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw new Error(`${op}: name must be a non-empty string without '.', got ${describe(name)}`);
    for (const [kind, map] of [['parameter', this.#parameters], ['buffer', this.#buffers], ['module', this.#modules]] as const)
      if (map !== own && map.has(name)) throw new Error(`${op}: '${name}' is already registered as a ${kind}`);
  }

  // ---- traversal ----

  /** Every module reachable through registered children, self included. */
  #subtree(): Set<AnyModule> {
    const seen = new Set<AnyModule>();
    const stack: AnyModule[] = [this];
    while (stack.length) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      for (const c of m.#modules.values()) stack.push(c);
    }
    return seen;
  }

  /**
   * Modules in pre-order with their dotted names (self is ''), each once. Checks that no module keeps an
   * unregistered Module in an own property, whose parameters would otherwise be silently missed.
   */
  #walk(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (prefix: string, m: AnyModule): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [n, c] of m.#modules) visit(prefix ? `${prefix}.${n}` : n, c);
    };
    visit('', this);
    for (const [, m] of out) checkRegistered(m, seen);
    return out;
  }

  /** Parameters of this module and its descendants by dotted name, each tensor once (PyTorch's order). */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.#walk())
      for (const [n, t] of m.#parameters)
        if (t && !seen.has(t)) {
          seen.add(t);
          out.push([prefix ? `${prefix}.${n}` : n, t]);
        }
    return out;
  }

  /** The tensors of `namedParameters()`: what an optimizer takes. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Buffers (persistent or not) of this module and its descendants by dotted name, each once. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.#walk())
      for (const [n, b] of m.#buffers)
        if (b.tensor && !seen.has(b.tensor)) {
          seen.add(b.tensor);
          out.push([prefix ? `${prefix}.${n}` : n, b.tensor]);
        }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Direct children by name, in registration order. */
  namedChildren(): [string, AnyModule][] {
    checkRegistered(this, this.#subtree());
    return [...this.#modules];
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module ('') and every descendant by dotted name, in pre-order, each once. */
  namedModules(): [string, AnyModule][] {
    return this.#walk();
  }

  modules(): AnyModule[] {
    return this.#walk().map(([, m]) => m);
  }

  /**
   * Calls `fn` on every module of the tree, children before their parent and in registration order (PyTorch's
   * recursion: each child's subtree, then the module itself; a shared module once), e.g. for custom
   * initialisation: `model.apply((m) => { if (m instanceof Linear) init.zeros_(m.bias!) })`.
   */
  apply(fn: (module: AnyModule) => void): this {
    if (typeof fn !== 'function') throw new Error(`${this.constructor.name}.apply: fn must be a function, got ${describe(fn)}`);
    this.#walk(); // the unregistered-module check
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule): void => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const c of m.#modules.values()) visit(c);
      fn(m);
    };
    visit(this);
    return this;
  }

  // ---- modes and gradients ----

  /** Sets training mode (`mode = true`) or evaluation mode on this module and every descendant. */
  train(mode = true): this {
    checkBool(`${this.constructor.name}.train`, 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets `requiresGrad` on every parameter of this module and its descendants (PyTorch's `requires_grad_`):
   * `false` freezes them (no gradients are computed for them, optimizers skip them), `true` unfreezes.
   */
  requiresGrad_(requiresGrad = true): this {
    checkBool(`${this.constructor.name}.requiresGrad_`, 'requiresGrad', requiresGrad);
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  // ---- devices ----

  /**
   * Moves every parameter, gradient and buffer to `device` in place (PyTorch's `module.to(device)`): each
   * tensor keeps its identity and takes storage on the new device, so an optimizer built before still holds
   * the model's parameters. Synchronous, so it reads from the CPU only; to move off WebGPU use `toAsync`.
   * Tensors already on `device` are untouched.
   */
  to(device: Device): this {
    const op = `${this.constructor.name}.to`;
    engine.backendFor(op, device);
    const moving = this.#deviceTensors().filter((t) => t.device !== device);
    const off = moving.find((t) => t.device !== 'cpu');
    if (off) throw new Error(`${op}: tensors on ${off.device} can only be read asynchronously; use await module.toAsync('${device}')`);
    noGrad(() => tidy(() => moving.forEach((t) => engine.assign(t, t.to(device)))));
    return this;
  }

  /** `to(device)` from any device (reads WebGPU tensors back asynchronously). */
  async toAsync(device: Device): Promise<this> {
    const op = `${this.constructor.name}.toAsync`;
    engine.backendFor(op, device);
    const moving = this.#deviceTensors().filter((t) => t.device !== device);
    const copies = await Promise.all(moving.map((t) => t.toAsync(device)));
    moving.forEach((t, i) => {
      engine.assign(t, copies[i]!);
      copies[i]!.dispose();
    });
    return this;
  }

  /** Parameters, their gradients and buffers, each once. */
  #deviceTensors(): Tensor[] {
    const out = new Set<Tensor>();
    for (const p of this.parameters()) {
      out.add(p);
      if (p.grad && !p.grad.isDisposed) out.add(p.grad);
    }
    for (const b of this.buffers()) out.add(b);
    return [...out];
  }

  /** Disposes every parameter's gradient and sets it to null. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      p.grad = null;
      g.dispose();
    }
  }

  // ---- state dicts ----

  /** [key, tensor] for the parameters and persistent buffers, PyTorch's keys and order (no deduplication). */
  #stateEntries(prefix: string, out: [string, Tensor][]): [string, Tensor][] {
    for (const [n, t] of this.#parameters) if (t) out.push([prefix + n, t]);
    for (const [n, b] of this.#buffers) if (b.tensor && b.persistent) out.push([prefix + n, b.tensor]);
    for (const [n, m] of this.#modules) m.#stateEntries(`${prefix}${n}.`, out);
    return out;
  }

  /**
   * Parameters and persistent buffers by PyTorch's keys (`weight`, `0.bias`, `1.running_mean`,
   * `1.num_batches_tracked`). The values are detached snapshots sharing storage with the model (no copy): since
   * the model is only ever updated by `assign`, which swaps storage, they keep the values of this moment.
   * They are ordinary tensors: dispose them, or call `stateDict()` inside a `tidy`. With `keepVars` the model's
   * own tensors are returned instead.
   */
  stateDict(opts?: StateDictOptions): StateDict {
    const op = `${this.constructor.name}.stateDict`;
    const { keepVars = false } = checkOptions(op, opts, ['keepVars']);
    checkBool(op, 'keepVars', keepVars);
    this.#walk();
    return Object.fromEntries(this.#stateEntries('', []).map(([k, t]) => [k, keepVars ? t : t.detach()]));
  }

  /**
   * Copies `stateDict`'s tensors into the model's parameters and buffers in place (`assign`, casting dtype and
   * moving from the CPU where needed), so their identity is kept and optimizers still hold the same tensors.
   * Everything is validated first and nothing changes if anything is wrong: unless `strict` is false, missing
   * and unexpected keys are errors; a shape mismatch is always an error, e.g.
   * `loadStateDict: size mismatch for 0.weight: copying a param with shape [3,4] from the state dict, the shape
   * in the current model is [4,3]`. The model's tensors share storage with the given ones afterwards (no copy;
   * safe, since updates swap storage): disposing the state dict does not affect the model.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, opts?: LoadStateDictOptions): LoadStateDictResult {
    const op = 'loadStateDict';
    const { strict = true } = checkOptions(op, opts, ['strict']);
    checkBool(op, 'strict', strict);
    const given = stateDictEntries(op, stateDict);
    this.#walk();
    const own = this.#stateEntries('', []);
    const ownKeys = new Set(own.map(([k]) => k));
    const missingKeys = [...ownKeys].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !ownKeys.has(k));

    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`Missing key(s) in state_dict: ${quoted(missingKeys)}`);
    if (strict && unexpectedKeys.length) problems.push(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}`);
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of own) {
      const src = given.get(key);
      if (src === undefined) continue;
      if (target.isDisposed) problems.push(`the model's tensor ${key} has been disposed`);
      else if (!shapesEqual(src.shape, target.shape))
        problems.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(src.shape)} from the state dict, ` +
            `the shape in the current model is ${fmtShape(target.shape)}`,
        );
      else if (src.device !== target.device && src.device !== 'cpu')
        problems.push(`${key} is on ${src.device} but the model's tensor is on ${target.device}; move it first (await t.toAsync('${target.device}'))`);
      else copies.push([target, src]);
    }
    if (problems.length) throw new Error(`${op}: ${problems.join('; ')}`);

    noGrad(() =>
      tidy(() => {
        for (const [target, src] of copies) {
          let v = src.to(target.device);
          if (v.dtype !== target.dtype) v = cast(v, target.dtype);
          target.assign(v);
        }
      }),
    );
    return { missingKeys: strict ? [] : missingKeys, unexpectedKeys: strict ? [] : unexpectedKeys };
  }

  // ---- lifetime ----

  /** Frees every parameter (and its gradient) and buffer of this module and its descendants. */
  dispose(): void {
    for (const m of this.#subtree()) {
      if (m.#disposed) continue;
      m.#disposed = true;
      for (const t of m.#parameters.values()) {
        t?.grad?.dispose();
        t?.dispose();
      }
      for (const b of m.#buffers.values()) b.tensor?.dispose();
    }
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- printing ----

  /** The settings shown between the parentheses of `toString()` (PyTorch's `extra_repr`). */
  protected extraRepr(): string {
    return '';
  }

  /** PyTorch-style summary: `Sequential(\n  (0): Linear(inFeatures=4, outFeatures=2, bias=true)\n)`. */
  override toString(): string {
    const extra = this.extraRepr();
    const lines = extra ? extra.split('\n') : [];
    for (const [n, m] of this.#modules) lines.push(`(${n}): ${String(m).replace(/\n/g, '\n  ')}`);
    if (lines.length === 0) return `${this.constructor.name}()`;
    if (this.#modules.size === 0 && lines.length === 1) return `${this.constructor.name}(${lines[0]})`;
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/** The key under which `map` holds `value`, if any. */
function keyOf<V>(map: Map<string, V>, value: V): string | undefined {
  for (const [k, v] of map) if (v === value) return k;
  return undefined;
}

function checkLive(op: string, what: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor or null, got ${describe(t)}`);
  if (t.isDisposed) throw new Error(`${op}: ${what} (shape ${fmtShape(t.shape)}) has been disposed`);
  return t;
}

/** Throws when `m` holds, in an own property, a Module (or an array of them) outside `registered`. */
function checkRegistered(m: AnyModule, registered: Set<AnyModule>): void {
  for (const [k, v] of Object.entries(m)) {
    const stray = v instanceof Module ? v : Array.isArray(v) ? v.find((e) => e instanceof Module && !registered.has(e)) : undefined;
    if (stray instanceof Module && !registered.has(stray))
      throw new Error(
        `${m.constructor.name}: property '${k}' holds ${Array.isArray(v) ? 'an array of Modules' : `a ${stray.constructor.name}`} that is not registered, ` +
          `so its parameters would be missed by parameters() and stateDict(); ` +
          (Array.isArray(v) ? `use a Sequential, or registerModule each element` : `write this.${k} = this.registerModule('${k}', ...)`),
      );
  }
}

function stateDictEntries(op: string, sd: unknown): Map<string, Tensor> {
  let entries: [unknown, unknown][];
  if (sd instanceof Map) entries = [...sd];
  else if (isPlainObject(sd)) entries = Object.entries(sd);
  else throw new Error(`${op}: stateDict must be an object (or a Map) of Tensors, got ${describe(sd)}`);
  const out = new Map<string, Tensor>();
  for (const [k, v] of entries) {
    if (typeof k !== 'string') throw new Error(`${op}: state dict keys must be strings, got ${describe(k)}`);
    if (!(v instanceof Tensor)) throw new Error(`${op}: stateDict['${k}'] must be a Tensor, got ${describe(v)}`);
    if (v.isDisposed) throw new Error(`${op}: stateDict['${k}'] (shape ${fmtShape(v.shape)}) has been disposed`);
    out.set(k, v);
  }
  return out;
}

function quoted(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}
