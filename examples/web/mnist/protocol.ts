/** The messages between the MNIST page and its training worker. */
import type { Device } from '@nn/tensor';

export type ModelName = 'mlp' | 'cnn';
export const MODELS: readonly ModelName[] = ['mlp', 'cnn'];

export interface TrainOptions {
  /** mlp: 784 → hidden → 10; cnn: two 3×3 conv (8, 16 channels) + ReLU + 2×2 max-pool blocks → 10. */
  model: ModelName;
  epochs: number;
  batchSize: number;
  /** Width of the MLP's hidden layer (784 → hidden → 10). */
  hidden: number;
  /** Adam's learning rate. */
  lr: number;
  /** Training images used (evenly spaced over the 8,500, so every digit is present); 0 = all. */
  trainSize: number;
  /** Held-out images the accuracy is measured on (of the 1,500); 0 = all. */
  testSize: number;
  seed: number;
}

export const DEFAULT_OPTIONS: TrainOptions = { model: 'mlp', epochs: 3, batchSize: 64, hidden: 128, lr: 2e-3, trainSize: 0, testSize: 0, seed: 0 };

export type ToWorker =
  | { type: 'start'; backend: Device; dataUrl: string; options: TrainOptions }
  | { type: 'pause' }
  | { type: 'resume' }
  /** 784 pixels in [0, 1] (see preprocess.ts). */
  | { type: 'predict'; pixels: Float32Array };

export type FromWorker =
  | { type: 'ready'; backend: Device; trainImages: number; testImages: number; stepsPerEpoch: number; parameters: number }
  /** Steps done so far, and the batch loss and batch accuracy of each step since the previous message. */
  | { type: 'progress'; epoch: number; step: number; losses: number[]; accuracies: number[] }
  /** Accuracy on the held-out images after `step` steps. */
  | { type: 'evaluated'; epoch: number; step: number; accuracy: number }
  | { type: 'paused'; step: number }
  | { type: 'resumed' }
  | { type: 'done'; seconds: number }
  | { type: 'prediction'; probabilities: number[] }
  | { type: 'error'; message: string };

/** Throws an error naming the option and its value unless `o` can be trained with. */
export function checkOptions(o: TrainOptions): void {
  if (!MODELS.includes(o.model)) throw new Error(`mnist: model must be one of ${MODELS.join(', ')}, got '${o.model}'`);
  for (const key of ['epochs', 'batchSize', 'hidden'] as const)
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`mnist: ${key} must be a positive integer, got ${o[key]}`);
  for (const key of ['trainSize', 'testSize', 'seed'] as const)
    if (!Number.isInteger(o[key]) || o[key] < 0) throw new Error(`mnist: ${key} must be a non-negative integer, got ${o[key]}`);
  if (!(o.lr > 0)) throw new Error(`mnist: lr must be positive, got ${o.lr}`);
  if (o.trainSize > 0 && o.trainSize < o.batchSize) throw new Error(`mnist: trainSize ${o.trainSize} is smaller than one batch (batchSize ${o.batchSize})`);
}
