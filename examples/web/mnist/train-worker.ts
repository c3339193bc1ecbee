/**
 * The training worker: loads the digits, builds an MLP or a small CNN and trains it with Adam on the backend
 * the page chose, reporting every step's loss and accuracy, evaluating on the held-out digits after each epoch,
 * pausing and resuming on request, and classifying drawings (between steps) with the model as it is.
 */
import { noGrad } from '@nn/autograd';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Unflatten, crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
import { Generator, getBackend, manualSeed, randperm, setBackend, stack, tensor, tidy, type Tensor } from '@nn/tensor';
import { PIXELS, fetchDigits, splitDigits } from './digits.js';
import { checkOptions, type FromWorker, type ToWorker, type TrainOptions } from './protocol.js';

// The DOM lib's Worker has the postMessage signature of a dedicated worker's global scope.
const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

/** How often (ms) the loop reports progress and lets pause and predict messages in. */
const REPORT_EVERY = 100;

let model: Sequential | null = null;
let standardise: (pixels: Float32Array) => Float32Array = (p) => p;
let paused = false;
let resume: (() => void) | null = null;

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const run = async () => {
    switch (message.type) {
      case 'start':
        return train(message.backend, message.dataUrl, message.options);
      case 'pause':
        paused = true;
        return;
      case 'resume':
        paused = false;
        resume?.();
        return;
      case 'predict':
        return predict(message.pixels);
    }
  };
  run().catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};

async function train(backend: 'cpu' | 'webgpu', dataUrl: string, o: TrainOptions): Promise<void> {
  const start = performance.now();
  checkOptions(o);
  if (backend !== 'cpu') await setBackend(backend);
  manualSeed(o.seed);
  const digits = splitDigits(await fetchDigits(dataUrl), o.trainSize, o.testSize);
  standardise = (p) => p.map((v) => (v - digits.mean) / digits.std);
  const n = digits.train.labels.length;
  const x = tensor(digits.train.pixels, { shape: [n, PIXELS] });
  const y = tensor(digits.train.labels);
  const testX = tensor(digits.test.pixels, { shape: [digits.test.labels.length, PIXELS] });
  const testY = tensor(digits.test.labels);
  const net = buildModel(o);
  model = net;
  const optimizer = new Adam(net.parameters(), { lr: o.lr });
  const generator = new Generator(o.seed);
  const stepsPerEpoch = Math.floor(n / o.batchSize);
  post({
    type: 'ready', backend: getBackend(), trainImages: n, testImages: digits.test.labels.length, stepsPerEpoch,
    parameters: net.parameters().reduce((s, p) => s + p.size, 0),
  });

  let step = 0;
  let losses: number[] = [];
  let accuracies: number[] = [];
  let reported = performance.now();
  const report = (epoch: number) => {
    post({ type: 'progress', epoch, step, losses, accuracies });
    losses = [];
    accuracies = [];
    reported = performance.now();
  };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = randperm(n, { generator });
    for (let b = 0; b < stepsPerEpoch; b++) {
      if (paused) {
        report(epoch);
        post({ type: 'paused', step });
        await new Promise<void>((ok) => (resume = ok));
        post({ type: 'resumed' });
      }
      const stats = tidy(() => {
        const batch = order.slice(0, b * o.batchSize, (b + 1) * o.batchSize);
        const xb = x.indexSelect(0, batch);
        const yb = y.indexSelect(0, batch);
        optimizer.zeroGrad();
        const logits = net.forward(xb);
        const loss = crossEntropy(logits, yb);
        loss.backward();
        optimizer.step();
        return stack([loss, logits.argmax(1).eq(yb).cast('float32').mean()]);
      });
      const [loss, accuracy] = await stats.data();
      stats.dispose();
      step++;
      losses.push(loss!);
      accuracies.push(accuracy!);
      if (performance.now() - reported > REPORT_EVERY) {
        report(epoch);
        // A macrotask, so that pause, resume and predict messages are handled between steps.
        await new Promise((ok) => setTimeout(ok, 0));
      }
    }
    order.dispose();
    report(epoch);
    post({ type: 'evaluated', epoch, step, accuracy: await evaluate(net, testX, testY) });
  }
  post({ type: 'done', seconds: (performance.now() - start) / 1000 });
}

function buildModel(o: TrainOptions): Sequential {
  if (o.model === 'mlp') return new Sequential(new Linear(PIXELS, o.hidden), new ReLU(), new Linear(o.hidden, 10));
  // 28×28 → 8 × 14×14 → 16 × 7×7 → 10.
  return new Sequential(
    new Unflatten(1, [1, 28, 28]),
    new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(16 * 7 * 7, 10),
  );
}

/** Fraction of the held-out images classified correctly, in chunks of 500 to bound memory. */
async function evaluate(net: Sequential, x: Tensor, y: Tensor): Promise<number> {
  const n = y.shape[0]!;
  const correct = noGrad(() =>
    tidy(() => {
      const hits: Tensor[] = [];
      for (let i = 0; i < n; i += 500) {
        const end = Math.min(n, i + 500);
        hits.push(net.forward(x.slice(0, i, end)).argmax(1).eq(y.slice(0, i, end)).cast('float32').sum());
      }
      return stack(hits).sum();
    }),
  );
  const [count] = await correct.data();
  correct.dispose();
  return count! / n;
}

async function predict(pixels: Float32Array): Promise<void> {
  if (!model) throw new Error('predict: no model yet; start training first');
  const net = model;
  const probabilities = noGrad(() => tidy(() => net.forward(tensor(standardise(pixels), { shape: [1, PIXELS] })).softmax(1)));
  const values = await probabilities.data();
  probabilities.dispose();
  post({ type: 'prediction', probabilities: Array.from(values) });
}
