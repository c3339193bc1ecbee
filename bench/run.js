/**
 * Side-by-side CPU benchmark of @nn/tensor against TensorFlow.js's plain-JavaScript CPU backend
 * (@tensorflow/tfjs-backend-cpu), in one process: square float32 matmul, an MLP-shaped matmul, and large
 * elementwise adds. Each case runs a few warm-up iterations, then timed repetitions; the table shows medians.
 *
 * Usage (after building @nn/tensor): `node bench/run.js [--quick] [--only=matmul|add]`, or `pnpm bench` at the
 * repo root (builds first). See bench/README.md.
 */
import * as nn from '@nn/tensor';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);

await tf.setBackend('cpu');
await nn.setBackend('cpu');

/** Median of `reps` timings (ms) of `run`, after `warmup` untimed calls. `run` returns a cleanup function. */
function timeMedian(run, { warmup = 2, reps = 5 } = {}) {
  for (let i = 0; i < warmup; i++) run()();
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

/** Deterministic pseudo-random float32 values in [-1, 1). */
function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const rows = [];

/**
 * C = A·B with A m×k and B k×n; reports GFLOP/s (2mnk flops per product). Both CPU backends compute eagerly
 * and synchronously, so the timed call is the whole computation; no readback is timed (it is a copy on ours).
 */
function benchMatmul(m, k, n, reps) {
  const av = values(m * k, 1);
  const bv = values(k * n, 2);
  const a = nn.tensor(av, { shape: [m, k] });
  const b = nn.tensor(bv, { shape: [k, n] });
  const ta = tf.tensor2d(av, [m, k]);
  const tb = tf.tensor2d(bv, [k, n]);
  // Same answer from both (a cheap sanity check that we time the same computation).
  const c1 = nn.matmul(a, b).dataSync();
  const c2 = tf.matMul(ta, tb).dataSync();
  let err = 0;
  for (let i = 0; i < c1.length; i++) err = Math.max(err, Math.abs(c1[i] - c2[i]));
  if (err > 1e-3 * Math.sqrt(k)) throw new Error(`matmul ${m}x${k}x${n}: results differ by ${err}`);

  const flops = 2 * m * n * k;
  const ours = timeMedian(() => {
    const c = nn.matmul(a, b);
    return () => c.dispose();
  }, { reps });
  const theirs = timeMedian(() => {
    const c = tf.matMul(ta, tb);
    return () => c.dispose();
  }, { reps });
  rows.push({
    op: 'matmul',
    size: m === k && k === n ? `${n}×${n}` : `${m}×${k} @ ${k}×${n}`,
    unit: 'GFLOP/s',
    ours: flops / ours / 1e6,
    tfjs: flops / theirs / 1e6,
    oursMs: ours,
    tfjsMs: theirs,
  });
  [a, b].forEach((t) => t.dispose());
  [ta, tb].forEach((t) => t.dispose());
}

/** out = x + y (y broadcast when its shape is smaller); reports GB/s of the bytes read and written. */
function benchAdd(label, xShape, yShape, reps) {
  const size = (s) => s.reduce((p, d) => p * d, 1);
  const xv = values(size(xShape), 3);
  const yv = values(size(yShape), 4);
  const x = nn.tensor(xv, { shape: xShape });
  const y = nn.tensor(yv, { shape: yShape });
  const tx = tf.tensor(xv, xShape);
  const ty = tf.tensor(yv, yShape);
  const bytes = 4 * (size(xShape) + size(yShape) + size(xShape));
  const ours = timeMedian(() => {
    const c = nn.add(x, y);
    return () => c.dispose();
  }, { reps });
  const theirs = timeMedian(() => {
    const c = tf.add(tx, ty);
    return () => c.dispose();
  }, { reps });
  rows.push({ op: label, size: `[${xShape}] + [${yShape}]`, unit: 'GB/s', ours: bytes / ours / 1e6, tfjs: bytes / theirs / 1e6, oursMs: ours, tfjsMs: theirs });
  [x, y].forEach((t) => t.dispose());
  [tx, ty].forEach((t) => t.dispose());
}

if (!only || only === 'matmul') {
  benchMatmul(256, 256, 256, quick ? 5 : 15);
  benchMatmul(512, 512, 512, quick ? 3 : 7);
  benchMatmul(1024, 1024, 1024, quick ? 1 : 3);
  benchMatmul(128, 784, 256, quick ? 5 : 15); // an MLP layer: batch 128, 784 → 256
}
if (!only || only === 'add') {
  benchAdd('add', [1 << 22], [1 << 22], quick ? 5 : 15);
  benchAdd('add (broadcast)', [2048, 2048], [2048], quick ? 5 : 15);
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const table = rows.map((r) => ({
  op: r.op,
  size: r.size,
  unit: r.unit,
  ours: fmt(r.ours),
  tfjs: fmt(r.tfjs),
  'ours ms': fmt(r.oursMs),
  'tfjs ms': fmt(r.tfjsMs),
  'ours/tfjs': `${(r.ours / r.tfjs).toFixed(2)}×`,
}));
const cols = Object.keys(table[0] ?? {});
const width = cols.map((c) => Math.max(c.length, ...table.map((r) => String(r[c]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
console.log(`@nn/tensor (cpu) vs @tensorflow/tfjs-backend-cpu ${tf.version_core}, Node ${process.versions.node}; medians`);
console.log(line(cols));
console.log(line(width.map((w) => '-'.repeat(w))));
for (const r of table) console.log(line(cols.map((c) => r[c])));
