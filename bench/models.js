/**
 * The training workloads of the CPU-speed issue, each timed on @nn's CPU backend and, in their own processes,
 * PyTorch CPU pinned to one thread and TensorFlow.js's WASM backend; prints medians and ratios.
 *
 *   mlp        MLP 784-256-256-10 (ReLU), batch 128, cross-entropy, Adam: one training step
 *   resmlp     Linear 784→256, two residual blocks x + Linear(Dropout(GELU(BatchNorm1d(Linear(LayerNorm(x)))))) with
 *              256→512→256, Linear 256→10; AdamW with two parameter groups (weight decay on the weight matrices
 *              only), clipGradNorm(1), cross-entropy with label smoothing 0.1, batch 128: one training step
 *   smallmlp   MLP 784-128-10, batch 25, SGD with momentum 0.9: one training step (per-op overhead)
 *   adamw      AdamW.step() over four 512×512 parameters with fixed gradients (the optimizer alone)
 *   add        add of two 2²⁰-element tensors
 *   cnn        the `--model cnn` CNN, batch 64 (see cnn-step.js)
 *
 * Usage (after building): `node bench/models.js [--steps N] [--only=mlp,add]`. tfjs has no AdamW (Adam instead),
 * no GELU op (0.5·x·(1 + erf(x/√2))) and no 2-d convolution filter gradient on wasm (depth-1 3-d convolutions).
 */
import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { clipGradNorm } from '@nn/clip';
import { BatchNorm1d, crossEntropy, Dropout, GELU, LayerNorm, Linear, Module, ReLU, Sequential } from '@nn/layers';
import { AdamW, SGD } from '@nn/optim';
import { printTable, runNodeChild, runPython, timeSteps } from './peers.js';
import { cnnWorkload, mlpWorkload, tfjsBlocks } from './workloads.js';

const argv = process.argv.slice(2);
const stepsArg = argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(argv[stepsArg + 1]) : 30;
/** Untimed calls first: V8 needs a few to optimise a whole step. */
const WARMUP = 10;
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const CASES = ['mlp', 'resmlp', 'smallmlp', 'adamw', 'add', 'cnn'].filter((c) => !ONLY || ONLY.includes(c));

const TITLES = {
  mlp: 'MLP 784-256-256-10, batch 128, Adam',
  resmlp: 'residual MLP (LN→Linear→BN→GELU→Dropout→Linear ×2), AdamW 2 groups, clip, label smoothing, batch 128',
  smallmlp: 'MLP 784-128-10, batch 25, SGD momentum',
  adamw: 'AdamW.step() over 4 × 512×512 parameters',
  add: 'add of two 2^20-element tensors',
  cnn: 'CNN conv32-BN-pool-conv64-BN-pool-Drop-10, batch 64, AdamW',
};

// ---- @nn ----

/** A step of `model` on (x, y): zeroGrad, loss, backward, optional clipping, optimizer step, all in tidy. */
function trainStep(model, opt, x, y, { labelSmoothing = 0, clip = 0 } = {}) {
  return () =>
    nn.tidy(() => {
      opt.zeroGrad();
      backward(crossEntropy(model.call(x), y, { labelSmoothing }));
      if (clip) clipGradNorm(model.parameters(), clip);
      opt.step();
    });
}

class ResBlock extends Module {
  constructor(g) {
    super();
    this.body = this.registerModule('body', new Sequential(
      new LayerNorm(256), new Linear(256, 512, { generator: g }), new BatchNorm1d(512), new GELU(), new Dropout(0.1, { generator: g }),
      new Linear(512, 256, { generator: g }),
    ));
  }
  forward(x) {
    return x.add(this.body.call(x));
  }
}

const OURS = {
  mlp() {
    const { model, opt, x, y } = mlpWorkload();
    return trainStep(model, opt, x, y);
  },
  resmlp() {
    const g = new nn.Generator(0);
    const model = new Sequential(new Linear(784, 256, { generator: g }), new ResBlock(g), new ResBlock(g), new Linear(256, 10, { generator: g }));
    const decay = model.namedParameters().filter(([, p]) => p.rank === 2).map(([, p]) => p);
    const rest = model.namedParameters().filter(([, p]) => p.rank !== 2).map(([, p]) => p);
    const opt = new AdamW([{ params: decay, weightDecay: 0.05 }, { params: rest, weightDecay: 0 }], { lr: 1e-3 });
    return trainStep(model, opt, nn.randn([128, 784], { generator: g }), nn.randint(0, 10, [128], { generator: g }), { labelSmoothing: 0.1, clip: 1 });
  },
  smallmlp() {
    const g = new nn.Generator(0);
    const model = new Sequential(new Linear(784, 128, { generator: g }), new ReLU(), new Linear(128, 10, { generator: g }));
    return trainStep(model, new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), nn.randn([25, 784], { generator: g }), nn.randint(0, 10, [25], { generator: g }));
  },
  adamw() {
    const g = new nn.Generator(0);
    const params = Array.from({ length: 4 }, () => {
      const p = nn.keep(nn.randn([512, 512], { generator: g }));
      p.requiresGrad = true;
      p.grad = nn.keep(nn.randn([512, 512], { generator: g }));
      return p;
    });
    const opt = new AdamW(params, { lr: 1e-3 });
    return () => nn.tidy(() => opt.step());
  },
  add() {
    const g = new nn.Generator(0);
    const [a, b] = [nn.randn([1 << 20], { generator: g }), nn.randn([1 << 20], { generator: g })];
    return () => nn.add(a, b).dispose();
  },
  cnn() {
    const { model, opt, x, y } = cnnWorkload();
    return trainStep(model, opt, x, y);
  },
};

/** Median ms of each case, checking that @nn's live tensor count stays flat over the timed calls. */
async function timeOurs() {
  const out = {};
  for (const name of CASES) {
    const step = OURS[name]();
    step(); // creates optimizer state, which lives on
    const before = nn.memory().numTensors;
    out[name] = await timeSteps(step, name === 'add' ? 20 * STEPS : STEPS, WARMUP);
    const leaked = nn.memory().numTensors - before;
    if (leaked !== 0) throw new Error(`models: @nn leaked ${leaked} tensors in case ${name}`);
  }
  return out;
}

// ---- TensorFlow.js (wasm), in a child process ----

async function timeTfjs() {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const { rand, dense, apply, labels } = tfjsBlocks(tf);
  const step = (opt, lossFn, clip = 0) => () => {
    let loss;
    if (!clip) loss = opt.minimize(lossFn, true);
    else {
      const { value, grads } = tf.variableGrads(lossFn);
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const k = tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6)));
      const clipped = Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, k)]));
      opt.applyGradients(clipped);
      tf.dispose([norm, k, ...Object.values(grads), ...Object.values(clipped)]);
      loss = value;
    }
    loss.dataSync();
    loss.dispose();
  };
  const norm1d = (x, gamma, beta, axes) => {
    const { mean, variance } = tf.moments(x, axes, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
  };
  const gelu = (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const cases = {
    mlp() {
      const [l1, l2, l3] = [dense(784, 256), dense(256, 256), dense(256, 10)];
      const [x, y] = [rand([128, 784]), labels(128)];
      return step(tf.train.adam(1e-3), () => tf.losses.softmaxCrossEntropy(y, apply(l3, tf.relu(apply(l2, tf.relu(apply(l1, x)))))));
    },
    resmlp() {
      const stem = dense(784, 256);
      const head = dense(256, 10);
      const blocks = [0, 1].map(() => ({
        ln: [tf.variable(tf.ones([256])), tf.variable(tf.zeros([256]))], a: dense(256, 512),
        bn: [tf.variable(tf.ones([512])), tf.variable(tf.zeros([512]))], b: dense(512, 256),
      }));
      const [x, y] = [rand([128, 784]), labels(128)];
      const forward = () =>
        apply(head, blocks.reduce((h, k) => {
          const z = norm1d(apply(k.a, norm1d(h, ...k.ln, [1])), ...k.bn, [0]);
          return tf.add(h, apply(k.b, tf.dropout(gelu(z), 0.1)));
        }, apply(stem, x)));
      return step(tf.train.adam(1e-3), () => tf.losses.softmaxCrossEntropy(y, forward(), undefined, 0.1), 1);
    },
    smallmlp() {
      const [l1, l2] = [dense(784, 128), dense(128, 10)];
      const [x, y] = [rand([25, 784]), labels(25)];
      return step(tf.train.momentum(0.01, 0.9), () => tf.losses.softmaxCrossEntropy(y, apply(l2, tf.relu(apply(l1, x)))));
    },
    adamw() {
      const vars = Array.from({ length: 4 }, (_, i) => tf.variable(rand([512, 512]), true, `p${i}`));
      const grads = Object.fromEntries(vars.map((v) => [v.name, rand([512, 512])]));
      const opt = tf.train.adam(1e-3);
      return () => {
        opt.applyGradients(grads);
        vars[0].dataSync();
      };
    },
    add() {
      const [a, b] = [rand([1 << 20]), rand([1 << 20])];
      return () => {
        const c = tf.add(a, b);
        c.dataSync();
        c.dispose();
      };
    },
    cnn() {
      const he = (shape, fanIn) => tf.variable(rand(shape, Math.sqrt(2 / fanIn)));
      const p = {
        w1: he([1, 3, 3, 1, 32], 9), g1: tf.variable(tf.ones([32])), b1: tf.variable(tf.zeros([32])),
        w2: he([1, 3, 3, 32, 64], 288), g2: tf.variable(tf.ones([64])), b2: tf.variable(tf.zeros([64])), fc: dense(64 * 49, 10),
      };
      const conv = (h, w) => {
        const [n, hh, ww, c] = h.shape;
        return tf.reshape(tf.conv3d(tf.reshape(h, [n, 1, hh, ww, c]), w, 1, 'same'), [n, hh, ww, w.shape[4]]);
      };
      const block = (h, w, g, b) => tf.maxPool(tf.relu(norm1d(conv(h, w), g, b, [0, 1, 2])), 2, 2, 'valid');
      const [x, y] = [rand([64, 28, 28, 1]), labels(64)];
      return step(tf.train.adam(1e-3), () =>
        tf.losses.softmaxCrossEntropy(y, apply(p.fc, tf.dropout(tf.reshape(block(block(x, p.w1, p.g1, p.b1), p.w2, p.g2, p.b2), [64, 64 * 49]), 0.1))));
    },
  };
  const out = {};
  for (const name of CASES) out[name] = await timeSteps(cases[name](), name === 'add' ? 5 * STEPS : Math.max(5, STEPS >> 1), 3);
  return out;
}

if (argv.includes('--tfjs')) {
  console.log(JSON.stringify(await timeTfjs()));
  process.exit(0);
}

const ours = await timeOurs();
const peers = [
  ['pytorch cpu (1 thread)', runPython('./models.py', [STEPS, WARMUP, CASES.join(',')])],
  ['tfjs-backend-wasm', runNodeChild(import.meta.url, ['--tfjs', '--steps', STEPS, `--only=${CASES.join(',')}`])],
];
for (const name of CASES) {
  console.log(`\n${name}: ${TITLES[name]} (median ms)`);
  printTable([{ name: '@nn cpu', ms: ours[name] }, ...peers.map(([peer, r]) => (r.note ? { name: peer, note: r.note } : { name: peer, ms: r[name] }))]);
}
const torch = peers[0][1];
if (!torch.note) {
  console.log('\n@nn / PyTorch 1 thread:');
  for (const name of CASES) console.log(`  ${name.padEnd(10)} ${(ours[name] / torch[name]).toFixed(2)}×`);
}
console.log('\n"@nn speed-up" = peer ms / @nn ms: above 1 means @nn is faster. @nn uses its default threads.');
