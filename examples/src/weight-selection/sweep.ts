/**
 * The sweep behind the weight-selection example's defaults (docs/weight-selection.md, "The sweep behind the
 * choice"): for each seed, one teacher 784-T-T-10, and from it every combination of student width, student data
 * (the first N of the teacher's training images) and student learning rate, each trained one epoch from weight
 * selection and from He init on the same batches. Prints one line per combination and seed, then per combination
 * the means over the seeds and the per-seed differences:
 *
 *   node examples/dist/weight-selection/sweep.js [--seeds 0,1,2,3,4] [--teacher-epochs 5] [--student-hidden 256,128,64]
 *     [--student-limit 60000,10000,5000,2000] [--lr 0.001] [--data DIR] [--limit N] [--teacher-hidden 512]
 *     [--teacher-lr 0.001] [--epochs 1] [--batch-size 128] [--method uniform|first]
 *
 * The He students of a seed are drawn one after another from the seeded generator, in the order above, so only
 * the first combination's He student is the one `train.js` draws for the same flags.
 */
import { init, manualSeed, Subset } from '@nn/all';
import { eachFlag, intFlag, positiveFlag, runCommand, runIfMain, type CliIo } from '../cli.js';
import { checkWidths, DEFAULTS, experiment, methodFlag, mlp } from './train.js';

export interface SweepOptions {
  data: string;
  limit: number | null;
  seeds: number[];
  teacherHidden: number;
  teacherEpochs: number;
  teacherLr: number;
  studentHidden: number[];
  /** Images each student trains on: the first N of the teacher's (all of them when N is at least that many). */
  studentLimit: number[];
  lr: number[];
  epochs: number;
  batchSize: number;
  method: 'uniform' | 'first';
}

export const SWEEP_DEFAULTS: SweepOptions = {
  data: DEFAULTS.data,
  limit: null,
  seeds: [0, 1, 2, 3, 4],
  teacherHidden: DEFAULTS.teacherHidden,
  teacherEpochs: DEFAULTS.teacherEpochs,
  teacherLr: DEFAULTS.teacherLr,
  studentHidden: [256, 128, 64],
  studentLimit: [60000, 10000, 5000, 2000],
  lr: [DEFAULTS.lr],
  epochs: DEFAULTS.epochs,
  batchSize: DEFAULTS.batchSize,
  method: DEFAULTS.method,
};

const HELP = `weight-selection sweep: for each seed one teacher, and every student width × student data × learning rate,
selected and He-initialised, one line each, then means over the seeds (lists are comma-separated)
  --seeds LIST          (default ${SWEEP_DEFAULTS.seeds.join(',')})
  --student-hidden LIST (default ${SWEEP_DEFAULTS.studentHidden.join(',')})
  --student-limit LIST  first N of the teacher's training images (default ${SWEEP_DEFAULTS.studentLimit.join(',')})
  --lr LIST             the students' learning rates, each the same for both (default ${SWEEP_DEFAULTS.lr.join(',')})
  --teacher-hidden N, --teacher-epochs N, --teacher-lr X, --epochs N, --batch-size N, --method M, --data DIR,
  --limit N             as for train.js`;

export function parseSweepArgs(argv: readonly string[]): SweepOptions | 'help' {
  const o: SweepOptions = { ...SWEEP_DEFAULTS };
  const list = (flag: string, value: string, each: (flag: string, v: string) => number) => value.split(',').map((v) => each(flag, v));
  const help = eachFlag(argv, (flag, value) => {
    if (flag === '--seeds') o.seeds = list(flag, value, (f, v) => intFlag(f, v, 0));
    else if (flag === '--student-hidden') o.studentHidden = list(flag, value, (f, v) => intFlag(f, v, 1));
    else if (flag === '--student-limit') o.studentLimit = list(flag, value, (f, v) => intFlag(f, v, 1));
    else if (flag === '--lr') o.lr = list(flag, value, positiveFlag);
    else if (flag === '--teacher-hidden') o.teacherHidden = intFlag(flag, value, 1);
    else if (flag === '--teacher-epochs') o.teacherEpochs = intFlag(flag, value, 1);
    else if (flag === '--teacher-lr') o.teacherLr = positiveFlag(flag, value);
    else if (flag === '--epochs') o.epochs = intFlag(flag, value, 1);
    else if (flag === '--batch-size') o.batchSize = intFlag(flag, value, 1);
    else if (flag === '--limit') o.limit = intFlag(flag, value, 1);
    else if (flag === '--data') o.data = value;
    else if (flag === '--method') o.method = methodFlag(value);
    else return false;
    return true;
  });
  if (help) return help;
  checkWidths(o.studentHidden, o.teacherHidden);
  return o;
}

/** One combination for one seed: test accuracies after the students' epochs. */
export interface Cell {
  seed: number;
  hidden: number;
  images: number;
  lr: number;
  selected: number;
  he: number;
}

export async function sweep(o: SweepOptions, out: { write(text: string): unknown }): Promise<Cell[]> {
  const say = (line: string) => out.write(`${line}\n`);
  const ex = await experiment(o);
  const { trainSet, accuracy, trainModel } = ex;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  say(ex.description);
  const cells: Cell[] = [];
  for (const seed of o.seeds) {
    manualSeed(seed);
    const teacher = mlp(o.teacherHidden);
    await trainModel(teacher, trainSet, o.teacherEpochs, o.teacherLr, seed);
    say(`seed ${seed}: teacher 784-${o.teacherHidden}-${o.teacherHidden}-10 after ${o.teacherEpochs} epoch(s): ${pct(await accuracy(teacher))}`);
    for (const hidden of o.studentHidden) for (const limit of o.studentLimit) for (const lr of o.lr) {
      const images = Math.min(limit, trainSet.length);
      const set = images === trainSet.length ? trainSet : new Subset(trainSet, Array.from({ length: images }, (_, i) => i));
      const he = mlp(hidden);
      const selected = init.weightSelection(teacher.stateDict(), mlp(hidden), { method: o.method });
      await trainModel(selected, set, o.epochs, lr, seed);
      await trainModel(he, set, o.epochs, lr, seed);
      const cell = { seed, hidden, images, lr, selected: await accuracy(selected), he: await accuracy(he) };
      cells.push(cell);
      say(`  student 784-${hidden}-${hidden}-10, ${images} images, lr ${lr}: selected ${pct(cell.selected)}, He ${pct(cell.he)}, selected − He ${signed(100 * (cell.selected - cell.he))}`);
      he.dispose();
      selected.dispose();
    }
    teacher.dispose();
  }
  say(`means over seeds ${o.seeds.join(', ')} (± sample standard deviation of the difference):`);
  const keys = [...new Set(cells.map((c) => `${c.hidden} ${c.images} ${c.lr}`))];
  for (const key of keys) {
    const group = cells.filter((c) => `${c.hidden} ${c.images} ${c.lr}` === key);
    const diffs = group.map((c) => 100 * (c.selected - c.he));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const m = mean(diffs);
    const sd = diffs.length > 1 ? Math.sqrt(diffs.reduce((a, d) => a + (d - m) ** 2, 0) / (diffs.length - 1)) : 0;
    const { hidden, images, lr } = group[0]!;
    say(
      `  784-${hidden}-${hidden}-10, ${images} images, lr ${lr}: selected ${pct(mean(group.map((c) => c.selected)))}, ` +
        `He ${pct(mean(group.map((c) => c.he)))}, selected − He ${signed(m)} ± ${sd.toFixed(2)} (${diffs.map(signed).join(', ')})`,
    );
  }
  ex.dispose();
  return cells;
}

export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('weight-selection sweep', argv, io, HELP, parseSweepArgs, (opts) => sweep(opts, io.out));
}

runIfMain(import.meta.url, 'weight-selection sweep', main);
