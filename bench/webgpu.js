/**
 * @nn's WebGPU backend against TensorFlow.js's (`@tensorflow/tfjs-backend-webgpu` 4.22.0, in a child process):
 *
 *   matmul  square float32 matmul, n = 1024, 2048, 4096: median ms per product and GFLOP/s = 2n³ / time
 *   mlp     one training step of the MLP 784-256-256-10 (ReLU), batch 128, cross-entropy, Adam
 *   cnn     one training step of the `cnn` case of models.js (conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, dropout,
 *           linear), batch 64 of 1×28×28, cross-entropy, AdamW (tfjs: Adam, it has no AdamW)
 *
 * and the GPU commands each training step issues: compute dispatches and queue submits. For @nn they come from
 * the backend's own counters (`getStats()` before and after the timed steps); for tfjs, which keeps no running
 * count (only `dispatchCountInPass`, reset at every submit), from wrapping `GPUComputePassEncoder.prototype.
 * dispatchWorkgroups` and `GPUQueue.prototype.submit`. The same wrappers run in the @nn process as a cross-check.
 *
 * Every timed call finishes its GPU work before the clock stops: a matmul sample records k products
 * (k ≥ 1, chosen so a sample lasts ~20 ms, to hide the fixed cost of one submit and wait), submits and awaits
 * `queue.onSubmittedWorkDone()`; a training step ends by reading its loss back (`await loss.data()`), which
 * submits everything recorded and waits for it.
 *
 * TensorFlow.js runs in a child process (this script with `--tfjs`), as in models.js: importing another tfjs
 * backend into the @nn process would slow @nn.
 *
 * Usage (after `pnpm run build` at the repo root):
 *   node bench/webgpu.js [--quick] [--steps N] [--only=matmul,mlp,cnn]
 * --quick: matmul n = 256, 512 and 2 timed steps (no warm-up beyond the first step), so it finishes in a few minutes on SwiftShader (a CPU
 * emulation of a GPU: its timings say nothing about GPU speed). Node needs a Vulkan driver for Dawn (npm
 * `webgpu`); without a GPU, VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json selects SwiftShader.
 * Where no WebGPU adapter is found the script says so and exits 0.
 */
import { existsSync } from 'node:fs';
import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { crossEntropy } from '@nn/layers';
import { median, printTable, runNodeChild, timeSteps } from './peers.js';
import { cnnWorkload, mlpWorkload, tfjsBlocks } from './workloads.js';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const stepsArg = argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(argv[stepsArg + 1]) : QUICK ? 2 : 30;
/**
 * Untimed steps after the first (which compiles every pipeline and creates the optimizer state): V8 optimises
 * the step. None with --quick, where a CNN step takes ~30 s on SwiftShader.
 */
const WARMUP = QUICK ? 0 : 10;
const SIZES = QUICK ? [256, 512] : [1024, 2048, 4096];
/** Timed samples per matmul size, and how long one sample should last (k products per sample). */
const MATMUL_SAMPLES = QUICK ? 5 : 20;
const SAMPLE_MS = 20;
const MAX_PER_SAMPLE = 64;
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const CASES = ['matmul', 'mlp', 'cnn'].filter((c) => !ONLY || ONLY.includes(c));
const STEP_CASES = CASES.filter((c) => c !== 'matmul');

const TITLES = {
  mlp: 'MLP 784-256-256-10, batch 128, Adam',
  cnn: 'CNN conv32-BN-pool-conv64-BN-pool-Drop-10, batch 64, AdamW (tfjs: Adam)',
};
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

// ---- shared by both processes ----

/**
 * Counts compute dispatches and queue submits at the WebGPU API, whoever issues them, by wrapping the Dawn
 * classes' prototypes (`globals` of npm `webgpu`). Returns null if `webgpu` cannot be imported.
 */
async function countGpuCalls() {
  let globals;
  try {
    ({ globals } = await import('webgpu'));
  } catch {
    return null;
  }
  const counts = { dispatches: 0, submits: 0 };
  const wrap = (proto, method, key) => {
    const orig = proto[method];
    proto[method] = function (...args) {
      counts[key]++;
      return orig.apply(this, args);
    };
  };
  wrap(globals.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches');
  wrap(globals.GPUQueue.prototype, 'submit', 'submits');
  return counts;
}

/**
 * Median ms per product of `record()` (records one n×n product, disposing its result) followed by `finish()`
 * (submits and awaits the queue). Each sample records k products and finishes once.
 */
async function timeMatmul(record, finish) {
  for (let i = 0; i < 2; i++) {
    record();
    await finish();
  }
  let t0 = performance.now();
  record();
  await finish();
  const once = performance.now() - t0;
  const k = Math.max(1, Math.min(MAX_PER_SAMPLE, Math.ceil(SAMPLE_MS / Math.max(once, 1e-3))));
  const times = [];
  for (let s = 0; s < MATMUL_SAMPLES; s++) {
    t0 = performance.now();
    for (let i = 0; i < k; i++) record();
    await finish();
    times.push((performance.now() - t0) / k);
  }
  return { ms: median(times), k };
}

/** Checks 16 entries of c = a·b (row-major n×n) against float64 dot products; throws on a mismatch. */
function checkProduct(lib, n, a, b, c) {
  for (let t = 0; t < 16; t++) {
    const i = (t * 7919) % n;
    const j = (t * 104729 + 13) % n;
    let ref = 0;
    let mag = 0;
    for (let k = 0; k < n; k++) {
      ref += a[i * n + k] * b[k * n + j];
      mag += Math.abs(a[i * n + k] * b[k * n + j]);
    }
    if (!(Math.abs(c[i * n + j] - ref) <= 1e-4 * mag + 1e-5)) {
      throw new Error(`webgpu bench: ${lib} matmul ${n}² is wrong at [${i}, ${j}]: ${c[i * n + j]}, expected ${ref}`);
    }
  }
}

/**
 * Times each training step (after WARMUP untimed ones) and the dispatches and submits per timed step, from
 * `counters()` ({dispatches, submits, ...}) read before and after the timed steps.
 */
async function timeStep(step, counters) {
  for (let i = 0; i < WARMUP; i++) await step();
  const before = counters();
  const ms = await timeSteps(step, STEPS, 0);
  const after = counters();
  const perStep = Object.fromEntries(Object.keys(before).map((k) => [k, (after[k] - before[k]) / STEPS]));
  return { ms, ...perStep };
}

// ---- TensorFlow.js (webgpu), in a child process ----

async function tfjsRun() {
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  const counts = await countGpuCalls();
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    return { note: `no WebGPU backend: ${e.message}` };
  }
  if (!ok || tf.getBackend() !== 'webgpu') return { note: 'no WebGPU adapter found for tfjs-backend-webgpu' };
  await tf.ready();
  const backend = tf.backend();
  /** Submits whatever tfjs has recorded and waits for the queue. */
  const finish = async () => {
    backend.endComputePassEncoder();
    if (backend.commandEncoder) backend.submitQueue();
    await backend.queue.onSubmittedWorkDone();
  };
  const out = { matmul: {}, steps: {} };
  const { rand, dense, apply, labels } = tfjsBlocks(tf);

  if (CASES.includes('matmul')) {
    for (const n of SIZES) {
      const [a, b] = [rand([n, n]), rand([n, n])];
      const c = tf.matMul(a, b);
      checkProduct('tfjs', n, await a.data(), await b.data(), await c.data());
      c.dispose();
      out.matmul[n] = await timeMatmul(() => tf.matMul(a, b).dispose(), finish);
      tf.dispose([a, b]);
    }
  }

  const step = (opt, lossFn) => async () => {
    const loss = opt.minimize(lossFn, true);
    await loss.data(); // submits the step and waits for it
    loss.dispose();
  };
  const cases = {
    mlp() {
      const [l1, l2, l3] = [dense(784, 256), dense(256, 256), dense(256, 10)];
      const [x, y] = [rand([128, 784]), labels(128)];
      return step(tf.train.adam(1e-3), () => tf.losses.softmaxCrossEntropy(y, apply(l3, tf.relu(apply(l2, tf.relu(apply(l1, x)))))));
    },
    /** NHWC; batch norm from tf.moments in training mode, as Keras computes it; tfjs has no AdamW. */
    cnn() {
      const he = (shape, fanIn) => tf.variable(rand(shape, Math.sqrt(2 / fanIn)));
      const p = {
        w1: he([3, 3, 1, 32], 9), g1: tf.variable(tf.ones([32])), b1: tf.variable(tf.zeros([32])),
        w2: he([3, 3, 32, 64], 288), g2: tf.variable(tf.ones([64])), b2: tf.variable(tf.zeros([64])), fc: dense(64 * 49, 10),
      };
      const block = (h, w, g, b) => {
        const z = tf.conv2d(h, w, 1, 'same');
        const { mean, variance } = tf.moments(z, [0, 1, 2]);
        return tf.maxPool(tf.relu(tf.batchNorm(z, mean, variance, b, g, 1e-5)), 2, 2, 'valid');
      };
      const [x, y] = [rand([64, 28, 28, 1]), labels(64)];
      return step(tf.train.adam(1e-3), () =>
        tf.losses.softmaxCrossEntropy(y, apply(p.fc, tf.dropout(tf.reshape(block(block(x, p.w1, p.g1, p.b1), p.w2, p.g2, p.b2), [64, 64 * 49]), 0.1))));
    },
  };
  for (const name of STEP_CASES) {
    const s = cases[name]();
    await s();
    const before = tf.memory().numTensors;
    out.steps[name] = await timeStep(s, () => ({ ...counts }));
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) throw new Error(`webgpu bench: tfjs leaked ${leaked} tensors in case ${name}`);
  }
  return out;
}

if (argv.includes('--tfjs')) {
  console.log(JSON.stringify(await tfjsRun()));
  process.exit(0);
}

// ---- @nn (webgpu) ----

const apiCounts = await countGpuCalls();
try {
  await nn.setBackend('webgpu');
} catch (e) {
  console.log(`bench/webgpu.js: no WebGPU adapter, nothing measured.\n  ${e.message}`);
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) {
    console.log(`  Without a GPU, SwiftShader (slow, for checking only) runs it: VK_ICD_FILENAMES=${SWIFTSHADER} node bench/webgpu.js --quick`);
  }
  process.exit(0);
}
const gpu = nn.engine.backendFor('bench', 'webgpu');
const adapter = gpu.device.adapterInfo ?? {};
const adapterName = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / ') || 'unknown';
const isSwiftShader = /swiftshader/i.test(adapterName);
/** Submits what @nn has recorded and waits for the queue to drain. */
const finish = async () => {
  await gpu.submit();
  await gpu.device.queue.onSubmittedWorkDone();
};
/** @nn's counters, and the API-level ones (prefixed) when the wrappers are in place. */
const counters = () => {
  const { dispatches, submits, pipelinesCompiled } = gpu.getStats();
  return { dispatches, submits, pipelinesCompiled, ...(apiCounts && { apiDispatches: apiCounts.dispatches, apiSubmits: apiCounts.submits }) };
};

console.log(`WebGPU adapter: ${adapterName}${isSwiftShader ? '  (SwiftShader, a CPU emulation: timings say nothing about GPU speed)' : ''}`);
const plan = [CASES.includes('matmul') && `matmul n = ${SIZES.join(', ')}`, STEP_CASES.length && `${STEPS} timed training steps after ${WARMUP + 1} untimed`];
console.log(`${QUICK ? '--quick: ' : ''}${plan.filter(Boolean).join('; ')}`);

const ours = { matmul: {}, steps: {} };
if (CASES.includes('matmul')) {
  const g = new nn.Generator(0);
  for (const n of SIZES) {
    const [a, b] = [nn.randn([n, n], { generator: g }), nn.randn([n, n], { generator: g })];
    const c = nn.matmul(a, b);
    checkProduct('@nn', n, await a.data(), await b.data(), await c.data());
    c.dispose();
    ours.matmul[n] = await timeMatmul(() => nn.matmul(a, b).dispose(), finish);
    nn.dispose([a, b]);
  }
}

const MODELS = { mlp: mlpWorkload, cnn: cnnWorkload };

for (const name of STEP_CASES) {
  const { model, opt, x, y } = MODELS[name]();
  const step = async () => {
    const loss = nn.tidy(() => {
      opt.zeroGrad();
      const l = crossEntropy(model.call(x), y);
      backward(l);
      opt.step();
      return l;
    });
    await loss.data(); // submits the step and waits for it
    loss.dispose();
  };
  await step(); // creates the optimizer state, which lives on
  const before = nn.memory().numTensors;
  ours.steps[name] = await timeStep(step, counters);
  const leaked = nn.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`webgpu bench: @nn leaked ${leaked} tensors in case ${name}`);
}

const peer = runNodeChild(import.meta.url, ['--tfjs', '--steps', STEPS, ...(QUICK ? ['--quick'] : []), `--only=${CASES.join(',')}`]);
const PEER = 'tfjs-backend-webgpu';

if (CASES.includes('matmul')) {
  console.log('\nmatmul of square float32 matrices (median ms per product; k = products per timed sample)');
  const cols = [['n', 6], ['@nn ms', 10], ['@nn GFLOP/s', 13], ['k', 4], [`${PEER} ms`, 26], ['GFLOP/s', 10], ['k', 4], ['@nn speed-up', 14]];
  console.log(cols.map(([h, w], i) => (i ? h.padStart(w) : h.padEnd(w))).join(''));
  for (const n of SIZES) {
    const gflops = (ms) => ((2 * n ** 3) / (ms * 1e6)).toFixed(2);
    const o = ours.matmul[n];
    const t = peer.note ? null : peer.matmul[n];
    const row = [String(n).padEnd(6), o.ms.toFixed(3).padStart(10), gflops(o.ms).padStart(13), String(o.k).padStart(4)];
    if (t) row.push(t.ms.toFixed(3).padStart(26), gflops(t.ms).padStart(10), String(t.k).padStart(4), `${(t.ms / o.ms).toFixed(2)}×`.padStart(14));
    else row.push(`  ${PEER}: ${peer.note}`);
    console.log(row.join(''));
  }
}

for (const name of STEP_CASES) {
  console.log(`\n${name}: ${TITLES[name]}, one training step ending in a loss readback (median ms)`);
  printTable([{ name: '@nn webgpu', ms: ours.steps[name].ms }, peer.note ? { name: PEER, note: peer.note } : { name: PEER, ms: peer.steps[name].ms }]);
}

if (STEP_CASES.length) {
  console.log(`\nGPU commands per training step (mean over the ${STEPS} timed steps, loss readback included)`);
  const head = ['case', '@nn dispatches', '@nn submits', 'tfjs dispatches', 'tfjs submits'];
  console.log(head.map((h, i) => (i ? h.padStart(17) : h.padEnd(8))).join(''));
  const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)).padStart(17);
  const notes = [];
  let matched = !!apiCounts;
  for (const name of STEP_CASES) {
    const o = ours.steps[name];
    const t = peer.note ? null : peer.steps[name];
    console.log([name.padEnd(8), fmt(o.dispatches), fmt(o.submits), ...(t ? [fmt(t.dispatches), fmt(t.submits)] : ['n/a'.padStart(17), 'n/a'.padStart(17)])].join(''));
    if (o.pipelinesCompiled) notes.push(`@nn compiled ${o.pipelinesCompiled} pipelines per timed ${name} step (expected 0 after warm-up)`);
    if (apiCounts && (o.apiDispatches !== o.dispatches || o.apiSubmits !== o.submits)) {
      matched = false;
      notes.push(`${name}: @nn's stats differ from the GPUComputePassEncoder.dispatchWorkgroups / GPUQueue.submit calls counted (${o.apiDispatches} / ${o.apiSubmits})`);
    }
  }
  console.log(`@nn: its backend counters (getStats())${matched ? ', equal to the WebGPU API calls counted in the same process' : ''}${apiCounts ? '' : ' (not cross-checked: npm webgpu could not be imported here)'}.`);
  console.log(peer.note
    ? `tfjs: not measured (${peer.note}).`
    : 'tfjs: GPUComputePassEncoder.dispatchWorkgroups and GPUQueue.submit calls counted by wrapping them (tfjs keeps no running count).');
  for (const n of notes) console.log(`note: ${n}`);
}
console.log('\n"@nn speed-up" = tfjs ms / @nn ms: above 1 means @nn is faster.');
if (isSwiftShader) console.log('SwiftShader emulates the GPU on the CPU: these timings are no guide to GPU speed; the command counts hold.');
process.exit(0);
