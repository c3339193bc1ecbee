/**
 * The CNN of `pnpm train --model cnn` (conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, dropout, linear; batch 64 of
 * 28×28 images, cross-entropy, AdamW): one training step — forward, backward, optimizer update — on @nn's CPU
 * backend and, in the same run, TensorFlow.js's WASM backend (Adam: tfjs has no AdamW) and PyTorch CPU pinned
 * to one thread; then a conv2d forward + backward microbenchmark (the CNN's second convolution: [64, 32, 14, 14]
 * with a 64×32×3×3 kernel, padding 1). Prints median ms and ratios; @nn runs with its default threading.
 *
 * TensorFlow.js runs in a child process (this script with `--tfjs`): merely loading tfjs-backend-wasm slows
 * @nn's step here by about 30%, so sharing a process would not measure either library as a user runs it.
 *
 * Usage (after building): `node bench/cnn-step.js [--steps N]`, or `pnpm bench` at the repo root.
 */
import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { BatchNorm2d, Conv2d, conv2d, crossEntropy, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { AdamW } from '@nn/optim';
import { printTable, runNodeChild, runPython, timeSteps } from './peers.js';
import { values } from './values.js';

const argv = process.argv.slice(2);
const stepsArg = argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(argv[stepsArg + 1]) : 30;
/** Untimed steps first: V8 needs about ten to optimise a whole training step. */
const WARMUP = 10;
const BATCH = 64;
const [C1, C2] = [32, 64];
/** The microbenchmark's convolution: input [N, C, H, W], kernel [O, C, 3, 3]. */
const CONV = { n: 64, c: 32, hw: 14, o: 64 };

function oursStep() {
  const g = new nn.Generator(0);
  const x = nn.randn([BATCH, 1, 28, 28], { generator: g });
  const y = nn.randint(0, 10, [BATCH], { generator: g });
  const model = new Sequential(
    new Conv2d(1, C1, 3, { padding: 1, bias: false }), new BatchNorm2d(C1), new ReLU(), new MaxPool2d(2),
    new Conv2d(C1, C2, 3, { padding: 1, bias: false }), new BatchNorm2d(C2), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout(0.1), new Linear(C2 * 49, 10),
  );
  const opt = new AdamW(model.parameters(), { lr: 1e-3 });
  const step = () =>
    nn.tidy(() => {
      opt.zeroGrad();
      backward(crossEntropy(model.call(x), y));
      opt.step();
    });
  step(); // creates AdamW's state, which lives on
  const before = nn.memory().numTensors;
  return { step, leaked: () => nn.memory().numTensors - before };
}

function oursConv() {
  const x = nn.tensor(values(CONV.n * CONV.c * CONV.hw * CONV.hw, 1), { shape: [CONV.n, CONV.c, CONV.hw, CONV.hw], requiresGrad: true });
  const w = nn.tensor(values(CONV.o * CONV.c * 9, 2), { shape: [CONV.o, CONV.c, 3, 3], requiresGrad: true });
  return () =>
    nn.tidy(() => {
      backward(conv2d(x, w, null, { padding: 1 }).sum());
      x.grad.dispose();
      w.grad.dispose();
      x.grad = w.grad = null;
    });
}

/**
 * The same CNN in TensorFlow.js (NHWC), its batch norm written with tf.moments as Keras does in training.
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a 2-d convolution cannot be trained there; its
 * convolutions run as depth-1 3-d ones (Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 are wasm
 * kernels), the same arithmetic.
 */
async function tfjsStep() {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const x = tf.randomNormal([BATCH, 28, 28, 1], 0, 1, 'float32', 0);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 1), 10);
  const he = (shape, fanIn, seed) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
  const p = {
    w1: he([1, 3, 3, 1, C1], 9, 2), g1: tf.variable(tf.ones([C1])), b1: tf.variable(tf.zeros([C1])),
    w2: he([1, 3, 3, C1, C2], 9 * C1, 3), g2: tf.variable(tf.ones([C2])), b2: tf.variable(tf.zeros([C2])),
    wd: he([C2 * 49, 10], C2 * 49, 4), bd: tf.variable(tf.zeros([10])),
  };
  /** A 2-d convolution, 'same' padding, as a depth-1 3-d one (see above). */
  const conv2dAs3d = (h, w) => {
    const [n, hh, ww, c] = h.shape;
    const y = tf.conv3d(tf.reshape(h, [n, 1, hh, ww, c]), w, 1, 'same');
    return tf.reshape(y, [n, hh, ww, w.shape[4]]);
  };
  const block = (h, w, gamma, beta) => {
    const z = conv2dAs3d(h, w);
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    return tf.maxPool(tf.relu(tf.batchNorm(z, mean, variance, beta, gamma, 1e-5)), 2, 2, 'valid');
  };
  const forward = () => {
    const h = block(block(x, p.w1, p.g1, p.b1), p.w2, p.g2, p.b2);
    return tf.add(tf.matMul(tf.dropout(tf.reshape(h, [BATCH, C2 * 49]), 0.1), p.wd), p.bd);
  };
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward()), true);
    loss.dataSync(); // the step has finished
    loss.dispose();
  };
  const conv = () => {
    const cx = tf.tensor4d(values(CONV.n * CONV.c * CONV.hw * CONV.hw, 1), [CONV.n, CONV.hw, CONV.hw, CONV.c]);
    const cw = tf.tensor5d(values(CONV.o * CONV.c * 9, 2), [1, 3, 3, CONV.c, CONV.o]);
    const grads = tf.grads((a, b) => tf.sum(conv2dAs3d(a, b)));
    return () => {
      const [dx, dw] = grads([cx, cw]);
      dx.dataSync();
      dw.dataSync();
      tf.dispose([dx, dw]);
    };
  };
  return { step, conv: conv() };
}

if (argv.includes('--tfjs')) {
  const t = await tfjsStep();
  const peerSteps = Math.max(5, STEPS >> 1);
  console.log(JSON.stringify({ step: await timeSteps(t.step, peerSteps, 2), conv: await timeSteps(t.conv, peerSteps, 2) }));
  process.exit(0);
}

const o = oursStep();
const stepResults = [{ name: '@nn cpu', ms: await timeSteps(o.step, STEPS, WARMUP) }];
if (o.leaked() !== 0) throw new Error(`cnn-step: @nn leaked ${o.leaked()} tensors over the timed steps`);
const convResults = [{ name: '@nn cpu', ms: await timeSteps(oursConv(), STEPS, WARMUP) }];
for (const [peer, name] of [[runNodeChild(import.meta.url, ['--tfjs', '--steps', STEPS]), 'tfjs-backend-wasm'], [runPython('./cnn_step.py', [STEPS, WARMUP]), 'pytorch cpu (1 thread)']]) {
  for (const [results, key] of [[stepResults, 'step'], [convResults, 'conv']]) {
    if (peer.note) results.push({ name, note: peer.note });
    else results.push({ name, ms: peer[key] });
  }
}
console.log(`CNN training step: conv${C1}-BN-ReLU-pool-conv${C2}-BN-ReLU-pool-Drop(0.1)-10, batch ${BATCH} of 1×28×28, AdamW (median of ${STEPS} steps)\n`);
printTable(stepResults);
console.log(`\nconv2d forward + backward (dx, dw): [${CONV.n},${CONV.c},${CONV.hw},${CONV.hw}] * [${CONV.o},${CONV.c},3,3], padding 1\n`);
printTable(convResults);
console.log('\n"@nn speed-up" = peer ms / @nn ms: above 1 means @nn is faster. PyTorch is pinned to one thread; @nn uses its default threads.');
