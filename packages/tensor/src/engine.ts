import type { Backend, DataId, Device, KernelArgs, KernelFunc, MultiKernelFunc, TensorInfo } from './backend.js';
import { runWidened } from './float16-dispatch.js';
import { getKernel } from './kernel-registry.js';
import { Tensor, bindEngine } from './tensor.js';
import { journal } from './state-journal.js';

/** Called after every kernel runs, with the tensors it read and the tensor it made. Autograd records here. */
export type KernelListener = (name: string, inputs: readonly Tensor[], attrs: Record<string, unknown>, output: Tensor) => void;

/**
 * Lets a gradient tape keep alive what it saved when `tidy` would otherwise free it: `retained(roots)` lists the
 * tensors that the graph of `roots` still needs; those are handed to the enclosing scope, or to `adopt` at top
 * level, instead of being disposed.
 */
export interface GraphRetainer {
  /** `since`: the first tensor id the closing scope can hold, so the walk can stop at older tensors. */
  retained(roots: readonly Tensor[], since: number): Iterable<Tensor>;
  adopt(tensors: readonly Tensor[]): void;
}

/**
 * What an in-place op (`x.add_(y)`, ...) tells the gradient tape, which @nn/tensor knows only through this hook.
 * `before` may refuse the modification (autograd refuses a leaf that requires grad while recording) and
 * returns a token for `after`; `after` runs just before `target` takes `result`'s storage (and `result` is freed),
 * so the tape can make `target` stand for the new value and keep the old one for what was recorded before.
 */
export interface InPlaceHook {
  before(op: string, target: Tensor): unknown;
  after(op: string, target: Tensor, result: Tensor, token: unknown): void;
}

interface DataEntry {
  backend: Backend;
  refs: number;
  bytes: number;
}

interface Scope {
  tensors: Set<Tensor>;
  /** Id of the first tensor created in this scope. */
  firstId: number;
}

export interface MemoryInfo {
  /** Live (not disposed) tensors on every backend. */
  numTensors: number;
  /** Distinct storage buffers (several tensors can share one). */
  numDataBuffers: number;
  /** Bytes of live storage. */
  numBytes: number;
  /**
   * Per backend; `numBytesReserved` where the backend keeps storage for reuse: the CPU backend's heap, which
   * grows to a loop's high-water mark and then stays flat.
   */
  backends: Record<string, { numTensors: number; numDataBuffers: number; numBytes: number; numBytesReserved?: number }>;
}

type BackendFactory = () => Backend | Promise<Backend>;

/** The single dispatch point: backends, kernel dispatch, memory accounting and `tidy` scopes. */
class Engine {
  private readonly factories = new Map<string, BackendFactory>();
  private readonly backends = new Map<string, Backend>();
  private current: Backend | undefined;
  private readonly data = new Map<DataId, DataEntry>();
  private readonly live = new Map<string, number>();
  private readonly scopes: Scope[] = [];
  private readonly listeners: KernelListener[] = [];
  private retainer: GraphRetainer | undefined;
  /** Called with every new tensor and the op (kernel or creation function) that made it: the leak detector. */
  private readonly creationObservers: ((t: Tensor, op: string) => void)[] = [];
  /** Why a tensor was disposed, where something other than the user did it (see disposeBecause). */
  private readonly disposeReasons = new WeakMap<Tensor, string>();
  private inPlaceHook: InPlaceHook | undefined;
  private nextId = 0;
  /**
   * What the finalizer frees for each registered tensor: updated by `assign`, which swaps a tensor's storage.
   * Only tensors outside every scope are registered (see `track`).
   */
  private readonly held = new WeakMap<Tensor, { dataId: DataId; device: string }>();
  private readonly finalizer = new FinalizationRegistry<{ dataId: DataId; device: string }>((held) => {
    this.live.set(held.device, (this.live.get(held.device) ?? 1) - 1);
    this.decRef(held.dataId);
  });

  registerBackend(name: string, factory: BackendFactory): void {
    this.factories.set(name, factory);
  }

  async setBackend(name: string): Promise<void> {
    this.current = await this.initBackend(name);
  }

  async initBackend(name: string): Promise<Backend> {
    const ready = this.backends.get(name);
    if (ready) return ready;
    const factory = this.factories.get(name);
    if (!factory) throw new Error(`setBackend: unknown backend '${name}' (registered: ${[...this.factories.keys()].join(', ')})`);
    const backend = await factory();
    this.backends.set(name, backend);
    return backend;
  }

  /** The backend named `name`, which must have been initialised (setBackend or initBackend). */
  backendFor(op: string, name: string): Backend {
    const b = this.backends.get(name);
    if (b) return b;
    if (name === 'cpu') return this.cpu();
    if (!this.factories.has(name)) throw new Error(`${op}: unknown device '${name}' (registered: ${[...this.factories.keys()].join(', ')})`);
    throw new Error(`${op}: backend '${name}' is not initialised; call \`await setBackend('${name}')\` or \`await initBackend('${name}')\` first`);
  }

  private cpu(): Backend {
    let b = this.backends.get('cpu');
    if (!b) {
      const f = this.factories.get('cpu');
      if (!f) throw new Error('engine: the cpu backend is not registered');
      const made = f();
      if (made instanceof Promise) throw new Error('engine: the cpu backend must initialise synchronously');
      this.backends.set('cpu', (b = made));
    }
    return b;
  }

  get backend(): Backend {
    return (this.current ??= this.cpu());
  }

  getBackend(): Device {
    return this.backend.name;
  }

  /** Releases a backend's device resources; it must hold no live tensors. The default falls back to cpu. */
  disposeBackend(name: string): void {
    const b = this.backends.get(name);
    if (!b) return;
    const live = this.live.get(name) ?? 0;
    if (live > 0) throw new Error(`disposeBackend: backend '${name}' still holds ${live} live tensors; dispose them first`);
    b.dispose?.();
    this.backends.delete(name);
    if (this.current === b) this.current = undefined;
  }

  // ---- tensors and storage ----

  /** Wraps kernel output (or fresh storage) as a tracked Tensor. */
  makeTensor(info: TensorInfo, backend: Backend, op = 'unknown'): Tensor {
    let entry = this.data.get(info.dataId);
    if (!entry) {
      entry = { backend, refs: 0, bytes: backend.byteSize(info.dataId) };
      this.data.set(info.dataId, entry);
    }
    entry.refs++;
    const t = new Tensor(this.nextId++, info.dataId, info.shape.slice(), info.dtype, backend);
    this.live.set(backend.name, (this.live.get(backend.name) ?? 0) + 1);
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tensors.add(t);
    else this.track(t);
    for (const o of this.creationObservers) o(t, op);
    return t;
  }

  /**
   * Registers `t` with the finalization safety net (idempotent). A tensor inside a scope needs no registration:
   * the scope holds it strongly, so it cannot be collected, and disposes it when the scope closes. So tensors
   * are registered when created outside every scope or when they leave the last one (returned from the
   * outermost tidy, retained for a gradient at top level, or kept); most tensors of a training step never are,
   * which saves the registry's bookkeeping (about a quarter of a small op's cost).
   */
  private track(t: Tensor): void {
    if (this.held.has(t)) return;
    const held = { dataId: t.dataId, device: t.device };
    this.held.set(t, held);
    this.finalizer.register(t, held, t);
  }

  dispose(t: Tensor): void {
    if (t.isDisposed || journal?.keepAlive(t)) return;
    t.markDisposed();
    if (this.held.delete(t)) this.finalizer.unregister(t);
    this.live.set(t.device, (this.live.get(t.device) ?? 1) - 1);
    // A tensor belongs to at most one scope, most often the innermost.
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.tensors.delete(t)) break;
    this.decRef(t.dataId);
  }

  private decRef(dataId: DataId): void {
    const entry = this.data.get(dataId);
    if (!entry) return;
    if (--entry.refs > 0) return;
    this.data.delete(dataId);
    entry.backend.disposeData(dataId);
  }

  /** Points `target` at `source`'s storage (shared, refcounted): the in-place update of parameters and state. */
  assign(target: Tensor, source: Tensor): void {
    journal?.write(target);
    const old = target.dataId;
    this.data.get(source.dataId)!.refs++;
    target.setDataId(source.dataId);
    const held = this.held.get(target);
    if (held) held.dataId = source.dataId;
    // Storage from another device (Module.to moving parameters in place): the tensor's backend follows it.
    if (source.backendImpl !== target.backendImpl) {
      this.live.set(target.device, (this.live.get(target.device) ?? 1) - 1);
      target.setBackendImpl(source.backendImpl);
      this.live.set(target.device, (this.live.get(target.device) ?? 0) + 1);
      if (held) held.device = target.device;
    }
    this.decRef(old);
  }

  memory(): MemoryInfo {
    const backends: MemoryInfo['backends'] = {};
    for (const name of new Set([...this.backends.keys(), ...this.live.keys()]))
      backends[name] = { numTensors: this.live.get(name) ?? 0, numDataBuffers: 0, numBytes: 0 };
    for (const e of this.data.values()) {
      const b = (backends[e.backend.name] ??= { numTensors: 0, numDataBuffers: 0, numBytes: 0 });
      b.numDataBuffers++;
      b.numBytes += e.bytes;
    }
    for (const [name, b] of this.backends) if (b.reservedBytes && backends[name]) backends[name].numBytesReserved = b.reservedBytes();
    const total = { numTensors: 0, numDataBuffers: 0, numBytes: 0 };
    for (const b of Object.values(backends)) {
      total.numTensors += b.numTensors;
      total.numDataBuffers += b.numDataBuffers;
      total.numBytes += b.numBytes;
    }
    return { ...total, backends };
  }

  // ---- dispatch ----

  runKernel(name: string, inputs: readonly Tensor[], attrs: Record<string, unknown> = {}, backend?: Backend): Tensor {
    const b = this.#backendOf(name, inputs, backend);
    let info: TensorInfo;
    try {
      info = this.#invoke(name, b, { inputs, attrs, backend: b }) as TensorInfo;
    } catch (e) {
      throw outOfMemory(name, inputs, e);
    }
    if (Array.isArray(info)) throw new Error(`${name}: the kernel has several outputs; run it with engine.runKernelMulti`);
    const out = this.makeTensor(info, b, name);
    for (const l of this.listeners) l(name, inputs, attrs, out);
    return out;
  }

  /**
   * Runs a kernel with several outputs (MULTI_OUTPUT_KERNELS: the fused optimizer updates) and returns them in
   * order. The listeners see each output as a call of its own; these kernels carry no gradient.
   */
  runKernelMulti(name: string, inputs: readonly Tensor[], attrs: Record<string, unknown> = {}, backend?: Backend): Tensor[] {
    const b = this.#backendOf(name, inputs, backend);
    const infos = this.#invoke(name, b, { inputs, attrs, backend: b }) as TensorInfo[];
    if (!Array.isArray(infos)) throw new Error(`${name}: the kernel has a single output; run it with engine.runKernel`);
    const outs = infos.map((info) => this.makeTensor(info, b, name));
    for (const out of outs) for (const l of this.listeners) l(name, inputs, attrs, out);
    return outs;
  }

  /** The backend that owns `inputs` (or `backend`, or the current one); all inputs live and on it. */
  #backendOf(name: string, inputs: readonly Tensor[], backend: Backend | undefined): Backend {
    let b = backend;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      if (t.isDisposed) {
        const why = this.disposeReasons.get(t);
        throw new Error(`${name}: input ${i} (shape ${JSON.stringify(t.shape)}) has been disposed${why ? ` (${why})` : ''}`);
      }
      if (b === undefined) b = t.backendImpl;
      else if (t.backendImpl !== b)
        throw new Error(`${name}: inputs are on different devices (${b.name} and ${t.device}); move one with .to('${b.name}')`);
    }
    return b ?? this.backend;
  }

  /** Runs kernel `name` on `b`, widening float16 inputs for kernels that compute in float32 (float16-dispatch.ts). */
  #invoke(name: string, b: Backend, args: KernelArgs): TensorInfo | TensorInfo[] {
    const kernel = this.#kernel(name, b);
    if (args.inputs.some((x) => x.dtype === 'float16') && !b.float16Kernels?.has(name)) return runWidened(kernel, args);
    return kernel(args);
  }

  #kernel(name: string, b: Backend): KernelFunc | MultiKernelFunc {
    const kernel = getKernel(b.name, name);
    if (!kernel) throw new Error(`${name}: no kernel for backend '${b.name}'`);
    return kernel;
  }

  addKernelListener(l: KernelListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Adds an observer of tensor creation (see LeakDetector); returns its removal. */
  observeCreation(fn: (t: Tensor, op: string) => void): () => void {
    this.creationObservers.push(fn);
    return () => {
      const i = this.creationObservers.indexOf(fn);
      if (i >= 0) this.creationObservers.splice(i, 1);
    };
  }

  setGraphRetainer(r: GraphRetainer | undefined): void {
    this.retainer = r;
  }

  setInPlaceHook(h: InPlaceHook | undefined): void {
    this.inPlaceHook = h;
  }

  /** The id the next tensor will get: tensors with smaller ids (and the kernel calls that made them) came before. */
  get clock(): number {
    return this.nextId;
  }

  /**
   * Runs an in-place op: `compute()` makes the new value (through ordinary ops, so it is recorded like any other
   * call), then `target` takes its storage, as `assign` does, keeping its identity. `check` validates the result
   * (shape, dtype) before anything changes. The in-place hook sees both ends (`after` just before the swap).
   */
  inPlace(op: string, target: Tensor, compute: () => Tensor, check?: (result: Tensor) => void): Tensor {
    if (target.isDisposed) throw new Error(`${op}: tensor (shape ${JSON.stringify(target.shape)}, ${target.dtype}) has been disposed`);
    const token = this.inPlaceHook?.before(op, target);
    const result = compute();
    try {
      check?.(result);
      this.inPlaceHook?.after(op, target, result, token);
      this.assign(target, result);
    } finally {
      if (result !== target) this.dispose(result);
    }
    return target;
  }

  // ---- scopes ----

  keep<T extends Tensor>(t: T): T {
    for (const s of this.scopes) s.tensors.delete(t);
    if (!t.isDisposed) this.track(t);
    return t;
  }

  startScope(): void {
    this.scopes.push({ tensors: new Set(), firstId: this.nextId });
  }

  /**
   * Opens a scope for one step of a loop (a DataLoader's batch: see @nn/data) and returns its token. Unlike
   * `tidy`, the scope is closed by `closeStepScope`, which hands its tensors back instead of disposing them, so
   * the loop can free them later (one step later, so a value carried to the next step still works).
   */
  openStepScope(): object {
    const scope = { tensors: new Set<Tensor>(), firstId: this.nextId };
    this.scopes.push(scope);
    return scope;
  }

  /**
   * Closes the step scope `token` (which must be the innermost open scope): its live tensors move to the
   * enclosing scope (or, at top level, to the finalization safety net) and are returned for the caller to free.
   */
  closeStepScope(op: string, token: object): Tensor[] {
    const top = this.scopes.at(-1);
    if (top !== token) {
      if (!this.scopes.includes(token as Scope)) return [];
      throw new Error(`${op}: a tidy/startScope opened during the step is still open; close it before the next step`);
    }
    this.scopes.pop();
    const parent = this.scopes.at(-1);
    const out = [...top.tensors];
    for (const t of out) {
      if (parent) parent.tensors.add(t);
      else this.track(t);
    }
    return out;
  }

  /** Why `t` was disposed, where something other than the user did it (see disposeBecause). */
  disposeReason(t: Tensor): string | undefined {
    return this.disposeReasons.get(t);
  }

  /** Disposes `t` noting why, so a later use of it says so (e.g. freed at the end of its DataLoader step). */
  disposeBecause(t: Tensor, reason: string): void {
    if (t.isDisposed) return;
    this.disposeReasons.set(t, reason);
    this.dispose(t);
  }

  endScope(result: unknown): void {
    const scope = this.scopes.pop();
    if (!scope) throw new Error('tidy: endScope without a matching startScope');
    const parent = this.scopes.at(-1);
    const returned = new Set<Tensor>();
    if (result instanceof Tensor) returned.add(result); // the common case, without the walk's bookkeeping
    else collectTensors(result, returned);
    const retained = new Set<Tensor>();
    if (this.retainer) for (const t of this.retainer.retained([...returned], scope.firstId)) if (scope.tensors.has(t)) retained.add(t);
    const adopted: Tensor[] = [];
    for (const t of scope.tensors) {
      if (returned.has(t) || retained.has(t)) {
        if (parent) parent.tensors.add(t);
        else {
          this.track(t);
          if (!returned.has(t)) adopted.push(t);
        }
      } else this.dispose(t);
    }
    if (adopted.length) this.retainer!.adopt(adopted);
  }

  tidy<T>(fn: () => T): T {
    this.startScope();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(undefined);
      throw e;
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => {
          this.endScope(r);
          return r;
        },
        (e) => {
          this.endScope(undefined);
          throw e;
        },
      ) as T;
    }
    this.endScope(result);
    return result;
  }
}

/**
 * A kernel's failure to allocate its output (V8's `RangeError: Invalid typed array length` or `Array buffer
 * allocation failed`) as an error naming the kernel and its input shapes; any other error unchanged.
 */
function outOfMemory(name: string, inputs: readonly Tensor[], e: unknown): unknown {
  if (!(e instanceof RangeError) || !/typed array length|buffer allocation/i.test(e.message)) return e;
  const shapes = inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ');
  return new Error(`${name}: cannot allocate the output for inputs of shapes ${shapes} (${e.message}): too large for memory`);
}

/** Finds tensors in a returned value: a tensor, or arrays, Maps and plain objects holding tensors. */
function collectTensors(x: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out, seen);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, out, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collectTensors(v, out, seen);
}

export const engine = new Engine();
bindEngine(engine);

/**
 * Runs `fn` and frees every tensor it created except those it returns (found in arrays and plain objects too)
 * and those passed to `keep`. `fn` may be async: the scope then closes when its promise settles.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`tidy: fn must be a function, got ${typeof fn}`);
  return engine.tidy(fn);
}

/** Exempts `t` from every enclosing `tidy`; it lives until `dispose`. */
export function keep<T extends Tensor>(t: T): T {
  return engine.keep(t);
}

/** Disposes a tensor, or every tensor in an array or plain object. */
export function dispose(x: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(x, found);
  for (const t of found) engine.dispose(t);
}

export function memory(): MemoryInfo {
  return engine.memory();
}

/** Selects the backend that creation ops use by default. Asynchronous because WebGPU needs an adapter first. */
export function setBackend(name: Device): Promise<void> {
  return engine.setBackend(name);
}

/** Initialises a backend without making it the default (so `t.to(name)` can use it). */
export async function initBackend(name: Device): Promise<void> {
  await engine.initBackend(name);
}

export function getBackend(): Device {
  return engine.getBackend();
}

/** Frees a backend's device (e.g. the WebGPU device) once none of its tensors is alive. */
export function disposeBackend(name: Device): void {
  engine.disposeBackend(name);
}
