/**
 * One training step of the 784-256-256-10 MLP (ReLU, batch 128, cross-entropy, Adam) — forward, backward and
 * optimizer update — on @nn's CPU backend and, in the same run, TensorFlow.js's CPU and WASM backends and
 * PyTorch CPU (Debian's python3-torch at /usr/bin/python3) when installed. Prints median ms per step and ratios.
 *
 * Usage (after building): `node bench/train-step.js [--steps N]`, or `pnpm bench` at the repo root.
 */
import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
// The @tensorflow/tfjs bundle (tfjs-core alone registers no gradients), with its CPU backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { printTable, runPython, timeSteps } from './peers.js';

const argv = process.argv.slice(2);
const stepsArg = argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(argv[stepsArg + 1]) : 30;
const [BATCH, SIZES] = [128, [784, 256, 256, 10]];

function ours() {
  const g = new nn.Generator(0);
  const x = nn.randn([BATCH, SIZES[0]], { generator: g });
  const y = nn.randint(0, SIZES.at(-1), [BATCH], { generator: g });
  const layers = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    layers.push(new Linear(SIZES[i], SIZES[i + 1], { generator: g }));
    if (i + 2 < SIZES.length) layers.push(new ReLU());
  }
  const model = new Sequential(...layers);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const step = () =>
    nn.tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.call(x), y);
      backward(loss);
      opt.step();
    });
  step(); // creates Adam's state, which lives on
  const before = nn.memory().numTensors;
  return { step, leaked: () => nn.memory().numTensors - before };
}

async function tfjs(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.randomNormal([BATCH, SIZES[0]], 0, 1, 'float32', 0);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, SIZES.at(-1), 'int32', 1), SIZES.at(-1));
  const params = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const bound = 1 / Math.sqrt(SIZES[i]);
    params.push([
      tf.variable(tf.randomUniform([SIZES[i], SIZES[i + 1]], -bound, bound, 'float32', 2 + i)),
      tf.variable(tf.zeros([SIZES[i + 1]])),
    ]);
  }
  const opt = tf.train.adam(1e-3);
  const forward = () =>
    params.reduce((h, [w, b], i) => {
      const z = tf.add(tf.matMul(h, w), b);
      return i + 1 < params.length ? tf.relu(z) : z;
    }, x);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward()), true);
    // tfjs computes eagerly on both CPU backends; reading the loss makes sure the step has finished.
    loss.dataSync();
    loss.dispose();
  };
}

const results = [];
const o = ours();
results.push({ name: '@nn cpu', ms: await timeSteps(o.step, STEPS) });
if (o.leaked() !== 0) throw new Error(`train-step: @nn leaked ${o.leaked()} tensors over the timed steps`);
results.push({ name: 'tfjs-backend-cpu', ms: await timeSteps(await tfjs('cpu'), Math.max(5, STEPS >> 2), 2) });
results.push({ name: 'tfjs-backend-wasm', ms: await timeSteps(await tfjs('wasm'), STEPS) });
const torch = runPython('./train_step.py', [STEPS]);
if (torch.note) results.push({ name: 'pytorch cpu', note: torch.note });
else {
  results.push({ name: `pytorch cpu (${torch.threads} threads)`, ms: torch.ms });
  results.push({ name: 'pytorch cpu (1 thread)', ms: torch.ms1 });
}

console.log(`training step: MLP ${SIZES.join('-')}, batch ${BATCH}, cross-entropy, Adam (median of ${STEPS} steps)\n`);
printTable(results);
console.log('\n"@nn speed-up" = peer ms / @nn ms: above 1 means @nn is faster.');
