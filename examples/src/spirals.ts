/**
 * Trains a two-layer MLP to separate two interleaved spirals, with nothing but @nn/tensor and @nn/autograd:
 * minibatch → forward → cross-entropy → backward → Adam step, inside `tidy` so memory stays flat.
 *
 *   node examples/dist/spirals.js [--epochs N] [--seed N]
 */
import { backward } from '@nn/autograd';
import { Adam } from '@nn/optim';
import { Generator, keep, memory, randn, randperm, tensor, tidy, zeros, type Tensor } from '@nn/tensor';

interface Options {
  epochs: number;
  seed: number;
  batchSize: number;
  lr: number;
  hidden: number;
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = { epochs: 200, seed: 0, batchSize: 50, lr: 0.01, hidden: 64 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      console.log('usage: spirals [--epochs N=200] [--seed N=0] [--batch-size N=50] [--lr X=0.01] [--hidden N=64]');
      process.exit(0);
    }
    const key = { '--epochs': 'epochs', '--seed': 'seed', '--batch-size': 'batchSize', '--lr': 'lr', '--hidden': 'hidden' }[flag] as
      | keyof Options
      | undefined;
    const value = Number(argv[i + 1]);
    if (!key) throw new Error(`spirals: unknown flag '${flag}' (try --help)`);
    if (!Number.isFinite(value) || value < 0) throw new Error(`spirals: ${flag} needs a non-negative number, got '${argv[i + 1]}'`);
    opts[key] = value;
    i++;
  }
  return opts;
}

/** n points per class on two spirals, with a little noise. Returns features [2n, 2] and int32 labels [2n]. */
export function makeSpirals(n: number, g: Generator): { x: Tensor; y: Tensor } {
  const noise = randn([2 * n, 2], { generator: g }).dataSync();
  const xs = new Float32Array(4 * n);
  const ys = new Int32Array(2 * n);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 1.0 + 0.05;
      const t = (i / n) * 3 * Math.PI + c * Math.PI;
      const k = c * n + i;
      xs[2 * k] = r * Math.cos(t) + 0.02 * noise[2 * k]!;
      xs[2 * k + 1] = r * Math.sin(t) + 0.02 * noise[2 * k + 1]!;
      ys[k] = c;
    }
  }
  return { x: tensor(xs, { shape: [2 * n, 2] }), y: tensor(ys) };
}

export function train(opts: Options, log: (line: string) => void = console.log): { accuracy: number; loss: number } {
  const g = new Generator(opts.seed);
  const { x, y } = makeSpirals(500, g);
  const test = makeSpirals(200, g);
  const n = x.shape[0]!;
  // He-style init: std = sqrt(2 / fanIn).
  const init = (shape: number[], fanIn: number) => {
    const t = keep(randn(shape, { generator: g }).mul(Math.sqrt(2 / fanIn)));
    t.requiresGrad = true;
    return t;
  };
  const params = {
    w1: init([2, opts.hidden], 2),
    b1: keep(zeros([opts.hidden])),
    w2: init([opts.hidden, 2], opts.hidden),
    b2: keep(zeros([2])),
  };
  params.b1.requiresGrad = true;
  params.b2.requiresGrad = true;
  const forward = (xb: Tensor) => xb.matmul(params.w1).add(params.b1).relu().matmul(params.w2).add(params.b2);
  const opt = new Adam(Object.values(params), { lr: opts.lr });
  const crossEntropy = (logits: Tensor, labels: Tensor) => logits.logSoftmax(-1).gather(1, labels.unsqueeze(1)).mean().neg();

  let lastLoss = NaN;
  const start = memory().numTensors;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const perm = randperm(n, { generator: g });
    let total = 0;
    for (let b = 0; b + opts.batchSize <= n; b += opts.batchSize) {
      total += tidy(() => {
        const idx = perm.slice(0, b, b + opts.batchSize);
        const loss = crossEntropy(forward(x.indexSelect(0, idx)), y.indexSelect(0, idx));
        opt.zeroGrad();
        backward(loss);
        opt.step();
        return loss.item() as number;
      }) * opts.batchSize;
    }
    perm.dispose();
    lastLoss = total / (n - (n % opts.batchSize));
    if (epoch % Math.max(1, Math.floor(opts.epochs / 10)) === 0 || epoch === opts.epochs)
      log(`epoch ${epoch}/${opts.epochs}  loss ${lastLoss.toFixed(4)}  live tensors ${memory().numTensors - start} (optimizer state)`);
  }
  const accuracy = tidy(() => forward(test.x).argmax(1).eq(test.y).cast('float32').mean().item() as number);
  log(`test accuracy ${(accuracy * 100).toFixed(1)}% on ${test.x.shape[0]} held-out points`);
  return { accuracy, loss: lastLoss };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    train(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
