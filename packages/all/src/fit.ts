/**
 * `fit`: the training loop. Each step runs inside one `tidy` — forward, loss, backward, optional gradient
 * clipping, optimizer step, per-step scheduler step — so `memory().numTensors` stays flat; the loss and metrics
 * are accumulated on the device and read only at the end of an epoch and when the progress bar redraws.
 * Checkpoints capture everything a run depends on, so a resumed run continues bit for bit.
 *
 * With `mixedPrecision`, the forward pass and the loss run inside `autocast`, backward runs on the scaled loss
 * and a `GradScaler` steps the optimizer (skipping steps whose gradients overflowed). On the CPU the step stays
 * one synchronous `tidy`; on WebGPU the scaler's one read per step (its found-inf flag) is awaited, so the step
 * is split around that `await`.
 */
import { backward, noGrad } from '@nn/autograd';
import { clipGradNorm } from '@nn/clip';
import { ReduceLROnPlateau } from '@nn/schedulers';
import type { GradScaler, GradScalerStateDict } from '@nn/optim';
import { autocast, defaultGenerator, dispose, tidy, type Tensor } from '@nn/tensor';
import { describe } from './args.js';
import { decodeCheckpoint, encodeCheckpoint, FORMAT, VERSION, type Checkpoint } from './checkpoint-format.js';
import { EarlyStopping } from './early-stopping.js';
import { batchParts, checkLoss, evaluateBatches } from './evaluate.js';
import { checkFitOptions, type FitConfig, type FitLoader, type FitModel, type FitOptions } from './fit-options.js';
import { emptyHistory, pushHistory, type EpochLogs, type History } from './history.js';
import { Accumulator, accuracy, autoMetrics, valKey, type Metric } from './metrics.js';
import { plotHistory } from './plot.js';
import { formatValue, Progress } from './progress.js';
import { readBytes, sourceName, writeBytes, type FileSource } from './storage.js';

/**
 * Trains `model` on the `[input, target]` batches of `loader` for `epochs` epochs and resolves to the history
 * (one value per epoch of `loss`, metrics such as `accuracy`, `valLoss`, `valAccuracy`, `lr`). See `FitOptions`
 * for scheduling, clipping, validation, callbacks, early stopping, checkpoints and resuming.
 *
 *   const history = await fit(model, loader, { optimizer: new AdamW(model.parameters()), loss: crossEntropy, epochs: 5 });
 *
 * The model is in training mode during the epochs and in evaluation mode for validation; its mode is restored
 * afterwards.
 */
export async function fit(model: FitModel, loader: FitLoader, options: FitOptions): Promise<History> {
  const trainer = new Trainer(checkFitOptions('fit', model, loader, options));
  return trainer.run();
}

const OP = 'fit';

/** The scaler's state for a checkpoint: null without mixed precision or with a disabled scaler (whose state is {}). */
function scalerState(scaler: GradScaler | null): GradScalerStateDict | null {
  if (!scaler) return null;
  const state = scaler.stateDict();
  return Object.keys(state).length ? (state as GradScalerStateDict) : null;
}

class Trainer {
  readonly c: FitConfig;
  readonly progress: Progress;
  readonly early: EarlyStopping | null;
  history: History = emptyHistory();
  /** Epochs finished. */
  epochsDone = 0;
  /** Optimizer steps taken. */
  step = 0;
  /** Batches done in the epoch in progress. */
  batchInEpoch = 0;
  /** Training metrics, once known ('auto' resolves on the first batch). */
  metrics: Metric[] | undefined;
  /** Running sums of the epoch in progress. */
  acc: Accumulator | null = null;
  /** Whether anything changed since the last checkpoint. */
  dirty = false;
  /** Samples trained on in this process in the current epoch (for samples/s). */
  sessionSamples = 0;
  /** Group 0's learning rate at the last optimizer step (what the history's `lr` records). */
  lastLr: number | null = null;

  constructor(config: FitConfig) {
    this.c = config;
    this.progress = new Progress(config.progress, config.output, config.epochs);
    this.metrics = config.metrics === 'auto' ? undefined : config.metrics;
    this.early = config.earlyStopping ? new EarlyStopping(config.earlyStopping, config.validation ? 'valLoss' : 'loss') : null;
  }

  get device(): Tensor['device'] {
    return this.c.params[0]!.device;
  }

  async run(): Promise<History> {
    const { model, callbacks } = this.c;
    const wasTraining = model.training;
    try {
      if (this.c.resume) await this.restore(this.c.resume);
      if (this.early?.stoppedEpoch) this.progress.message(`training already stopped early at epoch ${this.early.stoppedEpoch}`);
      for (const cb of callbacks) await cb.onTrainBegin?.();
      while (this.epochsDone < this.c.epochs && !this.early?.stoppedEpoch) {
        await this.trainEpoch(this.epochsDone + 1);
        if (await this.endEpoch(this.epochsDone + 1)) break;
      }
      if (this.c.checkpoint && this.dirty) await this.save();
      if (this.early?.restore(model, this.history.epoch.at(-1) ?? 0))
        this.progress.message(`restored the weights of epoch ${this.early.bestEpoch} (${this.early.monitor} ${this.#fmtBest()})`);
      for (const cb of callbacks) await cb.onTrainEnd?.(this.history);
      if (this.c.plot) {
        const { path, ...plotOptions } = this.c.plot;
        await writeBytes(`${OP}: plot`, path, plotHistory(this.history, plotOptions), 'image/svg+xml');
      }
      return this.history;
    } finally {
      this.acc?.dispose();
      this.acc = null;
      this.early?.dispose();
      model.train(wasTraining);
    }
  }

  /** Runs the batches of epoch `epoch` (continuing it after a mid-epoch resume). */
  async trainEpoch(epoch: number): Promise<void> {
    const { model, loader, callbacks, signal, checkpoint } = this.c;
    model.train(true);
    // The scaler's found-inf flag can only be read asynchronously off the CPU.
    const asyncStep = this.c.scaler !== null && this.device !== 'cpu';
    if (this.batchInEpoch === 0) {
      this.acc?.dispose();
      this.acc = null;
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    }
    this.progress.epochStart();
    let samples = 0;
    const it = loader[Symbol.iterator]();
    const total = typeof loader.length === 'number' ? loader.length : undefined;
    let done = false;
    try {
      for (;;) {
        if (signal?.aborted) await this.abort();
        const next = it.next();
        if (next.done) {
          done = true;
          break;
        }
        let loss: Tensor;
        let n: number;
        try {
          const [x, y] = batchParts(OP, next.value);
          n = x.shape[0]!;
          loss = asyncStep ? await this.trainStepAsync(x, y) : this.trainStep(x, y);
        } finally {
          dispose(next.value);
        }
        this.step++;
        this.batchInEpoch++;
        this.dirty = true;
        samples += n;
        try {
          for (const cb of callbacks) await cb.onBatchEnd?.(this.batchInEpoch, { epoch, batch: this.batchInEpoch, step: this.step, size: n, loss });
        } finally {
          loss.dispose();
        }
        if (this.progress.wantsRefresh(this.batchInEpoch, total))
          this.progress.batch(epoch, this.batchInEpoch, total, samples, await this.acc!.values());
        if (checkpoint && typeof checkpoint.every === 'number' && this.step % checkpoint.every === 0) await this.save();
        await this.breathe();
      }
    } finally {
      if (!done) it.return?.();
    }
    if (!this.acc) throw new Error(`${OP}: the loader yielded no batches in epoch ${epoch}`);
    this.progress.trainEnd();
    this.sessionSamples = samples;
  }

  /**
   * One optimizer step on a batch, synchronously (always on the CPU; on WebGPU without mixed precision);
   * returns the batch loss (detached, unscaled; the caller disposes it).
   */
  trainStep(x: Tensor, y: Tensor): Tensor {
    const { optimizer, scaler } = this.c;
    return tidy(() => {
      const loss = this.forwardBackward(x, y);
      this.lastLr = optimizer.paramGroups[0]!.lr;
      if (scaler) {
        scaler.step(optimizer); // skips optimizer.step() when a gradient is inf/NaN
        scaler.update();
      } else optimizer.step();
      this.stepScheduler();
      return loss.detach();
    });
  }

  /**
   * The mixed-precision step off the CPU: as `trainStep`, but awaiting `scaler.stepAsync` (the step's one read,
   * of the found-inf flag) between the backward pass and the scheduler. `optimizer.step()` frees its own
   * temporaries, so it may run outside a `tidy`.
   */
  async trainStepAsync(x: Tensor, y: Tensor): Promise<Tensor> {
    const { optimizer } = this.c;
    const scaler = this.c.scaler!;
    const loss = tidy(() => this.forwardBackward(x, y).detach());
    try {
      this.lastLr = optimizer.paramGroups[0]!.lr;
      await scaler.stepAsync(optimizer);
      scaler.update(); // uses the flag stepAsync read: no further read
      tidy(() => this.stepScheduler());
      return loss;
    } catch (e) {
      loss.dispose();
      throw e;
    }
  }

  /**
   * Inside the caller's `tidy`: zeroGrad, forward and loss (inside `autocast` with mixed precision), the running
   * loss and metrics, backward (of the scaled loss with mixed precision) and clipping (of the unscaled gradients
   * with mixed precision). Returns the loss, float32 and unscaled.
   */
  forwardBackward(x: Tensor, y: Tensor): Tensor {
    const { model, optimizer, clipNorm, scaler } = this.c;
    optimizer.zeroGrad();
    const forward = (): [Tensor, Tensor] => {
      const output = model.call(x);
      return [output, checkLoss(OP, this.c.loss(output, y))];
    };
    const [output, raw] = scaler ? autocast(forward) : forward();
    // The library's losses are float32 under autocast. A loss that stays float16 is widened, as multiplying it by
    // PyTorch's float32 scale tensor widens it: the scaled value and the reported loss are float32.
    const loss = raw.dtype === 'float16' ? raw.cast('float32') : raw;
    const metrics = (this.metrics ??= autoMetrics(output, y));
    this.acc ??= new Accumulator(['loss', ...metrics.map((m) => m.name)], output.device);
    const acc = this.acc;
    noGrad(() => acc.add([loss.detach(), ...metrics.map((m) => m.fn(output.detach(), y))], x.shape[0]!));
    backward(scaler ? scaler.scale(loss) : loss);
    if (clipNorm !== undefined) {
      scaler?.unscale_(optimizer); // clip the true gradients, not the scaled ones
      clipGradNorm(this.c.params, clipNorm);
    }
    return loss;
  }

  /** A per-step scheduler's step (also after a step the scaler skipped, as PyTorch's loop does). */
  stepScheduler(): void {
    const { scheduler } = this.c;
    if (scheduler && !(scheduler instanceof ReduceLROnPlateau) && this.c.schedulerInterval === 'step') scheduler.step();
  }

  /** Validation, history, schedulers, early stopping, callbacks and checkpoint after epoch `epoch`; true to stop. */
  async endEpoch(epoch: number): Promise<boolean> {
    const { model, optimizer, scheduler, validation, callbacks, checkpoint } = this.c;
    const logs = { epoch, ...(await this.acc!.values()) } as EpochLogs;
    if (validation) {
      const metrics = validation.metrics ?? this.metrics ?? 'auto';
      const v = await evaluateBatches(`${OP}: validation`, model, validation.loader, this.c.loss, metrics);
      for (const [k, value] of Object.entries(v)) logs[valKey(k)] = value;
    }
    logs.lr = this.lastLr ?? optimizer.paramGroups[0]!.lr;
    pushHistory(this.history, logs);
    if (scheduler instanceof ReduceLROnPlateau) {
      const value = logs[this.c.schedulerMonitor];
      if (value === undefined)
        throw new Error(`${OP}: schedulerMonitor '${this.c.schedulerMonitor}' is not in the logs (keys: ${Object.keys(logs).join(', ')})`);
      scheduler.step(value);
    } else if (scheduler && this.c.schedulerInterval === 'epoch') scheduler.step();
    const stop = this.early?.update(epoch, logs, model) ?? false;
    this.progress.epochEnd(epoch, this.batchInEpoch, this.sessionSamples, logs);
    this.epochsDone = epoch;
    this.batchInEpoch = 0;
    this.acc!.dispose();
    this.acc = null;
    this.dirty = true;
    if (checkpoint && checkpoint.every === 'epoch') await this.save();
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    if (stop) {
      const e = this.early!;
      this.progress.message(
        `early stopping after epoch ${epoch}: ${e.monitor} did not improve for ${e.wait} epoch${e.wait === 1 ? '' : 's'} ` +
          `(best ${this.#fmtBest()} at epoch ${e.bestEpoch})`,
      );
    }
    return stop;
  }

  #fmtBest(): string {
    const e = this.early!;
    return e.best === null ? 'none' : formatValue(e.monitor, e.best);
  }

  #lastYield = performance.now();

  /**
   * Lets the event loop run (timers, signal handlers such as Ctrl-C, a browser's rendering) about every 50 ms:
   * on the CPU a whole epoch would otherwise run without ever leaving the microtask queue.
   */
  async breathe(): Promise<void> {
    const now = performance.now();
    if (now - this.#lastYield < 50) return;
    this.#lastYield = now;
    const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
    await new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
  }

  /** Saves a checkpoint (when configured) and rejects with the signal's reason. */
  async abort(): Promise<never> {
    const { checkpoint, signal } = this.c;
    if (checkpoint) await this.save();
    this.progress.message(
      `interrupted in epoch ${this.epochsDone + 1} after step ${this.step}${checkpoint ? `; checkpoint saved to ${checkpoint.path}` : ''}`,
    );
    throw signal?.reason ?? new Error(`${OP}: aborted`);
  }

  /** Writes the checkpoint file atomically. */
  async save(): Promise<void> {
    const { model, optimizer, scheduler, loader, validation, checkpoint } = this.c;
    const modelState = model.stateDict();
    const optimizerState = optimizer.stateDict();
    try {
      const state: Checkpoint = {
        format: FORMAT,
        version: VERSION,
        epoch: this.epochsDone,
        step: this.step,
        batch: this.batchInEpoch,
        samples: this.acc?.samples ?? 0,
        lastLr: this.lastLr,
        history: this.history,
        earlyStopping: this.early?.state() ?? null,
        scheduler: scheduler ? { name: scheduler.constructor.name, state: scheduler.stateDict() } : null,
        rng: defaultGenerator.getState(),
        loader: loader.stateDict!(),
        validationLoader: typeof validation?.loader.stateDict === 'function' ? validation.loader.stateDict() : null,
        model: modelState,
        optimizer: optimizerState,
        scaler: scalerState(this.c.scaler),
        best: this.early?.bestWeights ?? null,
        running: this.acc ? { names: [...this.acc.names], sums: [...this.acc.sums] } : null,
      };
      const bytes = await encodeCheckpoint(state);
      await writeBytes(`${OP}: checkpoint`, checkpoint!.path, bytes);
      this.dirty = false;
    } finally {
      dispose(modelState);
      dispose(optimizerState);
    }
  }

  /** Loads a checkpoint into the model, optimizer, scheduler, generators, loaders and the loop's counters. */
  async restore(source: FileSource): Promise<void> {
    const name = sourceName(source);
    const op = `${OP}: resume from ${name}`;
    const { model, optimizer, scheduler, loader, validation } = this.c;
    const ckpt = decodeCheckpoint(op, await readBytes(op, source));
    let keepBest: Record<string, Tensor> | null = null;
    let scalerNote: string | null = null;
    try {
      try {
        model.loadStateDict(ckpt.model);
      } catch (e) {
        throw new Error(`${op}: the model does not match the checkpoint: ${(e as Error).message}`);
      }
      optimizer.loadStateDict(ckpt.optimizer);
      scalerNote = this.restoreScaler(op, ckpt.scaler);
      if (scheduler) {
        if (!ckpt.scheduler) throw new Error(`${op}: fit has a scheduler (${scheduler.constructor.name}) but the checkpoint has none`);
        if (ckpt.scheduler.name !== scheduler.constructor.name)
          throw new Error(`${op}: the checkpoint's scheduler is ${ckpt.scheduler.name}, fit's is ${scheduler.constructor.name}`);
        scheduler.loadStateDict(ckpt.scheduler.state as Record<string, unknown>);
      } else if (ckpt.scheduler) throw new Error(`${op}: the checkpoint has a scheduler (${ckpt.scheduler.name}) but fit has none`);
      defaultGenerator.setState(ckpt.rng);
      (loader.loadStateDict as (s: unknown) => void).call(loader, ckpt.loader);
      if (ckpt.validationLoader && typeof validation?.loader.loadStateDict === 'function')
        (validation.loader.loadStateDict as (s: unknown) => void).call(validation.loader, ckpt.validationLoader);

      if (this.early && ckpt.earlyStopping) {
        this.early.loadState(ckpt.earlyStopping);
        if (this.early.restoreBest && ckpt.best && Object.keys(ckpt.best).length) this.early.setBestWeights((keepBest = ckpt.best));
      }
      if (ckpt.running) {
        const [first, ...names] = ckpt.running.names;
        if (first !== 'loss') throw new Error(`${op}: the running sums must start with 'loss', got ${describe(first)}`);
        this.metrics = this.resumeMetrics(op, names);
        this.acc = new Accumulator(ckpt.running.names, this.device);
        this.acc.restore(ckpt.running.sums, ckpt.samples);
      }
      this.history = ckpt.history;
      this.epochsDone = ckpt.epoch;
      this.step = ckpt.step;
      this.batchInEpoch = ckpt.batch;
      this.lastLr = ckpt.lastLr;
    } finally {
      dispose(keepBest ? { ...ckpt, best: null } : ckpt);
    }
    this.progress.message(
      `resumed from ${name}: ${ckpt.epoch} epoch${ckpt.epoch === 1 ? '' : 's'} done, step ${ckpt.step}` +
        (ckpt.batch ? `, ${ckpt.batch} batches into epoch ${ckpt.epoch + 1}` : ''),
    );
    if (scalerNote) this.progress.message(scalerNote);
  }

  /**
   * Restores the loss scaler from a checkpoint. The rule across settings: a checkpoint's scaler state is loaded
   * when fit runs with an enabled scaler, and dropped when it does not; a run checkpointed without one (float32,
   * or a disabled scaler) resumed with mixed precision starts the scaler fresh. Returns a note for either change.
   */
  restoreScaler(op: string, saved: GradScalerStateDict | null): string | null {
    const { scaler } = this.c;
    const enabled = scalerState(scaler) !== null;
    if (enabled && saved) {
      try {
        scaler!.loadStateDict(saved);
      } catch (e) {
        throw new Error(`${op}: the checkpoint's loss-scaler state does not load: ${(e as Error).message}`);
      }
      return null;
    }
    if (enabled) return `mixed precision: the checkpoint has no loss-scaler state (written without mixed precision); the GradScaler starts at scale ${scaler!.getScale()}`;
    if (saved && scaler) return `the checkpoint's loss scale (${saved.scale}) is not used: fit's GradScaler is disabled`;
    if (saved) return `the checkpoint was written with mixed precision (loss scale ${saved.scale}); training continues in float32 without it`;
    return null;
  }

  /** The metrics of a resumed epoch, which must be those it started with. */
  resumeMetrics(op: string, names: string[]): Metric[] {
    if (this.metrics) {
      const have = this.metrics.map((m) => m.name);
      if (have.join() !== names.join())
        throw new Error(`${op}: the checkpoint's epoch has metrics [${names.join(', ')}] but fit was given [${have.join(', ')}]`);
      return this.metrics;
    }
    return names.map((n) => {
      if (n !== 'accuracy') throw new Error(`${op}: the checkpoint has metric '${n}', which 'auto' metrics cannot provide; pass it in metrics`);
      return { name: 'accuracy', fn: accuracy };
    });
  }
}
