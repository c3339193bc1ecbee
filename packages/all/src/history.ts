/** What `fit` returns and what its callbacks receive. */
import type { Tensor } from '@nn/tensor';

/**
 * One entry per finished epoch, Keras-style: `epoch` (1-based), `loss` (the sample mean of the batch losses of
 * the epoch, in training mode), `lr` (group 0's learning rate at the epoch's last step), each metric
 * (`accuracy`), and with validation `valLoss` and `valAccuracy`, ... Every array has one value per epoch.
 */
export interface History {
  epoch: number[];
  loss: number[];
  lr: number[];
  [key: string]: number[];
}

/** The values of one epoch: `{epoch, loss, accuracy, valLoss, valAccuracy, lr}`, the same keys as the history. */
export type EpochLogs = Record<string, number> & { epoch: number; loss: number; lr: number };

export interface BatchLogs {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  /** Optimizer steps taken since training started (including steps before a resume). */
  step: number;
  /** Samples in the batch. */
  size: number;
  /**
   * The batch's loss as a scalar tensor on the model's device, valid only during the callback (read it with
   * `await logs.loss.data()`, or `item()` on the CPU); fit does not read it, so a GPU step never stalls here.
   */
  loss: Tensor;
}

/**
 * Hooks into the training loop. Each may be async: fit awaits it before going on. Epoch numbers are 1-based.
 * Throwing from a hook stops training: fit rejects with that error (the last checkpoint stays on disk).
 */
export interface Callback {
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
}

export function emptyHistory(): History {
  return { epoch: [], loss: [], lr: [] };
}

/** Appends one epoch's logs; a key seen for the first time must not skip earlier epochs. */
export function pushHistory(history: History, logs: EpochLogs): void {
  const n = history.epoch.length;
  for (const [k, v] of Object.entries(logs)) {
    const column = (history[k] ??= []);
    if (column.length !== n) throw new Error(`fit: history key '${k}' has ${column.length} values for ${n} earlier epochs`);
    column.push(v);
  }
}
