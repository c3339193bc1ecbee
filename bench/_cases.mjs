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
import {
  BatchNorm1d, BatchNorm2d, Conv2d, crossEntropy, Dropout, Flatten, GELU, LayerNorm, Linear, MaxPool2d, Module, ReLU, Sequential,
} from '@nn/layers';
import { Adam, AdamW, SGD } from '@nn/optim';


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

export const OURS = {
  mlp() {
    const g = new nn.Generator(0);
    const model = new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Linear(256, 256, { generator: g }), new ReLU(), new Linear(256, 10, { generator: g }));
    return trainStep(model, new Adam(model.parameters(), { lr: 1e-3 }), nn.randn([128, 784], { generator: g }), nn.randint(0, 10, [128], { generator: g }));
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
    const g = new nn.Generator(0);
    const model = new Sequential(
      new Conv2d(1, 32, 3, { padding: 1, bias: false, generator: g }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
      new Conv2d(32, 64, 3, { padding: 1, bias: false, generator: g }), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
      new Flatten(), new Dropout(0.1, { generator: g }), new Linear(64 * 49, 10, { generator: g }),
    );
    return trainStep(model, new AdamW(model.parameters(), { lr: 1e-3 }), nn.randn([64, 1, 28, 28], { generator: g }), nn.randint(0, 10, [64], { generator: g }));
  },
};

