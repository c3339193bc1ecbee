/** The options of `fit`, their defaults and their validation. */
import { GradScaler, type OptimizerStateDict } from '@nn/optim';
import type { ReduceLROnPlateau, Scheduler } from '@nn/schedulers';
import type { Tensor } from '@nn/tensor';
import { checkOneOf, checkOptions, checkPositiveInt, checkString, describe, isPlainObject } from './args.js';
import type { EarlyStoppingOptions } from './early-stopping.js';
import { checkModel, type Batch, type LossFn, type ModelLike } from './evaluate.js';
import { emptyHistory, type Callback } from './history.js';
import { resolveMetrics, type Metric, type MetricSpec } from './metrics.js';
import { plotHistory, type PlotOptions } from './plot.js';
import type { ProgressMode, ProgressOutput } from './progress.js';
import { checkLocation, type FileSource } from './storage.js';

/** What fit needs of an optimizer (any @nn/optim optimizer). */
export interface FitOptimizer {
  readonly paramGroups: ReadonlyArray<{ params: Tensor[]; lr: number }>;
  step(): unknown;
  zeroGrad(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(state: OptimizerStateDict): void;
}

/** What fit needs of a model: any @nn/layers Module taking one tensor. */
export interface FitModel extends ModelLike {
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): unknown;
}

/**
 * The training data: an iterable over one epoch of `[input, target]` batches per iteration (a DataLoader).
 * Each batch must be fresh tensors, which fit disposes once used — as a DataLoader makes them (to train on
 * fixed tensors, wrap them in a `DataLoader` over a `TensorDataset`). `length` (batches per epoch) drives the
 * progress bar; `stateDict`/`loadStateDict` are needed for checkpoints.
 */
export interface FitLoader extends Iterable<Batch> {
  readonly length?: number;
  stateDict?(): unknown;
  loadStateDict?(state: never): void;
}

export interface FitOptions {
  optimizer: FitOptimizer;
  /** The loss, a scalar batch mean, e.g. `crossEntropy` or `(o, t) => mseLoss(o, t)`. */
  loss: LossFn;
  /** Total epochs, counting those done before a resume (default 1). */
  epochs?: number;
  /** An LR scheduler from @nn/schedulers, stepped after every optimizer step or every epoch (see `schedulerInterval`). */
  scheduler?: Scheduler | ReduceLROnPlateau;
  /**
   * 'step' (default): `scheduler.step()` after each optimizer step (warmup, cosine over steps, OneCycleLR);
   * 'epoch': after each epoch. A ReduceLROnPlateau always steps once per epoch with `schedulerMonitor`'s value.
   */
  schedulerInterval?: 'step' | 'epoch';
  /** The log key a ReduceLROnPlateau watches (default 'valLoss' with validation data, else 'loss'). */
  schedulerMonitor?: string;
  /** Clip the gradients' global L2 norm to this before each step (`clipGradNorm`). */
  clipNorm?: number;
  /**
   * Mixed-precision training (default false): the forward pass and the loss run inside `autocast` (matmul,
   * linear and conv in float16), backward runs on `scaler.scale(loss)`, and `scaler.step(optimizer)` /
   * `scaler.update()` replace `optimizer.step()`, so a step whose float16 gradients overflowed is skipped and the
   * scale backs off. With `clipNorm`, the gradients are unscaled first (`scaler.unscale_`), so the threshold
   * applies to the true gradients. `true` uses a `new GradScaler()`; pass your own `GradScaler` to choose its
   * settings (`initScale`, `growthInterval`, ...) and to read `getScale()` during training. Validation runs in
   * float32. The scaler's state is saved in checkpoints (see the mixed-precision docs for resuming across settings).
   */
  mixedPrecision?: boolean | GradScaler;
  /** Data evaluated after each epoch (evaluation mode, no gradients): logs `valLoss` and `val<Metric>`. */
  validation?: { loader: Iterable<Batch>; metrics?: 'auto' | MetricSpec[] };
  /** Metrics besides the loss (default 'auto': accuracy when the outputs are class scores [N, C]). */
  metrics?: 'auto' | MetricSpec[];
  callbacks?: Callback[];
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Save a checkpoint (model, optimizer, scheduler, RNG, loader position, history, early stopping) to `path`
   * atomically: after every epoch (`every: 'epoch'`, the default) or every N optimizer steps, when interrupted
   * through `signal`, and when training ends. `path` is a file path in Node.js, or in a browser
   * `indexeddb://<key>` or `opfs://<path>` (see `saveFile`).
   */
  checkpoint?: { path: string; every?: 'epoch' | number };
  /**
   * Continue exactly where a checkpoint left off (mid-epoch included): its path or location (as for
   * `checkpoint.path`), or its bytes (a `File` the user picked, a `Blob`, a `Uint8Array`), as `loadFile` takes.
   */
  resume?: FileSource;
  /** 'auto' (default): a bar redrawn in place on a terminal, one line per epoch otherwise; true: always the bar; false: silent. */
  progress?: boolean | 'auto';
  /** Where progress goes (default `process.stdout`). */
  output?: ProgressOutput;
  /** Aborting stops training before the next batch, saves a checkpoint (when configured) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Write `plotHistory(history)` as an SVG here when training ends (a path or location as for `saveFile`;
   * `downloads://curves.svg` downloads it), or `{path, ...PlotOptions}`.
   */
  plot?: string | (PlotOptions & { path: string });
}

/** Options after validation, with defaults filled in. */
export interface FitConfig {
  model: FitModel;
  loader: FitLoader;
  optimizer: FitOptimizer;
  params: Tensor[];
  loss: LossFn;
  epochs: number;
  scheduler: Scheduler | ReduceLROnPlateau | undefined;
  schedulerInterval: 'step' | 'epoch';
  schedulerMonitor: string;
  clipNorm: number | undefined;
  /** The loss scaler when mixed precision is on, else null. */
  scaler: GradScaler | null;
  validation: { loader: FitLoader; metrics: Metric[] | 'auto' | undefined } | undefined;
  metrics: Metric[] | 'auto';
  callbacks: Callback[];
  earlyStopping: EarlyStoppingOptions | undefined;
  checkpoint: { path: string; every: 'epoch' | number } | undefined;
  resume: FileSource | undefined;
  progress: ProgressMode;
  output: ProgressOutput | undefined;
  signal: AbortSignal | undefined;
  plot: (PlotOptions & { path: string }) | undefined;
}

const OPTIONS = [
  'optimizer', 'loss', 'epochs', 'scheduler', 'schedulerInterval', 'schedulerMonitor', 'clipNorm', 'mixedPrecision', 'validation', 'metrics',
  'callbacks', 'earlyStopping', 'checkpoint', 'resume', 'progress', 'output', 'signal', 'plot',
] as const;
const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'];

function checkLoader(op: string, name: string, loader: unknown): FitLoader {
  if (!loader || typeof (loader as FitLoader)[Symbol.iterator] !== 'function')
    throw new Error(`${op}: ${name} must be iterable over [input, target] batches (a DataLoader), got ${describe(loader)}`);
  return loader as FitLoader;
}

function stdout(): ProgressOutput | undefined {
  return (globalThis as { process?: { stdout?: ProgressOutput } }).process?.stdout;
}

export function checkFitOptions(op: string, model: unknown, loader: unknown, options: FitOptions): FitConfig {
  checkModel(op, model);
  for (const m of ['stateDict', 'loadStateDict'] as const)
    if (typeof (model as FitModel)[m] !== 'function') throw new Error(`${op}: model must be a Module (it lacks ${m}), got ${describe(model)}`);
  const train = checkLoader(op, 'loader', loader);
  if (!isPlainObject(options)) throw new Error(`${op}: options must be an object with at least {optimizer, loss}, got ${describe(options)}`);
  const o = checkOptions(op, options, OPTIONS);

  const optimizer = o.optimizer as FitOptimizer;
  if (!optimizer || !Array.isArray(optimizer.paramGroups) || typeof optimizer.step !== 'function' || typeof optimizer.zeroGrad !== 'function')
    throw new Error(`${op}: optimizer must be an optimizer from @nn/optim (with paramGroups, step, zeroGrad), got ${describe(o.optimizer)}`);
  if (typeof o.loss !== 'function') throw new Error(`${op}: loss must be a function (output, target) => scalar tensor, got ${describe(o.loss)}`);
  const epochs = checkPositiveInt(op, 'epochs', o.epochs ?? 1);

  const scheduler = o.scheduler;
  if (scheduler !== undefined && (scheduler === null || typeof scheduler.step !== 'function' || typeof scheduler.stateDict !== 'function'))
    throw new Error(`${op}: scheduler must be a scheduler from @nn/schedulers, got ${describe(scheduler)}`);
  if (scheduler !== undefined && scheduler.optimizer !== (optimizer as unknown))
    throw new Error(`${op}: scheduler drives a different optimizer than the one given to fit`);
  const schedulerInterval = checkOneOf(op, 'schedulerInterval', o.schedulerInterval ?? 'step', ['step', 'epoch'] as const);

  let clipNorm: number | undefined;
  if (o.clipNorm !== undefined) {
    if (typeof o.clipNorm !== 'number' || !(o.clipNorm > 0) || !Number.isFinite(o.clipNorm))
      throw new Error(`${op}: clipNorm must be a positive finite number, got ${describe(o.clipNorm)}`);
    clipNorm = o.clipNorm;
  }

  const scaler = checkMixedPrecision(op, o.mixedPrecision);

  let validation: FitConfig['validation'];
  if (o.validation !== undefined) {
    const v = checkOptions(`${op}: validation`, o.validation, ['loader', 'metrics']);
    validation = {
      loader: checkLoader(op, 'validation.loader', v.loader),
      metrics: v.metrics === undefined ? undefined : resolveMetrics(`${op}: validation`, v.metrics),
    };
  }
  const schedulerMonitor = checkString(op, 'schedulerMonitor', o.schedulerMonitor ?? (validation ? 'valLoss' : 'loss'));

  const callbacks = o.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new Error(`${op}: callbacks must be an array, got ${describe(callbacks)}`);
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new Error(`${op}: callbacks[${i}] must be an object of hooks, got ${describe(cb)}`);
    for (const h of HOOKS) {
      const f = (cb as Record<string, unknown>)[h];
      if (f !== undefined && typeof f !== 'function') throw new Error(`${op}: callbacks[${i}].${h} must be a function, got ${describe(f)}`);
    }
  });

  if (o.earlyStopping !== undefined && !isPlainObject(o.earlyStopping))
    throw new Error(`${op}: earlyStopping must be an object {monitor, patience, mode, minDelta, restoreBest}, got ${describe(o.earlyStopping)}`);

  let checkpoint: FitConfig['checkpoint'];
  if (o.checkpoint !== undefined) {
    const c = checkOptions(`${op}: checkpoint`, o.checkpoint, ['path', 'every']);
    const every = c.every ?? 'epoch';
    if (every !== 'epoch' && (typeof every !== 'number' || !Number.isSafeInteger(every) || every < 1))
      throw new Error(`${op}: checkpoint.every must be 'epoch' or a positive integer (steps), got ${describe(every)}`);
    const path = checkString(op, 'checkpoint.path', c.path);
    if (checkLocation(`${op}: checkpoint.path`, path).scheme === 'downloads')
      throw new Error(
        `${op}: checkpoint.path cannot be downloads:// (every checkpoint would be a new download); checkpoint to ` +
          `indexeddb:// or opfs://, and download the result with saveFile('${path}', ...)`,
      );
    checkpoint = { path, every };
  }
  const resume = o.resume === undefined ? undefined : checkResume(op, o.resume);
  if (checkpoint || resume)
    for (const m of ['stateDict', 'loadStateDict'] as const)
      if (typeof (train as unknown as Record<string, unknown>)[m] !== 'function')
        throw new Error(`${op}: checkpoints need a loader with stateDict/loadStateDict (a DataLoader), got ${describe(loader)}`);

  const progressOpt = checkOneOf(op, 'progress', o.progress ?? 'auto', [true, false, 'auto'] as const);
  const output = o.output ?? stdout();
  if (output !== undefined && typeof output.write !== 'function')
    throw new Error(`${op}: output must have a write(text) method, got ${describe(output)}`);
  const progress: ProgressMode = progressOpt === false ? 'off' : progressOpt === true || output?.isTTY ? 'bar' : 'lines';

  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean'))
    throw new Error(`${op}: signal must be an AbortSignal, got ${describe(signal)}`);

  let plot: FitConfig['plot'];
  if (o.plot !== undefined) {
    if (typeof o.plot === 'string') plot = { path: checkString(op, 'plot', o.plot) };
    else if (isPlainObject(o.plot)) plot = { ...o.plot, path: checkString(op, 'plot.path', o.plot.path) };
    else throw new Error(`${op}: plot must be a file path or {path, ...plotOptions}, got ${describe(o.plot)}`);
    checkLocation(`${op}: plot`, plot.path);
    const { path: _, ...plotOptions } = plot;
    plotHistory(emptyHistory(), plotOptions); // validates the options before training rather than after
  }

  const params = optimizer.paramGroups.flatMap((g) => g.params);
  if (params.length === 0) throw new Error(`${op}: the optimizer has no parameters`);
  return {
    model: model as FitModel, loader: train, optimizer, params, loss: o.loss, epochs, scheduler, schedulerInterval, schedulerMonitor,
    clipNorm, scaler, validation, metrics: resolveMetrics(op, o.metrics), callbacks, earlyStopping: o.earlyStopping, checkpoint, resume,
    progress, output, signal, plot,
  };
}

/** The GradScaler methods fit calls (duck-typed, so a scaler from another copy of @nn/optim works too). */
const SCALER_METHODS = ['scale', 'unscale_', 'step', 'stepAsync', 'update', 'getScale', 'stateDict', 'loadStateDict'] as const;

/** `mixedPrecision`: false/undefined → null, true → a new GradScaler, a GradScaler → itself. */
function checkMixedPrecision(op: string, v: unknown): GradScaler | null {
  if (v === undefined || v === false) return null;
  if (v === true) return new GradScaler();
  if (v instanceof GradScaler) return v;
  if (v !== null && typeof v === 'object' && SCALER_METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'))
    return v as GradScaler;
  throw new Error(`${op}: mixedPrecision must be true, false or a GradScaler (from @nn/optim), got ${describe(v)}`);
}

/** A resume source: a non-empty path or location that can be read, or bytes. */
function checkResume(op: string, v: unknown): FileSource {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer || (typeof Blob !== 'undefined' && v instanceof Blob)) return v;
  const path = checkString(op, 'resume', v);
  if (checkLocation(`${op}: resume`, path).scheme === 'downloads')
    throw new Error(`${op}: resume cannot read downloads:// (a page cannot read the user's downloads); pass the File the user picks`);
  return path;
}
