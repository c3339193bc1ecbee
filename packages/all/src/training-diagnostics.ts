/**
 * `TrainingDiagnostics`: a `fit` callback that records the per-layer diagnostics of `recordDiagnostics`
 * (gradient norms, update-to-weight ratios, activation mean and std) on the first step of training and every
 * `every`-th step after it, into `records`, which `plotHistory(history, {diagnostics})` draws.
 *
 *   const diagnostics = new TrainingDiagnostics(model, { every: 50, optimizer });
 *   const history = await fit(model, loader, { optimizer, loss: crossEntropy, callbacks: [diagnostics] });
 *   writeFileSync('run.svg', plotHistory(history, { diagnostics }));
 *
 * A fit step runs inside fit, so to see the parameters on both sides of `optimizer.step()` the callback wraps
 * the given optimizer's `step` (an own property on the instance) from `onTrainBegin` to `onTrainEnd`; steps
 * that are not recorded pass straight through. Activations come from a probe (`watchActivations`) enabled only
 * for the forward pass of a recorded step. Nothing is recorded for backward, no random numbers are drawn and
 * no gradient is changed, so training gives the same numbers with or without it; between recorded steps it
 * holds no tensors.
 */
import type { AnyModule } from '@nn/layers';
import type { Tensor } from '@nn/tensor';
import { checkOptions, checkPositiveInt, describe } from './args.js';
import { ActivationProbe } from './activation-probe.js';
import {
  collectDiagnostics, diagnosedLayers, gradNorms, layerParams, measureUpdate, type DiagnosticsRecord, type Layer, type LayerFilter,
} from './diagnostics.js';
import type { BatchLogs, Callback } from './history.js';

export interface TrainingDiagnosticsOptions {
  /** Record the first step of training and every step whose number is a multiple of this (default 100). */
  every?: number;
  /** The optimizer fit steps (the one passed to fit): needed for the update-to-weight ratios, which are null without it. */
  optimizer?: { step(...args: never[]): unknown };
  /** Layers to record (default: every module with parameters of its own). */
  layers?: LayerFilter;
  /** Capture activation mean and std (default true). */
  activations?: boolean;
  /** Called with each record as it is made (e.g. to print `formatDiagnostics(record)`). */
  onRecord?: (record: DiagnosticsRecord) => void | Promise<void>;
}

const OP = 'TrainingDiagnostics';

/** Restores the optimizer's `step` as it was. */
interface Unwrap {
  (): void;
}

export class TrainingDiagnostics implements Callback {
  /** One record per recorded step, in order. */
  readonly records: DiagnosticsRecord[] = [];
  readonly every: number;
  readonly #layers: Layer[];
  readonly #model: AnyModule;
  readonly #optimizer: { step(...args: unknown[]): unknown } | null;
  readonly #activations: boolean;
  readonly #onRecord: TrainingDiagnosticsOptions['onRecord'];
  #probe: ActivationProbe | null = null;
  #unwrap: Unwrap | null = null;
  /** Whether the next optimizer step is recorded. */
  #armed = false;
  /** Measured in the wrapped step of a recorded step, until onBatchEnd reads them. */
  #grads: Tensor | null = null;
  #updates: Tensor | null = null;

  constructor(model: AnyModule, options: TrainingDiagnosticsOptions = {}) {
      const o = checkOptions(OP, options, ['every', 'optimizer', 'layers', 'activations', 'onRecord']);
    this.#layers = diagnosedLayers(OP, model, o.layers);
    this.#model = model;
    this.every = checkPositiveInt(OP, 'every', o.every ?? 100);
    if (o.optimizer !== undefined && (o.optimizer === null || typeof o.optimizer !== 'object' || typeof o.optimizer.step !== 'function'))
      throw new Error(`${OP}: optimizer must be an optimizer (with step()), got ${describe(o.optimizer)}`);
    this.#optimizer = (o.optimizer as { step(...args: unknown[]): unknown } | undefined) ?? null;
    if (o.activations !== undefined && typeof o.activations !== 'boolean')
      throw new Error(`${OP}: activations must be a boolean, got ${describe(o.activations)}`);
    this.#activations = o.activations ?? true;
    if (o.onRecord !== undefined && typeof o.onRecord !== 'function') throw new Error(`${OP}: onRecord must be a function, got ${describe(o.onRecord)}`);
    this.#onRecord = o.onRecord;
  }

  /** The recorded layers' names (state-dict prefixes), input side first. */
  get layers(): string[] {
    return this.#layers.map((l) => l.name);
  }

  onTrainBegin(): void {
    this.remove();
    if (this.#activations) {
      this.#probe = new ActivationProbe(this.#model, { layers: this.layers });
      this.#probe.enabled = false;
    }
    if (this.#optimizer) this.#unwrap = this.#wrapStep(this.#optimizer);
    this.#arm(true);
  }

  async onBatchEnd(_batch: number, logs: BatchLogs): Promise<void> {
    if (this.#armed) {
      const grads = this.#grads;
      const updates = this.#updates;
      this.#grads = this.#updates = null;
      const record = await collectDiagnostics(
        this.#layers, { step: logs.step, epoch: logs.epoch }, { grads: grads ?? undefined, updates: updates ?? undefined, probe: this.#probe },
      );
      this.records.push(record);
      await this.#onRecord?.(record);
    }
    this.#arm((logs.step + 1) % this.every === 0);
  }

  onTrainEnd(): void {
    this.remove();
  }

  /**
   * Undoes what training installed (the optimizer's wrapped `step`, the activation probe) and frees anything
   * measured but not yet recorded. fit calls it at the end of training; call it yourself if fit threw.
   */
  remove(): void {
    this.#armed = false;
    this.#unwrap?.();
    this.#unwrap = null;
    this.#probe?.remove();
    this.#probe = null;
    this.#grads?.dispose();
    this.#updates?.dispose();
    this.#grads = this.#updates = null;
  }

  #arm(on: boolean): void {
    this.#armed = on;
    if (this.#probe) this.#probe.enabled = on;
  }

  #wrapStep(optimizer: { step(...args: unknown[]): unknown }): Unwrap {
    const hadOwn = Object.prototype.hasOwnProperty.call(optimizer, 'step');
    const original = optimizer.step;
    const wrapper = (...args: unknown[]): unknown => {
      if (!this.#armed) return original.apply(optimizer, args);
      const params = layerParams(this.#layers);
      this.#grads?.dispose();
      this.#updates?.dispose();
      this.#grads = gradNorms(params);
      const { result, norms } = measureUpdate(params, () => original.apply(optimizer, args));
      this.#updates = norms;
      return result;
    };
    optimizer.step = wrapper;
    return () => {
      if (optimizer.step !== wrapper) return;
      if (hadOwn) optimizer.step = original;
      else delete (optimizer as { step?: unknown }).step;
    };
  }
}
