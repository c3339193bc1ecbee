import { Generator, Tensor, defaultGenerator, engine, permutation, tidy, type GeneratorState } from '@nn/tensor';
import { defaultCollate, type Collated } from './collate.js';
import { asDataset, assertDataset, type Dataset, type DatasetLike } from './dataset.js';
import { checkDataLoaderState, type DataLoaderState } from './data-loader-state.js';
import { checkBoolean, checkOptions, describe } from './validate.js';

/** A batch size, or a schedule giving the batch size of each epoch from its 0-based index. */
export type BatchSize = number | ((epoch: number) => number);

export interface DataLoaderOptions<T, B> {
  /**
   * Samples per batch (default 1), or a function `(epoch) => size` called once at the start of each epoch with
   * the epoch's 0-based index — e.g. to grow the batch instead of decaying the learning rate (Smith et al. 2017,
   * "Don't decay the learning rate, increase the batch size"). `loader.batchSize` can also be set between epochs.
   */
  batchSize?: BatchSize;
  /** Visit the samples in a fresh random order every epoch (default false: in index order). */
  shuffle?: boolean;
  /** Skip the last batch of an epoch when it would be smaller than the batch size (default false). */
  dropLast?: boolean;
  /** Draws each epoch's permutation when shuffling; the default generator (`manualSeed`) when omitted. */
  generator?: Generator;
  /**
   * Builds a batch from the list of samples (default `defaultCollate`). The loader runs `get` and `collate` in a
   * `tidy`, so tensors made for the samples and not in the batch are freed; the batch must therefore hold its
   * tensors where `tidy` finds them: directly, or in arrays, Maps and plain objects.
   */
  collate?: (samples: T[]) => B;
  /**
   * Give each loop step a memory scope (default true): the tensors a step creates (its batch, the model's
   * output, the loss, ...) are freed when the batch after next is drawn, so a PyTorch-style loop with no `tidy`
   * and no `dispose` keeps its memory flat. One step of grace lets a value carried into the next step (an RNN's
   * hidden state, the previous loss) still be used there; `keep(t)` a tensor that must live longer (such as
   * a list of losses). Parameters, buffers, gradients and optimizer state are kept by their owners and are never
   * freed this way. When the loop ends (or `break`s) the last step's tensors stay alive until the next epoch's
   * first step ends. A step that makes no tensor of its own (collecting batches: `[...loader]`) frees nothing:
   * its batch stays the caller's. False: batches are always the caller's to dispose, as before.
   */
  stepScope?: boolean;
}

const OPTIONS = ['batchSize', 'shuffle', 'dropLast', 'generator', 'collate', 'stepScope'] as const;

/** The epoch in progress: its sample order and how far it got. */
interface Epoch {
  order: Int32Array;
  /** Samples of `order` already yielded. */
  position: number;
  batchSize: number;
  /** The generator's state just before `order` was drawn (null without shuffle): enough to redraw it. */
  orderState: GeneratorState | null;
}

/**
 * Iterates over a dataset in minibatches (PyTorch's `DataLoader`). Each `for (const batch of loader)` (or
 * `for await`) is one epoch: every sample exactly once, in index order or — with `shuffle` — in a fresh random
 * permutation drawn from the generator (sampling without replacement). Each step of the loop runs in a memory
 * scope that frees its tensors (batch included) one batch later (`stepScope`, default true); with
 * `stepScope: false` batches are new tensors owned by the caller: dispose them, or run each step in `tidy`.
 *
 * Counters: `epoch` is the number of epochs finished — an epoch finishes when its iteration runs out or is
 * abandoned (`break`, an exception in the loop body, or a new iteration starting) — so during an epoch it is
 * that epoch's 0-based index. `samplesSeen` counts samples yielded over all epochs. `stateDict()` captures the
 * position inside the current epoch so that, after `loadStateDict`, the next iteration continues that epoch
 * with exactly the batches an uninterrupted run would have produced.
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T>;
  readonly shuffle: boolean;
  /** Whether each loop step's tensors are freed one batch later (see DataLoaderOptions.stepScope). */
  readonly stepScope: boolean;
  /** The step scopes of this loader's iterations (one after another: an epoch's last step is freed in the next). */
  readonly #steps: StepScopes | null;
  readonly dropLast: boolean;
  /** The generator given in the options (undefined: shuffling uses the default generator). */
  readonly generator: Generator | undefined;
  readonly #collate: ((samples: T[]) => B) | undefined;
  #batchSize: BatchSize;
  #epochsFinished = 0;
  #samplesSeen = 0;
  #current: Epoch | null = null;
  /** Set by `loadStateDict` with a mid-epoch state: the next iteration continues `#current`. */
  #resume = false;
  /** Identifies the live iteration; older iterators see a different value and refuse to go on. */
  #iteration = 0;

  /** `dataset` is a Dataset or a plain array of samples. */
  constructor(dataset: DatasetLike<T>, options?: DataLoaderOptions<T, B>) {
    this.dataset = asDataset('DataLoader', 'dataset', dataset);
    const o = checkOptions('DataLoader', options, OPTIONS);
    this.#batchSize = checkBatchSize('DataLoader', o.batchSize ?? 1);
    this.shuffle = checkBoolean('DataLoader', 'shuffle', o.shuffle ?? false);
    this.stepScope = checkBoolean('DataLoader', 'stepScope', o.stepScope ?? true);
    this.#steps = this.stepScope ? new StepScopes() : null;
    this.dropLast = checkBoolean('DataLoader', 'dropLast', o.dropLast ?? false);
    if (o.generator !== undefined && !(o.generator instanceof Generator))
      throw new Error(`DataLoader: generator must be a Generator, got ${describe(o.generator)}`);
    this.generator = o.generator;
    if (o.collate !== undefined && typeof o.collate !== 'function')
      throw new Error(`DataLoader: collate must be a function, got ${describe(o.collate)}`);
    this.#collate = o.collate;
  }

  /** Epochs finished (completed or abandoned); while an epoch runs, its 0-based index. */
  get epoch(): number {
    return this.#epochsFinished;
  }

  /** Samples yielded so far, over all epochs. */
  get samplesSeen(): number {
    return this.#samplesSeen;
  }

  /**
   * The batch size of the epoch in progress, or else of the next epoch. Assigning a number (or a schedule
   * function) takes effect at the next epoch; assigning during an epoch throws.
   */
  get batchSize(): number {
    return this.#current ? this.#current.batchSize : this.#sizeFor(this.#epochsFinished);
  }

  set batchSize(size: BatchSize) {
    const checked = checkBatchSize('DataLoader.batchSize', size);
    const e = this.#current;
    if (e) {
      const where = `epoch ${this.#epochsFinished} is at sample ${e.position} of ${e.order.length}`;
      throw new Error(`DataLoader.batchSize: cannot change during an epoch (${where}); set it between epochs`);
    }
    this.#batchSize = checked;
  }

  /** Batches per epoch for the epoch in progress, or else the next one: ceil(n / batchSize), or floor with dropLast. */
  get length(): number {
    const n = this.#current ? this.#current.order.length : this.dataset.length;
    const b = this.batchSize;
    return this.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  /** Starts a new epoch (or continues the one restored by `loadStateDict`) and iterates over its batches. */
  [Symbol.iterator](): IterableIterator<B> {
    if (!this.#resume || !this.#current) {
      this.#finishEpoch();
      this.#current = this.#startEpoch();
    }
    this.#resume = false;
    const iteration = ++this.#iteration;
    const live = (op: string): boolean => {
      if (iteration === this.#iteration) return true;
      if (op === 'return') return false;
      throw new Error(`DataLoader: this iterator is stale: a newer iteration started (or loadStateDict was called); start a new one`);
    };
    const steps = this.#steps;
    const iterator: IterableIterator<B> = {
      next: (): IteratorResult<B> => {
        live('next');
        steps?.endStep();
        const epoch = this.#current;
        if (!epoch) {
          steps?.finish();
          return { done: true, value: undefined };
        }
        steps?.beginStep();
        const batch = this.#nextBatch(epoch);
        if (!batch.done) steps?.setBatch(batch.value);
        if (batch.done) {
          steps?.finish();
          this.#finishEpoch();
        }
        return batch;
      },
      return: (): IteratorResult<B> => {
        steps?.endStep();
        steps?.finish();
        if (live('return')) this.#finishEpoch();
        return { done: true, value: undefined };
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /** The same epoch as `[Symbol.iterator]`, for `for await` loops. */
  [Symbol.asyncIterator](): AsyncIterableIterator<B> {
    const it = this[Symbol.iterator]();
    const iterator: AsyncIterableIterator<B> = {
      next: async () => it.next(),
      return: async () => it.return!(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * A JSON-serialisable snapshot: epochs finished, samples seen, the position in the epoch in progress with what
   * is needed to redraw its permutation, and the shuffle generator's current state.
   */
  stateDict(): DataLoaderState {
    const e = this.#current;
    return {
      epoch: this.#epochsFinished,
      samplesSeen: this.#samplesSeen,
      shuffle: this.shuffle,
      batchSize: typeof this.#batchSize === 'number' ? this.#batchSize : null,
      current: e && { datasetLength: e.order.length, position: e.position, batchSize: e.batchSize, orderState: e.orderState },
      generator: this.shuffle ? this.#generator().getState() : null,
    };
  }

  /**
   * Restores a `stateDict()`: the counters, the configured batch size (unless this loader uses a schedule
   * function), the shuffle generator's state (the one given in the options, or the default generator), and the
   * epoch in progress, which the next iteration continues. Any running iterator becomes stale.
   */
  loadStateDict(state: DataLoaderState): void {
    const s = checkDataLoaderState('DataLoader.loadStateDict', state, this.shuffle);
    if (s.current && s.current.datasetLength !== this.dataset.length)
      throw new Error(
        `DataLoader.loadStateDict: the state's epoch ran over ${s.current.datasetLength} samples, but the dataset has length ${this.dataset.length}`,
      );
    if (s.batchSize !== null && typeof this.#batchSize === 'number') this.#batchSize = s.batchSize;
    if (s.generator) this.#generator().setState(s.generator);
    this.#epochsFinished = s.epoch;
    this.#samplesSeen = s.samplesSeen;
    this.#iteration++;
    const c = s.current;
    this.#current = c && {
      order: c.orderState ? permutation(new Generator().setState(c.orderState), c.datasetLength) : identity(c.datasetLength),
      position: c.position,
      batchSize: c.batchSize,
      orderState: c.orderState,
    };
    this.#resume = c !== null;
  }

  #generator(): Generator {
    return this.generator ?? defaultGenerator;
  }

  #sizeFor(epoch: number): number {
    const b = this.#batchSize;
    if (typeof b === 'number') return b;
    const size = b(epoch);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
      throw new Error(`DataLoader: batchSize(${epoch}) must return a positive integer, got ${describe(size)}`);
    return size;
  }

  #startEpoch(): Epoch {
    const n = assertDataset('DataLoader', 'dataset', this.dataset);
    const batchSize = this.#sizeFor(this.#epochsFinished);
    if (!this.shuffle) return { order: identity(n), position: 0, batchSize, orderState: null };
    const g = this.#generator();
    const orderState = g.getState();
    return { order: permutation(g, n), position: 0, batchSize, orderState };
  }

  #finishEpoch(): void {
    if (!this.#current) return;
    this.#current = null;
    this.#resume = false;
    this.#epochsFinished++;
  }

  #nextBatch(e: Epoch): IteratorResult<B> {
    const remaining = e.order.length - e.position;
    if (remaining <= 0 || (this.dropLast && remaining < e.batchSize)) return { done: true, value: undefined };
    const count = Math.min(e.batchSize, remaining);
    const batch = this.#fetch(e.order.slice(e.position, e.position + count));
    e.position += count;
    this.#samplesSeen += count;
    return { done: false, value: batch };
  }

  /** One batch: the dataset's `getBatch` fast path when there is no custom collate, else `get` per sample + collate. */
  #fetch(indices: Int32Array): B {
    const ds = this.dataset;
    const collate = this.#collate;
    if (!collate && typeof ds.getBatch === 'function') return tidy(() => ds.getBatch!(indices)) as B;
    return tidy(() => {
      const samples = Array.from(indices, (i) => {
        const s = ds.get(i);
        if (s instanceof Promise)
          throw new Error(`DataLoader: dataset.get(${i}) returned a Promise; the DataLoader needs synchronous samples`);
        return s;
      });
      return collate ? collate(samples) : (defaultCollate(samples) as B);
    });
  }
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function checkBatchSize(op: string, size: unknown): BatchSize {
  if (typeof size === 'function') return size as (epoch: number) => number;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
    throw new Error(`${op}: batchSize must be a positive integer or a function (epoch) => size, got ${describe(size)}`);
  return size;
}

/**
 * The memory scopes of a loader's steps (DataLoaderOptions.stepScope): a step's scope opens before its batch is
 * drawn and closes when the next batch is asked for; its tensors are freed one step later still, also across the
 * end of an epoch (the last step's tensors outlive the loop and are freed during the next epoch's first step).
 * A step that made no tensor besides its batch (a caller collecting batches, `[...loader]`) frees nothing: its
 * batch stays the caller's, as with `stepScope: false`.
 */
class StepScopes {
  #open: object | null = null;
  /** The tensors of the open step's batch. */
  #batch = new Set<Tensor>();
  /** The tensors of the step before the current one, freed when the current one ends. */
  #previous: Tensor[] = [];

  beginStep(): void {
    this.#open = engine.openStepScope();
    this.#batch = new Set();
  }

  /** Notes the batch the step yields (its tensors, found in arrays, Maps and plain objects). */
  setBatch(value: unknown): void {
    collectTensors(value, this.#batch);
  }

  endStep(): void {
    if (!this.#open) return;
    const ended = engine.closeStepScope('DataLoader', this.#open);
    this.#open = null;
    for (const t of this.#previous) engine.disposeBecause(t, 'freed by the DataLoader two batches after it was made: keep(t) to hold a tensor longer, or create the loader with {stepScope: false}');
    // A step that made nothing but its batch is a caller collecting batches (`[...loader]`): those stay theirs.
    this.#previous = ended.some((t) => !this.#batch.has(t)) ? ended : [];
  }

  /**
   * The loop is over: a scope opened for a batch that did not come closes; the last step's tensors stay alive
   * until the next iteration's first step ends.
   */
  finish(): void {
    if (this.#open) engine.closeStepScope('DataLoader', this.#open);
    this.#open = null;
  }
}

/** The tensors in a batch: the value itself, or inside arrays, Maps and plain objects. */
function collectTensors(x: unknown, out: Set<Tensor>): void {
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, out);
  else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collectTensors(v, out);
}
