/**
 * `warmup(fn)`: compiles the WebGPU pipelines a function (a model's training or inference step) needs before it
 * first runs for real, as TensorFlow.js's `WEBGPU_ENGINE_COMPILE_ONLY` mode does for `model.predict`, so the
 * first step does not wait for a shader compiler (16–22 s for a small MLP in Chromium on SwiftShader).
 */
import type { DataId } from './backend.js';
import { dispose, engine } from './engine.js';
import type { Generator, GeneratorState } from './random/generator.js';
import { setJournal, type StateJournal } from './state-journal.js';
import { Tensor } from './tensor.js';
import { checkOptions, describeValue } from './validate.js';

/** An object whose state `warmup` snapshots and puts back: a Module, an Optimizer, a scheduler. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(stateDict: never): void;
}

export interface WarmupOptions {
  /**
   * The objects whose state the function updates (for a training step: the model and the optimizer, and a
   * scheduler it steps). Each is snapshotted with `stateDict()` before and restored with `loadStateDict()`
   * after, which puts back what warm-up cannot see itself: an optimizer's step counts and lazily created state.
   */
  restore?: Iterable<Stateful>;
}

export interface WarmupResult {
  /** Pipelines compiled by this warm-up. */
  pipelines: number;
  /** Pipelines the function needs that were compiled already (by an earlier step or warm-up). */
  cached: number;
  /** Wall-clock milliseconds, until every pipeline was ready. */
  ms: number;
}

/** The part of the WebGPU backend warm-up drives (duck-typed: the backend module is loaded on demand). */
interface CompileOnlyBackend {
  beginCompileOnly(): void;
  endCompileOnly(): Promise<{ pipelines: number; cached: number }>;
}

/** The WebGPU backend, when one has been initialised (by `setBackend('webgpu')` or `initBackend('webgpu')`). */
function webGpuBackend(): CompileOnlyBackend | null {
  try {
    return engine.backendFor('warmup', 'webgpu') as unknown as CompileOnlyBackend;
  } catch {
    return null;
  }
}

const FREED = 'freed by warmup(): it was created inside the warmed-up function, whose tensors are all freed; ' +
  'if an object keeps it (an optimizer\'s lazily created state), pass that object in warmup\'s restore option';

/**
 * Compiles every WebGPU pipeline `fn` needs, without running it: `fn` is called once on the current backend in
 * compile-only mode (each kernel creates its pipeline with `createComputePipelineAsync` and dispatches nothing),
 * and the promise resolves once all of them are compiled. The first real call of `fn` then compiles nothing.
 *
 * ```ts
 * await setBackend('webgpu');
 * const step = () => tidy(() => { const loss = crossEntropy(model.forward(x), y); loss.backward(); opt.step(); opt.zeroGrad(); return loss; });
 * const { pipelines, ms } = await warmup(step, { restore: [model, opt] });
 * step(); // runs at once: no shader compiles
 * ```
 *
 * Nothing `fn` does is kept. Warm-up itself puts back every tensor that existed before (values and storage:
 * parameters, buffers, optimizer moments), their `grad` and `requiresGrad`, and the state of every random
 * `Generator` used; tensors that existed before are never freed; every tensor created inside is freed (kept
 * ones too). JS state it cannot see is put back for the objects in `options.restore`, with their state dicts.
 * So a step that writes into a tensor that existed before (an optimizer updating a parameter, BatchNorm its
 * running statistics) must name the objects owning that tensor in `restore`: otherwise the warm-up rejects,
 * naming the tensor (the tensors are put back, but an object not named, such as an optimizer whose step count
 * advanced, may be left inconsistent: recreate it). Tensor values inside `fn` are not computed: `fn` must be
 * synchronous and must not read data (`await t.data()` rejects), branch on values, or draw from a DataLoader
 * (its position would advance): give it a fixed batch of the right shape.
 *
 * It warms up the WebGPU backend whether or not it is the default device. Where no WebGPU backend has been
 * initialised (CPU only) `fn` is not called and the promise resolves at once with zeros.
 * Errors: a throw inside `fn` rejects with `warmup: the function threw: ...` (the original as `cause`), a shader
 * that fails to compile rejects naming its key, as the next read would.
 */
export async function warmup(fn: () => unknown, options?: WarmupOptions): Promise<WarmupResult> {
  if (typeof fn !== 'function') throw new Error(`warmup: fn must be a function, got ${describeValue(fn)}`);
  const { restore = [] } = checkOptions('warmup', options, ['restore']);
  if (restore === null || typeof restore !== 'object' || !(Symbol.iterator in restore))
    throw new Error(`warmup: options.restore must be an array of objects with stateDict() and loadStateDict(), got ${describeValue(restore)}`);
  const owners = [...restore];
  for (const [i, o] of owners.entries())
    if (typeof o?.stateDict !== 'function' || typeof o?.loadStateDict !== 'function')
      throw new Error(`warmup: options.restore[${i}] must have stateDict() and loadStateDict(), got ${describeValue(o)}`);

  const backend = webGpuBackend();
  if (!backend) return { pipelines: 0, cached: 0, ms: 0 };
  const start = performance.now();
  const snapshots = owners.map((o) => o.stateDict());
  const journal = new Journal(ownedStorage(owners, snapshots));
  const stopObserving = engine.observeCreation((t) => journal.created.add(t));
  setJournal(journal);
  backend.beginCompileOnly();
  let thrown: { error: unknown } | null = null;
  try {
    const result = fn();
    if (result instanceof Promise || (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function')) {
      (result as Promise<unknown>).then(undefined, () => {}); // its rejection belongs to the error below
      throw new Error('warmup: fn must be synchronous (one step, whose tensors are recorded, not computed); it returned a Promise');
    }
  } catch (error) {
    thrown = { error };
  }
  const compiled = backend.endCompileOnly();
  stopObserving();
  setJournal(null);
  journal.rollBack();
  for (const [i, o] of owners.entries()) (o.loadStateDict as (sd: unknown) => void)(snapshots[i]);
  dispose(snapshots);
  for (const t of journal.created) engine.disposeBecause(t, FREED);

  const { pipelines, cached } = await compiled;
  if (thrown) {
    const { error } = thrown;
    if (error instanceof Error && error.message.startsWith('warmup: ')) throw error;
    throw new Error(`warmup: the function threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (journal.unowned)
    throw new Error(
      `warmup: the function wrote into a tensor that existed before it (${journal.unowned}) and belongs to no object ` +
        'in options.restore; its value was put back, but the state of whatever updated it (an optimizer\'s step count) ' +
        'may not have been. Name the owners, e.g. warmup(step, { restore: [model, optimizer] })',
    );
  return { pipelines, cached, ms: performance.now() - start };
}

/** Records the first change to each piece of state that existed before the warm-up, and puts it back. */
class Journal implements StateJournal {
  readonly created = new Set<Tensor>();
  /** Original storage of tensors written into, held by a tensor sharing it (so it is not freed meanwhile). */
  private readonly storage = new Map<Tensor, Tensor>();
  private readonly slots = new Map<Tensor, { grad: Tensor | null; requiresGrad: boolean }>();
  private readonly generators = new Map<Generator, GeneratorState>();
  /** The first tensor written into that no `restore` object owns, described. */
  unowned: string | null = null;

  constructor(private readonly owned: ReadonlySet<DataId>) {}

  write(t: Tensor): void {
    if (this.created.has(t) || this.storage.has(t)) return;
    if (!this.owned.has(t.dataId)) this.unowned ??= `${t.dtype} [${t.shape.join(',')}]`;
    const holder = engine.makeTensor({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, t.backendImpl, 'warmup');
    this.created.delete(holder);
    this.storage.set(t, engine.keep(holder));
  }

  slot(t: Tensor): void {
    if (!this.created.has(t) && !this.slots.has(t)) this.slots.set(t, { grad: t.grad, requiresGrad: t.requiresGrad });
  }

  keepAlive(t: Tensor): boolean {
    return !this.created.has(t);
  }

  draw(g: Generator): void {
    if (!this.generators.has(g)) this.generators.set(g, g.getState());
  }

  rollBack(): void {
    for (const [t, holder] of this.storage) {
      engine.assign(t, holder);
      engine.dispose(holder);
    }
    for (const [t, { grad, requiresGrad }] of this.slots) {
      t.grad = grad;
      t.requiresGrad = requiresGrad;
    }
    for (const [g, state] of this.generators) g.setState(state);
  }
}

/**
 * The storage the `restore` objects own: every tensor of their state dicts, and the gradients of a Module's
 * `parameters()` (backward accumulates into an existing gradient in place).
 */
function ownedStorage(owners: readonly Stateful[], snapshots: readonly unknown[]): Set<DataId> {
  const owned = new Set<DataId>();
  const walk = (x: unknown): void => {
    if (x instanceof Tensor) owned.add(x.dataId);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(walk);
  };
  snapshots.forEach(walk);
  for (const o of owners) {
    const params = (o as { parameters?: () => Iterable<Tensor> }).parameters;
    if (typeof params === 'function') for (const p of params.call(o)) if (p.grad) owned.add(p.grad.dataId);
  }
  return owned;
}
