/**
 * Trains an MLP classifier on MNIST digits (or Fashion-MNIST with --data) with `fit()` from @nn/all and
 * reports the test accuracy:
 *
 *   node examples/dist/mnist/train.js [--epochs N] [--data DIR] ... (see --help)
 *
 * Importing this module has no side effects: `main(argv)` runs the program, and the CLI entry at the bottom
 * only runs when this file is executed directly.
 */
import { pathToFileURL } from 'node:url';
import {
  Adam, AdamW, crossEntropy, DataLoader, dispose, evaluate, fit, Generator, LambdaLR, manualSeed, SGD, setBackend, TensorDataset,
  warmupCosineDecaySchedule, type FitOptimizer, type History, type ProgressOutput, type Tensor,
} from '@nn/all';
import { EPOCHS, HELP, LR, parseArgs, UsageError, type TrainOptions } from './args.js';
import { loadData, PIXELS, toTensors } from './data.js';
import { buildCnn, buildMlp, describeCnn, describeMlp } from './model.js';
import { ShiftedImages } from './shifted-images.js';

export interface Io {
  out: ProgressOutput;
  err: { write(text: string): unknown };
  /** Ctrl-C: aborting it stops training after the current step and saves the checkpoint. */
  signal?: AbortSignal;
}

export interface Result {
  testAccuracy: number;
  history: History;
  seconds: number;
}

function makeOptimizer(o: TrainOptions, lr: number, params: Tensor[]): FitOptimizer {
  switch (o.optimizer) {
    case 'adamw':
      return new AdamW(params, { lr, weightDecay: o.weightDecay });
    case 'adam':
      return new Adam(params, { lr, weightDecay: o.weightDecay });
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9, nesterov: true, weightDecay: o.weightDecay });
  }
}

/** Trains and evaluates with the given options, printing progress to `io.out`. */
export async function train(o: TrainOptions, io: Io): Promise<Result> {
  const start = performance.now();
  const say = (line: string) => io.out.write(`${line}\n`);
  if (o.backend !== 'cpu') await setBackend(o.backend);
  manualSeed(o.seed);
  const data = await loadData(o.data, o.limit);
  const nTrain = data.train.labels.length;
  const batchSize = Math.min(o.batchSize, nTrain);
  const augment = o.augment ?? (o.data === null ? 2 : 0);
  const trainTensors = augment > 0 ? null : toTensors(data.train);
  const test = toTensors(data.test);
  const trainSet = trainTensors ? new TensorDataset(trainTensors.x, trainTensors.y) : new ShiftedImages(data.train, augment, data.background);
  // BatchNorm cannot normalise a batch of one: drop a last batch of one sample.
  const loader = new DataLoader(trainSet, { batchSize, shuffle: true, dropLast: nTrain % batchSize === 1, generator: new Generator(o.seed) });
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 1000 });

  const epochs = o.epochs ?? EPOCHS[o.model];
  const lr = o.lr ?? LR[o.model];
  const mlp = { inputs: PIXELS, hidden: o.hidden, classes: 10, norm: o.norm, dropout: o.dropout };
  const cnn = { side: 28, channels: o.channels, classes: 10, dropout: o.dropout };
  const model = o.model === 'cnn' ? buildCnn(cnn) : buildMlp(mlp);
  const description = o.model === 'cnn' ? describeCnn(cnn) : describeMlp(mlp);
  const optimizer = makeOptimizer(o, lr, model.parameters());
  const totalSteps = epochs * loader.length;
  const warmupSteps = Math.round(o.warmup * totalSteps);
  const scheduler = new LambdaLR(optimizer, {
    lrLambda: warmupCosineDecaySchedule({ initValue: 0.01, peakValue: 1, warmupSteps, decaySteps: Math.max(totalSteps, warmupSteps + 1), endValue: 0.01 }),
  });
  const nParams = model.parameters().reduce((s, p) => s + p.size, 0);
  say(data.description);
  say(
    `model ${description} (${nParams} parameters), backend ${o.backend}, seed ${o.seed}` +
      (o.amp ? ', mixed precision (float16 autocast, loss scaling)' : ''),
  );
  say(
    `${o.optimizer} lr ${lr} weight decay ${o.weightDecay}, ${warmupSteps} warmup steps then cosine decay, clip ${o.clip}, ` +
      `${augment ? `shifts up to ${augment}px` : 'no augmentation'}, batch ${batchSize}, ${epochs} epoch${epochs === 1 ? '' : 's'} of ${loader.length} steps`,
  );

  try {
    const history = await fit(model, loader, {
      optimizer, scheduler, loss: crossEntropy, epochs, clipNorm: o.clip, mixedPrecision: o.amp,
      validation: { loader: testLoader }, output: io.out, signal: io.signal,
      checkpoint: o.checkpoint ? { path: o.checkpoint } : undefined,
      resume: o.resume ?? undefined,
      plot: o.plot ? { path: o.plot, title: `${o.data ? 'IDX data' : 'MNIST digits'}: ${description}`, logScaleLoss: true } : undefined,
    });
    const { accuracy } = await evaluate(model, testLoader);
    const seconds = (performance.now() - start) / 1000;
    say(`test accuracy: ${(accuracy! * 100).toFixed(1)}% on ${data.test.labels.length} test images`);
    say(`run time: ${seconds.toFixed(1)}s`);
    return { testAccuracy: accuracy!, history, seconds };
  } finally {
    model.dispose();
    dispose([trainTensors, test]);
  }
}

/**
 * The program: parses `argv`, prints help or trains. Resolves to the exit status — 0 on success, 2 for bad
 * flags (with the reason on `io.err`), 130 when interrupted — and rejects on other errors.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let opts: TrainOptions | 'help';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`mnist: ${e.message} (try --help)\n`);
    return 2;
  }
  if (opts === 'help') {
    io.out.write(`${HELP}\n`);
    return 0;
  }
  try {
    await train(opts, io);
    return 0;
  } catch (e) {
    if (io.signal?.aborted) return 130;
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr, signal: controller.signal }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`mnist: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
