/**
 * Weight selection (Xu et al., ICLR 2024) on Fashion-MNIST: trains a wide MLP teacher (784-512-512-10, 5 epochs),
 * initialises a student at half its width (784-256-256-10, the paper's usual ratio) from it with
 * `init.weightSelection`, and trains that and the same student from He initialisation for one epoch on the same
 * batches with the same optimizer and learning rate, then prints both test accuracies. By default the students
 * train on the same 60,000 images as the teacher; `--student-limit N` gives them only the first N (the paper's
 * setting: a teacher pretrained on more data than the student's own), where the gap grows. Measured over seeds in
 * docs/weight-selection.md.
 *
 *   node examples/dist/weight-selection/train.js [--data DIR] [--limit N] [--teacher-hidden 512] [--teacher-epochs 5]
 *     [--teacher-lr 0.001] [--student-hidden 256] [--student-limit N] [--epochs 1] [--lr 0.001] [--method uniform|first]
 *     [--seed 0]
 *
 * `sweep.ts` runs the grid of widths, student data and learning rates that chose these defaults.
 *
 * `main(argv)` runs the program; importing this module has no side effects.
 */
import {
  Adam, crossEntropy, DataLoader, dispose, evaluate, fit, Generator, init, Linear, manualSeed, ReLU, Sequential, Subset, TensorDataset,
  type Dataset, type ProgressOutput, type Tensor,
} from '@nn/all';
import { loadData, PIXELS, toTensors } from '../mnist/data.js';
import { eachFlag, intFlag, positiveFlag, runCommand, runIfMain, UsageError, type CliIo } from '../cli.js';

export { UsageError };
import { heInit } from '../mnist/model.js';

export interface Options {
  data: string;
  /** Keep the first `limit` training images (and limit/6 test images) for everything; null for all. */
  limit: number | null;
  teacherEpochs: number;
  /** Epochs of each student. */
  epochs: number;
  teacherHidden: number;
  studentHidden: number;
  /** The students train on the first `studentLimit` of the teacher's training images; null for all of them. */
  studentLimit: number | null;
  batchSize: number;
  /** Adam's learning rate of the students: the same for both. */
  lr: number;
  /** Adam's learning rate of the teacher. */
  teacherLr: number;
  method: 'uniform' | 'first';
  seed: number;
}

export const DEFAULTS: Options = {
  data: '/usr/share/datasets/fashion-mnist',
  limit: null,
  teacherEpochs: 5,
  epochs: 1,
  teacherHidden: 512,
  studentHidden: 256,
  studentLimit: null,
  batchSize: 128,
  lr: 1e-3,
  teacherLr: 1e-3,
  method: 'uniform',
  seed: 0,
};

const HELP = `weight-selection: an MLP initialised from a trained wider one (Xu et al., ICLR 2024) vs the same MLP from
He init, trained alike (same batches, Adam, learning rate) for the same epochs; prints both test accuracies
  --data DIR            Fashion-MNIST IDX files (default ${DEFAULTS.data})
  --limit N             use only the first N training images (and N/6 test images), for everything
  --teacher-hidden N    teacher width (default ${DEFAULTS.teacherHidden})
  --teacher-epochs N    epochs of the teacher (default ${DEFAULTS.teacherEpochs})
  --student-hidden N    student width, at most the teacher's (default ${DEFAULTS.studentHidden}: half the teacher's)
  --student-limit N     train the students on the first N of the teacher's training images only (default: all;
                        the paper's setting is a student with less data than its teacher had)
  --epochs N            epochs of each student (default ${DEFAULTS.epochs})
  --batch-size N        (default ${DEFAULTS.batchSize})
  --lr X                Adam's learning rate of both students (default ${DEFAULTS.lr})
  --teacher-lr X        Adam's learning rate of the teacher (default ${DEFAULTS.teacherLr})
  --method M            uniform | first: which teacher neurons the student keeps (default ${DEFAULTS.method})
  --seed N              (default ${DEFAULTS.seed})`;


export function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { ...DEFAULTS };
  const ints = {
    '--limit': 'limit', '--teacher-epochs': 'teacherEpochs', '--epochs': 'epochs', '--teacher-hidden': 'teacherHidden',
    '--student-hidden': 'studentHidden', '--student-limit': 'studentLimit', '--batch-size': 'batchSize', '--seed': 'seed',
  } as const;
  const help = eachFlag(argv, (flag, value) => {
    if (flag in ints) o[ints[flag as keyof typeof ints]] = intFlag(flag, value, flag === '--seed' ? 0 : 1);
    else if (flag === '--data') o.data = value;
    else if (flag === '--lr') o.lr = positiveFlag(flag, value);
    else if (flag === '--teacher-lr') o.teacherLr = positiveFlag(flag, value);
    else if (flag === '--method') o.method = methodFlag(value);
    else return false;
    return true;
  });
  if (help) return help;
  checkWidths([o.studentHidden], o.teacherHidden);
  return o;
}

/** `--method`'s value: 'uniform' or 'first' (weightSelection's methods). */
export function methodFlag(value: string): 'uniform' | 'first' {
  if (value !== 'uniform' && value !== 'first') throw new UsageError(`--method must be 'uniform' or 'first', got '${value}'`);
  return value;
}

/** Throws unless every student width fits in the teacher's. */
export function checkWidths(students: readonly number[], teacher: number): void {
  for (const h of students) if (h > teacher) throw new UsageError(`--student-hidden ${h} is wider than --teacher-hidden ${teacher}`);
}

export interface Io {
  out: ProgressOutput;
}

export interface Result {
  teacher: number;
  /** How many training images each student saw per epoch. */
  studentImages: number;
  /** Test accuracy of each student before and after its training. */
  selected: { before: number; after: number };
  he: { before: number; after: number };
}

/** 784 → hidden → hidden → 10 with ReLUs, He-initialised. */
export function mlp(hidden: number): Sequential {
  const layers = [new Linear(PIXELS, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 10)];
  for (const l of layers) if (l instanceof Linear) heInit(l);
  return new Sequential(...layers);
}

/** What every run of the comparison shares: the data, the test accuracy of a model, and its training loop. */
export async function experiment(o: { data: string; limit: number | null; batchSize: number }) {
  const data = await loadData(o.data, o.limit);
  const train = toTensors(data.train);
  const test = toTensors(data.test);
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 1000 });
  return {
    description: data.description,
    trainSet: new TensorDataset(train.x, train.y),
    accuracy: async (m: Sequential) => (await evaluate(m, testLoader, { metrics: ['accuracy'] }))['accuracy']!,
    /** Trains `m` on `set` with Adam, on batches shuffled by a generator seeded from `seed`, alike for every model. */
    async trainModel(m: Sequential, set: Dataset<Tensor[]>, epochs: number, lr: number, seed: number): Promise<void> {
      const optimizer = new Adam(m.parameters(), { lr });
      const loader = new DataLoader(set, { batchSize: o.batchSize, shuffle: true, generator: new Generator(seed + 1) });
      await fit(m, loader, { optimizer, loss: crossEntropy, epochs, progress: false });
      optimizer.dispose();
    },
    dispose: () => dispose([train, test]),
  };
}

export async function run(o: Options, io: Io): Promise<Result> {
  const say = (line: string) => io.out.write(`${line}\n`);
  manualSeed(o.seed);
  const ex = await experiment(o);
  const { trainSet, accuracy } = ex;
  const trainModel = (m: Sequential, set: Dataset<Tensor[]>, epochs: number, lr: number) => ex.trainModel(m, set, epochs, lr, o.seed);
  say(ex.description);

  const teacher = mlp(o.teacherHidden);
  await trainModel(teacher, trainSet, o.teacherEpochs, o.teacherLr);
  const teacherAcc = await accuracy(teacher);
  say(`teacher 784-${o.teacherHidden}-${o.teacherHidden}-10 after ${o.teacherEpochs} epoch(s): test accuracy ${(100 * teacherAcc).toFixed(2)}%`);

  // The students' data: all of the teacher's training images, or (--student-limit) only the first N of them.
  const nTrain = trainSet.length;
  const studentImages = o.studentLimit === null ? nTrain : Math.min(o.studentLimit, nTrain);
  const studentSet = studentImages === nTrain ? trainSet : new Subset(trainSet, Array.from({ length: studentImages }, (_, i) => i));
  const he = mlp(o.studentHidden);
  const selected = init.weightSelection(teacher.stateDict(), mlp(o.studentHidden), { method: o.method });
  const result: Result = { teacher: teacherAcc, studentImages, selected: { before: 0, after: 0 }, he: { before: 0, after: 0 } };
  for (const [name, m] of [['selected', selected], ['he', he]] as const) {
    result[name].before = await accuracy(m);
    await trainModel(m, studentSet, o.epochs, o.lr);
    result[name].after = await accuracy(m);
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const arch = `784-${o.studentHidden}-${o.studentHidden}-10`;
  const seen = studentImages === nTrain
    ? `the same ${nTrain} training images as the teacher`
    : `only the first ${studentImages} of the teacher's ${nTrain} training images (--student-limit)`;
  say(`student ${arch}, ${o.epochs} epoch(s) on ${seen}, same batches and lr ${o.lr} for both;`);
  say(`test accuracy before → after training:`);
  const label = `weight selection (${o.method}) from the teacher:`;
  say(`  ${label} ${pct(result.selected.before)} → ${pct(result.selected.after)}`);
  say(`  ${'He init:'.padEnd(label.length)} ${pct(result.he.before)} → ${pct(result.he.after)}`);
  const gap = 100 * (result.selected.after - result.he.after);
  say(`  difference (selected − He): ${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(2)} points`);
  for (const m of [teacher, he, selected]) m.dispose();
  ex.dispose();
  return result;
}

export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('weight-selection', argv, io, HELP, parseArgs, (opts) => run(opts, io));
}

runIfMain(import.meta.url, 'weight-selection', main);
