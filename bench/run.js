/**
 * Side-by-side CPU benchmark of @nn/tensor against TensorFlow.js's plain-JavaScript CPU backend
 * (@tensorflow/tfjs-backend-cpu), in one process: square float32 matmul, an MLP-shaped matmul, and large
 * elementwise adds. Each case warms up, then runs timed repetitions; the table shows medians.
 *
 * Our matmul uses every core (worker threads); tfjs-backend-cpu uses one. So the matmul cases are also run in a
 * child process with NN_NUM_THREADS=1, shown as the "ours 1T" column: the like-for-like single-thread figure.
 * Our matmul runs the WebAssembly SIMD GEMM; one more child process runs it with NN_WASM=0 NN_NUM_THREADS=1
 * (the TypeScript reference GEMM on one thread), shown as "ts 1T", and "wasm/ts" is ours 1T / ts 1T.
 *
 * Usage (after building @nn/tensor): `node bench/run.js [--quick] [--only=matmul|add]`, or `pnpm bench` at the
 * repo root (builds first). Internal flags: `--json` prints raw results, `--ours-only` skips tfjs.
 * See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as nn from '@nn/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { values } from './values.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const oursOnly = argv.includes('--ours-only');
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const threads = Number.parseInt(process.env.NN_NUM_THREADS ?? '', 10) || availableParallelism();

await tf.setBackend('cpu');
await nn.setBackend('cpu');

/**
 * Median time (ms) of `run` over `reps` timed calls, after warming up for at least 2 calls and `warmupMs`
 * (long enough for V8 to optimise, and for our matmul's worker threads to start). `run` returns a cleanup.
 */
function timeMedian(run, { reps, warmupMs = 400 }) {
  const start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < warmupMs; i++) run()();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const cleanup = run();
    times.push(performance.now() - t0);
    cleanup();
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

/**
 * C = A·B with A m×k and B k×n; GFLOP/s with 2mnk flops per product. Both CPU backends compute eagerly and
 * synchronously, so the timed call is the whole computation (no readback is timed: on ours it is a copy).
 */
function benchMatmul(m, k, n, reps) {
  const av = values(m * k, 1);
  const bv = values(k * n, 2);
  const a = nn.tensor(av, { shape: [m, k] });
  const b = nn.tensor(bv, { shape: [k, n] });
  const flops = 2 * m * n * k;
  const ours = timeMedian(() => {
    const c = nn.matmul(a, b);
    return () => c.dispose();
  }, { reps });
  let theirs = NaN;
  if (!oursOnly) {
    const ta = tf.tensor2d(av, [m, k]);
    const tb = tf.tensor2d(bv, [k, n]);
    // The same answer from both: a cheap check that we time the same computation.
    const c1 = nn.matmul(a, b).dataSync();
    const c2 = tf.matMul(ta, tb).dataSync();
    let err = 0;
    for (let i = 0; i < c1.length; i++) err = Math.max(err, Math.abs(c1[i] - c2[i]));
    if (err > 1e-3 * Math.sqrt(k)) throw new Error(`matmul ${m}x${k}x${n}: results differ by ${err}`);
    theirs = timeMedian(() => {
      const c = tf.matMul(ta, tb);
      return () => c.dispose();
    }, { reps });
    tf.dispose([ta, tb]);
  }
  nn.dispose([a, b]);
  const size = m === k && k === n ? `${n}×${n}` : `${m}×${k} @ ${k}×${n}`;
  return { op: 'matmul', size, unit: 'GFLOP/s', ours: flops / ours / 1e6, tfjs: flops / theirs / 1e6, oursMs: ours, tfjsMs: theirs };
}

/** out = x + y (y broadcast when smaller); GB/s of the bytes read and written (4 bytes per element). */
function benchAdd(label, xShape, yShape, reps) {
  const size = (s) => s.reduce((p, d) => p * d, 1);
  const xv = values(size(xShape), 3);
  const yv = values(size(yShape), 4);
  const x = nn.tensor(xv, { shape: xShape });
  const y = nn.tensor(yv, { shape: yShape });
  const bytes = 4 * (2 * size(xShape) + size(yShape));
  const ours = timeMedian(() => {
    const c = nn.add(x, y);
    return () => c.dispose();
  }, { reps });
  let theirs = NaN;
  if (!oursOnly) {
    const tx = tf.tensor(xv, xShape);
    const ty = tf.tensor(yv, yShape);
    theirs = timeMedian(() => {
      const c = tf.add(tx, ty);
      return () => c.dispose();
    }, { reps });
    tf.dispose([tx, ty]);
  }
  nn.dispose([x, y]);
  return { op: label, size: `[${xShape}] + [${yShape}]`, unit: 'GB/s', ours: bytes / ours / 1e6, tfjs: bytes / theirs / 1e6, oursMs: ours, tfjsMs: theirs };
}

const rows = [];
if (!only || only === 'matmul') {
  rows.push(benchMatmul(256, 256, 256, quick ? 5 : 21));
  rows.push(benchMatmul(512, 512, 512, quick ? 3 : 9));
  rows.push(benchMatmul(1024, 1024, 1024, quick ? 1 : 5));
  rows.push(benchMatmul(128, 784, 256, quick ? 5 : 21)); // an MLP layer: batch 128, 784 → 256
}
if (!only || only === 'add') {
  rows.push(benchAdd('add', [1 << 22], [1 << 22], quick ? 5 : 21));
  rows.push(benchAdd('add (broadcast)', [2048, 2048], [2048], quick ? 5 : 21));
}

if (json) {
  console.log(JSON.stringify(rows));
  process.exit(0);
}

/** Our matmul cases in a child process with `env` added (thread count and WASM switch are read at start). */
function childRun(env) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--json', '--ours-only', '--only=matmul', ...(quick ? ['--quick'] : [])], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`child run with ${JSON.stringify(env)} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

// Our matmul on one thread, and the TypeScript reference GEMM on one thread.
let single = [];
let tsSingle = [];
if (!only || only === 'matmul') {
  single = threads > 1 ? childRun({ NN_NUM_THREADS: '1' }) : rows;
  tsSingle = childRun({ NN_NUM_THREADS: '1', NN_WASM: '0' });
}

const fmt = (v) => (Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const table = rows.map((r) => {
  const s = single.find((x) => x.op === r.op && x.size === r.size);
  const t = tsSingle.find((x) => x.op === r.op && x.size === r.size);
  return {
    op: r.op,
    size: r.size,
    unit: r.unit,
    [`ours (${threads}T)`]: fmt(r.ours),
    'ours 1T': s ? fmt(s.ours) : '-',
    'ts 1T': t ? fmt(t.ours) : '-',
    tfjs: fmt(r.tfjs),
    'ours ms': fmt(r.oursMs),
    'tfjs ms': fmt(r.tfjsMs),
    'ours/tfjs': `${(r.ours / r.tfjs).toFixed(2)}×`,
    '1T/tfjs': s ? `${(s.ours / r.tfjs).toFixed(2)}×` : '-',
    'wasm/ts': s && t ? `${(s.ours / t.ours).toFixed(2)}×` : '-',
  };
});
const cols = Object.keys(table[0] ?? {});
const width = cols.map((c) => Math.max(c.length, ...table.map((r) => String(r[c]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ').trimEnd();
console.log(`@nn/tensor (cpu) vs @tensorflow/tfjs-backend-cpu ${tf.version_core}; Node ${process.versions.node}; medians`);
console.log(line(cols));
console.log(line(width.map((w) => '-'.repeat(w))));
for (const r of table) console.log(line(cols.map((c) => r[c])));
