/**
 * The training workloads that several benchmarks share, built the same way in each (models.js on the CPU,
 * webgpu.js on WebGPU): @nn's models with their optimizer and a fixed batch, and the TensorFlow.js building
 * blocks of the peer implementations.
 */
import * as nn from '@nn/tensor';
import { BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { Adam, AdamW } from '@nn/optim';

/** MLP 784-256-256-10 (ReLU), Adam lr 1e-3, batch 128: `{model, opt, x, y}`, seeded. */
export function mlpWorkload() {
  const g = new nn.Generator(0);
  const model = new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Linear(256, 256, { generator: g }), new ReLU(), new Linear(256, 10, { generator: g }));
  return { model, opt: new Adam(model.parameters(), { lr: 1e-3 }), x: nn.randn([128, 784], { generator: g }), y: nn.randint(0, 10, [128], { generator: g }) };
}

/** The `--model cnn` CNN (conv32-BN-pool-conv64-BN-pool-Dropout-Linear), AdamW lr 1e-3, batch 64: `{model, opt, x, y}`. */
export function cnnWorkload() {
  const g = new nn.Generator(0);
  const model = new Sequential(
    new Conv2d(1, 32, 3, { padding: 1, bias: false, generator: g }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, bias: false, generator: g }), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout(0.1, { generator: g }), new Linear(64 * 49, 10, { generator: g }),
  );
  return { model, opt: new AdamW(model.parameters(), { lr: 1e-3 }), x: nn.randn([64, 1, 28, 28], { generator: g }), y: nn.randint(0, 10, [64], { generator: g }) };
}

/**
 * TensorFlow.js building blocks on one seed counter: `rand(shape, std)` (normal), `dense(in, out)` (a weight with
 * std 1/√in and a zero bias, as variables), `apply(layer, x)` (x·W + b) and `labels(n)` (one-hot of 10 classes).
 */
export function tfjsBlocks(tf) {
  let seed = 1;
  const rand = (shape, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed++);
  return {
    rand,
    dense: (i, o) => ({ w: tf.variable(rand([i, o], 1 / Math.sqrt(i))), b: tf.variable(tf.zeros([o])) }),
    apply: (l, x) => tf.add(tf.matMul(x, l.w), l.b),
    labels: (n) => tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', seed++), 10),
  };
}
