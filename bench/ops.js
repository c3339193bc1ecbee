/**
 * Per-op microbenchmarks of @nn/tensor's CPU backend: the time of one op call (kernel, dispatch and the op
 * layer's promotion and bookkeeping), in µs, at sizes from 1 element (pure per-op overhead) to 2²⁰, next to a
 * plain typed-array loop that allocates its output (the floor a JavaScript kernel can reach).
 *
 * Usage (after building @nn/tensor): `node bench/ops.js [--quick] [--only=add,mul] [--json]`.
 * Each case runs batches of calls (the output disposed after each) until ~`BATCH_MS` have passed, and reports
 * the median over batches of the time per call.
 */
import * as nn from '@nn/tensor';
import { values } from './values.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
/** One timed batch lasts about this long; the median of `BATCHES` batches is reported. */
const BATCH_MS = quick ? 15 : 40;
const BATCHES = quick ? 5 : 11;

/** Element counts: one element, 1 Ki, 784·256 ≈ 200k (an MLP's first weight matrix), 1 Mi. */
const SIZES = [1, 1024, 784 * 256, 1 << 20];

/** Median µs per call of `run` (which returns what to dispose, or nothing), after a warm-up. */
function timeUs(run) {
  const once = () => {
    const r = run();
    if (r) nn.dispose(r);
  };
  // Warm up long enough for V8 to optimise, and calibrate the batch length.
  let calls = 0;
  const start = performance.now();
  while (calls < 3 || performance.now() - start < 2 * BATCH_MS) {
    once();
    calls++;
  }
  const perBatch = Math.max(1, Math.round((calls * BATCH_MS) / (performance.now() - start)));
  const times = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) once();
    times.push(((performance.now() - t0) * 1000) / perBatch);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** A [rows, 256] view of n elements (a single row of n when n < 256), for the row-wise cases. */
const rowShape = (n) => (n >= 256 ? [n / 256, 256] : [1, n]);

/** name → (n) → { ours: () => disposable, plain?: () => unknown }. Inputs are made once per size. */
const CASES = {
  add: (n) => {
    const [a, b] = [nn.tensor(values(n, 1)), nn.tensor(values(n, 2))];
    const [av, bv] = [a.dataSync(), b.dataSync()];
    return {
      ours: () => nn.add(a, b),
      plain: () => {
        const o = new Float32Array(n);
        for (let i = 0; i < n; i++) o[i] = av[i] + bv[i];
        return o;
      },
      inputs: [a, b],
    };
  },
  mul: (n) => {
    const [a, b] = [nn.tensor(values(n, 1)), nn.tensor(values(n, 2))];
    const [av, bv] = [a.dataSync(), b.dataSync()];
    return {
      ours: () => a.mul(b),
      plain: () => {
        const o = new Float32Array(n);
        for (let i = 0; i < n; i++) o[i] = av[i] * bv[i];
        return o;
      },
      inputs: [a, b],
    };
  },
  div: (n) => {
    const [a, b] = [nn.tensor(values(n, 1)), nn.tensor(values(n, 2))];
    return { ours: () => a.div(b), inputs: [a, b] };
  },
  sqrt: (n) => {
    const av = values(n, 1).map(Math.abs);
    const a = nn.tensor(av);
    return {
      ours: () => a.sqrt(),
      plain: () => {
        const o = new Float32Array(n);
        for (let i = 0; i < n; i++) o[i] = Math.sqrt(av[i]);
        return o;
      },
      inputs: [a],
    };
  },
  'scalar-mul': (n) => {
    const a = nn.tensor(values(n, 1));
    const av = a.dataSync();
    return {
      ours: () => a.mul(0.9),
      plain: () => {
        const o = new Float32Array(n);
        for (let i = 0; i < n; i++) o[i] = av[i] * 0.9;
        return o;
      },
      inputs: [a],
    };
  },
  'bias-add': (n) => {
    const shape = rowShape(n);
    const a = nn.tensor(values(n, 1), { shape });
    const b = nn.tensor(values(shape[1], 2));
    return { ours: () => a.add(b), inputs: [a, b] };
  },
  'sum(-1)': (n) => {
    const a = nn.tensor(values(n, 1), { shape: rowShape(n) });
    return { ours: () => a.sum(-1), inputs: [a] };
  },
  relu: (n) => {
    const a = nn.tensor(values(n, 1));
    return { ours: () => a.relu(), inputs: [a] };
  },
  where: (n) => {
    const a = nn.tensor(values(n, 1));
    const b = nn.tensor(values(n, 2));
    const c = a.gt(0);
    return { ours: () => nn.where(c, a, b), inputs: [a, b, c] };
  },
};

/** Gathering a minibatch of 128 rows from a [4096, 784] dataset (how a DataLoader batches). */
function indexSelectCase() {
  const x = nn.tensor(values(4096 * 784, 1), { shape: [4096, 784] });
  const idx = nn.tensor(Int32Array.from({ length: 128 }, (_, i) => (i * 2654435761) % 4096), { dtype: 'int32' });
  const us = timeUs(() => nn.indexSelect(x, 0, idx));
  nn.dispose([x, idx]);
  return us;
}

const results = [];
for (const [name, make] of Object.entries(CASES)) {
  if (only && !only.includes(name)) continue;
  for (const n of SIZES) {
    const c = make(n);
    const ours = timeUs(c.ours);
    const plain = c.plain ? timeUs(c.plain) : NaN;
    nn.dispose(c.inputs);
    results.push({ op: name, n, ours, plain });
  }
}
if (!only || only.includes('indexSelect')) results.push({ op: 'indexSelect [4096,784] 128 rows', n: 128 * 784, ours: indexSelectCase(), plain: NaN });

if (json) {
  console.log(JSON.stringify(results));
} else {
  const fmt = (v) => (Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  console.log(`@nn/tensor cpu, µs per call (median of ${BATCHES} batches); Node ${process.versions.node}`);
  const names = [...new Set(results.map((r) => r.op))];
  const header = ['op', ...SIZES.map((n) => `n=${n}`), `plain loop n=${SIZES.at(-2)}`];
  const rows = names.map((op) => {
    const rs = results.filter((r) => r.op === op);
    if (rs.length === 1) return [op, ...SIZES.map(() => ''), ''].map((c, i) => (i === 1 ? fmt(rs[0].ours) : c));
    return [op, ...SIZES.map((n) => fmt(rs.find((r) => r.n === n)?.ours ?? NaN)), fmt(rs.find((r) => r.n === SIZES.at(-2))?.plain ?? NaN)];
  });
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(i ? width[i] : 0).padEnd(i ? 0 : width[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
if (nn.memory().numTensors !== 0) throw new Error(`ops: ${nn.memory().numTensors} tensors leaked`);
