/**
 * Weight selection (Xu et al., ICLR 2024) on Fashion-MNIST: trains a wide MLP (784-512-512-10), initialises a
 * narrow one (784-64-64-10) from it with `init.weightSelection`, and trains that and the same narrow MLP from He
 * initialisation for the same epoch on the same batches, then prints both test accuracies:
 *
 *   node examples/dist/weight-selection/train.js [--data DIR] [--limit N] [--teacher-epochs 2] [--epochs 1] [--seed 0]
 *
 * `main(argv)` runs the program; importing this module has no side effects.
 */
import {
  Adam, crossEntropy, DataLoader, dispose, evaluate, fit, Generator, init, Linear, manualSeed, ReLU, Sequential, TensorDataset, type ProgressOutput,
} from '@nn/all';
import { loadData, PIXELS, toTensors } from '../mnist/data.js';
import { eachFlag, intFlag, runCommand, runIfMain, UsageError, type CliIo } from '../cli.js';

export { UsageError };
import { heInit } from '../mnist/model.js';

export interface Options {
  data: string;
  /** Keep the first `limit` training images (and limit/6 test images); null for all. */
  limit: number | null;
  teacherEpochs: number;
  epochs: number;
  teacherHidden: number;
  studentHidden: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export const DEFAULTS: Options = {
  data: '/usr/share/datasets/fashion-mnist',
  limit: null,
  teacherEpochs: 2,
  epochs: 1,
  teacherHidden: 512,
  studentHidden: 64,
  batchSize: 128,
  lr: 1e-3,
  seed: 0,
};

const HELP = `weight-selection: a narrow MLP initialised from a trained wide one vs the same MLP from He init
  --data DIR            Fashion-MNIST IDX files (default ${DEFAULTS.data})
  --limit N             use the first N training images (and N/6 test images)
  --teacher-epochs N    epochs of the wide teacher (default ${DEFAULTS.teacherEpochs})
  --epochs N            epochs of each student (default ${DEFAULTS.epochs})
  --teacher-hidden N    teacher width (default ${DEFAULTS.teacherHidden}); --student-hidden N (default ${DEFAULTS.studentHidden})
  --seed N              (default ${DEFAULTS.seed})`;


export function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { ...DEFAULTS };
  const ints = {
    '--limit': 'limit', '--teacher-epochs': 'teacherEpochs', '--epochs': 'epochs', '--teacher-hidden': 'teacherHidden',
    '--student-hidden': 'studentHidden', '--batch-size': 'batchSize', '--seed': 'seed',
  } as const;
  const help = eachFlag(argv, (flag, value) => {
    if (flag in ints) o[ints[flag as keyof typeof ints]] = intFlag(flag, value, flag === '--seed' ? 0 : 1);
    else if (flag === '--data') o.data = value;
    else return false;
    return true;
  });
  if (help) return help;
  if (o.studentHidden > o.teacherHidden) throw new UsageError(`--student-hidden ${o.studentHidden} is wider than --teacher-hidden ${o.teacherHidden}`);
  return o;
}

export interface Io {
  out: ProgressOutput;
}

export interface Result {
  teacher: number;
  /** Test accuracy of each student before and after its training. */
  selected: { before: number; after: number };
  he: { before: number; after: number };
}

/** 784 → hidden → hidden → 10 with ReLUs, He-initialised. */
function mlp(hidden: number): Sequential {
  const layers = [new Linear(PIXELS, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 10)];
  for (const l of layers) if (l instanceof Linear) heInit(l);
  return new Sequential(...layers);
}

export async function run(o: Options, io: Io): Promise<Result> {
  const say = (line: string) => io.out.write(`${line}\n`);
  manualSeed(o.seed);
  const data = await loadData(o.data, o.limit);
  const train = toTensors(data.train);
  const test = toTensors(data.test);
  const trainSet = new TensorDataset(train.x, train.y);
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 1000 });
  const accuracy = async (m: Sequential) => (await evaluate(m, testLoader, { metrics: ['accuracy'] }))['accuracy']!;
  /** Trains `m` with Adam on batches shuffled by a generator seeded alike for every model. */
  const trainModel = async (m: Sequential, epochs: number) => {
    const optimizer = new Adam(m.parameters(), { lr: o.lr });
    const loader = new DataLoader(trainSet, { batchSize: o.batchSize, shuffle: true, generator: new Generator(o.seed + 1) });
    await fit(m, loader, { optimizer, loss: crossEntropy, epochs, progress: false });
    optimizer.dispose();
  };
  say(data.description);

  const teacher = mlp(o.teacherHidden);
  await trainModel(teacher, o.teacherEpochs);
  const teacherAcc = await accuracy(teacher);
  say(`teacher 784-${o.teacherHidden}-${o.teacherHidden}-10 after ${o.teacherEpochs} epoch(s): test accuracy ${(100 * teacherAcc).toFixed(2)}%`);

  const he = mlp(o.studentHidden);
  const selected = init.weightSelection(teacher.stateDict(), mlp(o.studentHidden), { method: 'uniform' });
  const result: Result = { teacher: teacherAcc, selected: { before: 0, after: 0 }, he: { before: 0, after: 0 } };
  for (const [name, m] of [['selected', selected], ['he', he]] as const) {
    result[name].before = await accuracy(m);
    await trainModel(m, o.epochs);
    result[name].after = await accuracy(m);
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const arch = `784-${o.studentHidden}-${o.studentHidden}-10`;
  say(`student ${arch}, ${o.epochs} epoch(s), test accuracy before → after training:`);
  say(`  weight selection (uniform) from the teacher: ${pct(result.selected.before)} → ${pct(result.selected.after)}`);
  say(`  He init:                                     ${pct(result.he.before)} → ${pct(result.he.after)}`);
  for (const m of [teacher, he, selected]) m.dispose();
  dispose([train, test]);
  return result;
}

export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('weight-selection', argv, io, HELP, parseArgs, (opts) => run(opts, io));
}

runIfMain(import.meta.url, 'weight-selection', main);
