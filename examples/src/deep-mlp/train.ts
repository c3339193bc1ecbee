/**
 * Vanishing gradients, diagnosed: trains the same 30-layer ReLU MLP on MNIST digits three times, with He,
 * half-He and Xavier initialisation, recording per-layer diagnostics with `TrainingDiagnostics`, and prints
 * how the gradient norm falls from the last layer to the first. With He the first layer's gradient is within a
 * small factor of the last's; with Xavier or half-He it is orders of magnitude smaller, and the early layers
 * barely train.
 *
 *   pnpm deep-mlp [--depth 30] [--width 128] [--epochs 3] [--limit 2048] [--plot deep-mlp] (see --help)
 *
 * Importing this module has no side effects: `main(argv, io)` runs the program.
 */
import { writeFileSync } from 'node:fs';
import {
  crossEntropy, DataLoader, fit, Generator, manualSeed, plotHistory, SGD, TensorDataset, TrainingDiagnostics, type DiagnosticsRecord,
  type History, type ProgressOutput,
} from '@nn/all';
import { loadData, PIXELS, toTensors } from '../mnist/data.js';
import { eachFlag, intFlag, positiveFlag, runCommand, runIfMain, UsageError, type CliIo } from '../cli.js';

export { UsageError };
import { deepMlp, INIT_DESCRIPTIONS, INITS, type InitName } from './model.js';

export interface Options {
  depth: number;
  width: number;
  epochs: number;
  limit: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Record every this many steps (besides step 1); 0: once per epoch's worth of steps. */
  every: number;
  inits: InitName[];
  /** Write `<plot>-<init>.svg` per run (null: no plots). */
  plot: string | null;
}

export const DEFAULTS: Options = {
  depth: 30, width: 128, epochs: 3, limit: 2048, batchSize: 64, lr: 0.01, seed: 0, every: 0, inits: [...INITS], plot: null,
};

export const HELP = `usage: node examples/dist/deep-mlp/train.js [flags]
  --depth N        Linear layers (default ${DEFAULTS.depth})
  --width N        hidden units per layer (default ${DEFAULTS.width})
  --epochs N       epochs per run (default ${DEFAULTS.epochs})
  --limit N        training images (default ${DEFAULTS.limit})
  --batch-size N   (default ${DEFAULTS.batchSize})
  --lr X           SGD learning rate, momentum 0.9 (default ${DEFAULTS.lr})
  --seed N         (default ${DEFAULTS.seed})
  --every N        record diagnostics every N steps besides step 1 (default: once per epoch)
  --inits LIST     comma-separated from ${INITS.join(', ')} (default all)
  --plot PREFIX    write PREFIX-<init>.svg: curves and per-layer diagnostics of each run`;


export function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { ...DEFAULTS, inits: [...DEFAULTS.inits] };
  const ints = { '--depth': 'depth', '--width': 'width', '--epochs': 'epochs', '--limit': 'limit', '--batch-size': 'batchSize', '--seed': 'seed', '--every': 'every' } as const;
  const help = eachFlag(argv, (flag, value) => {
    if (flag in ints) o[ints[flag as keyof typeof ints]] = intFlag(flag, value, flag === '--every' || flag === '--seed' ? 0 : flag === '--depth' ? 2 : 1);
    else if (flag === '--lr') o.lr = positiveFlag(flag, value);
    else if (flag === '--inits') {
      const names = value.split(',');
      const bad = names.filter((n) => !(INITS as readonly string[]).includes(n));
      if (bad.length || names.length === 0) throw new UsageError(`--inits takes names from ${INITS.join(', ')}, got '${value}'`);
      o.inits = names as InitName[];
    } else if (flag === '--plot') o.plot = value;
    else return false;
    return true;
  });
  if (help) return help;
  return o;
}

export interface Io {
  out: ProgressOutput;
  err: { write(text: string): unknown };
}

export interface Run {
  init: InitName;
  records: DiagnosticsRecord[];
  history: History;
}

/** ‖∇W‖ of the first layer over that of the last, in a record. */
export function firstLastGradRatio(record: DiagnosticsRecord): number {
  const g = (i: number) => record.layers.at(i)!.params.weight!.gradNorm!;
  return g(0) / g(-1);
}

const sci = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toExponential(1));

/** Trains one model per initialisation and prints the comparison; returns the runs. */
export async function run(o: Options, io: Io): Promise<Run[]> {
  const say = (line = '') => io.out.write(`${line}\n`);
  const data = await loadData(null, o.limit);
  const train = toTensors(data.train);
  const test = toTensors(data.test);
  const n = data.train.labels.length;
  const steps = Math.ceil(n / o.batchSize);
  const every = o.every || steps;
  say(data.description);
  say(`${o.depth}-layer ReLU MLP ${PIXELS}-${o.width}×${o.depth - 1}-10, SGD lr ${o.lr} momentum 0.9, batch ${o.batchSize}, ` +
    `${o.epochs} epoch${o.epochs === 1 ? '' : 's'} of ${steps} steps, diagnostics at step 1 and every ${every}, seed ${o.seed}`);
  const runs: Run[] = [];
  for (const init of o.inits) {
    manualSeed(o.seed);
    const model = deepMlp({ depth: o.depth, width: o.width, inputs: PIXELS, classes: 10, init });
    const optimizer = new SGD(model.parameters(), { lr: o.lr, momentum: 0.9 });
    const diagnostics = new TrainingDiagnostics(model, { every, optimizer });
    const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: o.batchSize, shuffle: true, generator: new Generator(o.seed) });
    const history = await fit(model, loader, {
      optimizer, loss: crossEntropy, epochs: o.epochs, progress: false, callbacks: [diagnostics],
      validation: { loader: new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 500 }) },
    });
    if (o.plot) {
      const path = `${o.plot}-${init}.svg`;
      writeFileSync(path, plotHistory(history, { diagnostics, logScaleLoss: true, title: `${o.depth}-layer ReLU MLP, ${init} initialisation` }));
    }
    model.dispose();
    runs.push({ init, records: diagnostics.records, history });
  }

  // Gradient norm by depth at step 1, one column per initialisation.
  say();
  say('|grad W| by layer at step 1 (layer 1 = input side)');
  const depths = [...new Set([1, ...Array.from({ length: Math.floor(o.depth / 5) }, (_, i) => 5 * (i + 1)), o.depth])].filter((d) => d <= o.depth);
  const col = Math.max(9, ...runs.map((r) => r.init.length + 2));
  say(`${'layer'.padStart(5)}${runs.map((r) => r.init.padStart(col)).join('')}`);
  for (const d of depths) say(`${String(d).padStart(5)}${runs.map((r) => sci(r.records[0]!.layers[d - 1]!.params.weight!.gradNorm).padStart(col)).join('')}`);

  say();
  const head = ['init', 'first/last |grad W|', 'act std first', 'act std last', 'update/|W| first', 'update/|W| last', 'loss', 'val accuracy'];
  const rows = runs.map((r) => {
    const first = r.records[0]!;
    const l0 = first.layers[0]!;
    const lN = first.layers.at(-1)!;
    return [
      r.init, sci(firstLastGradRatio(first)), sci(l0.activation?.std), sci(lN.activation?.std), sci(l0.params.weight!.updateRatio),
      sci(lN.params.weight!.updateRatio), r.history.loss.at(-1)!.toFixed(3), `${(100 * r.history.valAccuracy!.at(-1)!).toFixed(1)}%`,
    ];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  say(line(head));
  for (const r of rows) say(line(r));
  say('(step 1; loss and val accuracy after the last epoch)');
  say();
  for (const r of runs) say(`${r.init}: ${INIT_DESCRIPTIONS[r.init]}`);
  if (o.plot) say(`wrote ${runs.map((r) => `${o.plot}-${r.init}.svg`).join(', ')}`);
  train.x.dispose();
  train.y.dispose();
  test.x.dispose();
  test.y.dispose();
  return runs;
}

export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('deep-mlp', argv, io, HELP, parseArgs, (opts) => run(opts, io));
}

runIfMain(import.meta.url, 'deep-mlp', main);
