/** `evaluate`: the loss and metrics of a model over a dataset, in evaluation mode and without gradients. */
import { noGrad } from '@nn/autograd';
import { dispose, tidy, type Tensor } from '@nn/tensor';
import { checkOptions, describe } from './args.js';
import { Accumulator, autoMetrics, resolveMetrics, type Metric, type MetricSpec } from './metrics.js';

/** A model as fit and evaluate use it: `call(x)` and the training/evaluation switch (any @nn/layers Module). */
export interface ModelLike {
  call(x: Tensor): Tensor;
  training: boolean;
  train(mode?: boolean): unknown;
}

/** A batch: `[input, target]` (what a DataLoader over a `TensorDataset(x, y)` yields). */
export type Batch = readonly Tensor[];

/** A loss: a scalar tensor, the mean over the batch (PyTorch's `reduction: 'mean'`), e.g. `crossEntropy`. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export interface EvaluateOptions {
  /** Also report the mean loss (key `loss`). */
  loss?: LossFn;
  /** Metrics to report (default 'auto': accuracy for classification outputs). */
  metrics?: 'auto' | MetricSpec[];
}

/** Splits a batch into input and target, with an error naming `op` when it is not `[input, target]`. */
export function batchParts(op: string, batch: unknown): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length < 2)
    throw new Error(`${op}: each batch must be an array [input, target] (e.g. from a TensorDataset(x, y)), got ${describe(batch)}`);
  const [x, y] = batch as Tensor[];
  if (x!.shape[0] !== y!.shape[0])
    throw new Error(`${op}: input and target of a batch differ in their first (sample) dim: [${x!.shape.join(',')}] and [${y!.shape.join(',')}]`);
  return [x!, y!];
}

/**
 * Means over all samples of `loss` and `metrics` on `loader`'s batches (sample-weighted), accumulated on the
 * device and read once at the end. The model runs in evaluation mode under `noGrad`; its mode is restored.
 */
export async function evaluateBatches(
  op: string,
  model: ModelLike,
  loader: Iterable<Batch>,
  loss: LossFn | undefined,
  metricsIn: Metric[] | 'auto',
): Promise<Record<string, number>> {
  const wasTraining = model.training;
  model.train(false);
  let metrics = metricsIn === 'auto' ? undefined : metricsIn;
  let acc: Accumulator | undefined;
  try {
    for (const batch of loader) {
      try {
        const [x, y] = batchParts(op, batch);
        noGrad(() =>
          tidy(() => {
            const out = model.call(x);
            metrics ??= autoMetrics(out, y);
            const names = [...(loss ? ['loss'] : []), ...metrics.map((m) => m.name)];
            acc ??= new Accumulator(names, out.device);
            const values = [...(loss ? [checkLoss(op, loss(out, y))] : []), ...metrics.map((m) => m.fn(out, y))];
            acc.add(values, x.shape[0]!);
          }),
        );
      } finally {
        dispose(batch);
      }
    }
    if (!acc) throw new Error(`${op}: the loader yielded no batches`);
    return await acc.values();
  } finally {
    acc?.dispose();
    model.train(wasTraining);
  }
}

export function checkLoss(op: string, loss: unknown): Tensor {
  const t = loss as Tensor;
  if (!t || typeof t !== 'object' || !('size' in t) || t.size !== 1)
    throw new Error(
      `${op}: loss must return a scalar tensor (the batch mean), got ${t && typeof t === 'object' && 'shape' in t ? `shape [${t.shape.join(',')}]` : describe(loss)}`,
    );
  return t;
}

/**
 * The mean loss (when `loss` is given) and metrics of `model` over every batch of `loader`, e.g.
 * `{loss: 0.21, accuracy: 0.94}`. Runs in evaluation mode (BatchNorm uses running statistics, Dropout is off)
 * without recording gradients; the model's mode is restored afterwards. Batches are disposed.
 */
export async function evaluate(model: ModelLike, loader: Iterable<Batch>, options?: EvaluateOptions): Promise<Record<string, number>> {
  const op = 'evaluate';
  checkModel(op, model);
  if (!loader || typeof (loader as Iterable<Batch>)[Symbol.iterator] !== 'function')
    throw new Error(`${op}: loader must be iterable (a DataLoader), got ${describe(loader)}`);
  const o = checkOptions(op, options, ['loss', 'metrics']);
  if (o.loss !== undefined && typeof o.loss !== 'function') throw new Error(`${op}: loss must be a function, got ${describe(o.loss)}`);
  return evaluateBatches(op, model, loader, o.loss, resolveMetrics(op, o.metrics));
}

export function checkModel(op: string, model: unknown): ModelLike {
  const m = model as ModelLike;
  if (!m || typeof m.call !== 'function' || typeof m.train !== 'function')
    throw new Error(`${op}: model must be a Module (with call and train), got ${describe(model)}`);
  return m;
}
