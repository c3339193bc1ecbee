/**
 * docs/convergence.md's training curves: a real `fit` of a small MLP on two interleaved spirals (a held-out
 * validation split, cosine-annealed learning rate), drawn by plotHistory with a linear and a log-scale loss.
 */
import {
  AdamW, CosineAnnealingLR, DataLoader, Generator, Linear, ReLU, Sequential, TensorDataset, crossEntropy, fit, manualSeed, plotHistory,
  randn, tensor,
} from '@nn/all';

/** Two spirals of 200 points each, with a little noise: features [400, 2], labels [400]. */
function spirals(): { x: ReturnType<typeof tensor>; y: ReturnType<typeof tensor> } {
  const n = 200;
  const noise = randn([2 * n, 2], { generator: new Generator(1) }).dataSync();
  const xs = new Float32Array(4 * n);
  const ys = new Int32Array(2 * n);
  for (let c = 0; c < 2; c++)
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 1.0 + 0.05;
      const t = (i / n) * 2.5 * Math.PI + c * Math.PI;
      const k = c * n + i;
      xs[2 * k] = r * Math.cos(t) + 0.03 * noise[2 * k]!;
      xs[2 * k + 1] = r * Math.sin(t) + 0.03 * noise[2 * k + 1]!;
      ys[k] = c;
    }
  return { x: tensor(xs, { shape: [2 * n, 2] }), y: tensor(ys) };
}

export default async function figures(): Promise<Record<string, string>> {
  manualSeed(0);
  const { x, y } = spirals();
  // Every fourth point is held out for validation.
  const isVal = (i: number) => i % 4 === 0;
  const index = (keep: (i: number) => boolean) => tensor(Int32Array.from({ length: 400 }, (_, i) => i).filter(keep));
  const [valIdx, trainIdx] = [index(isVal), index((i) => !isVal(i))];
  const train = new TensorDataset(x.indexSelect(0, trainIdx), y.indexSelect(0, trainIdx));
  const val = new TensorDataset(x.indexSelect(0, valIdx), y.indexSelect(0, valIdx));
  const epochs = 40;
  const loader = new DataLoader(train, { batchSize: 30, shuffle: true, generator: new Generator(0) });
  const model = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 2));
  const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
  const history = await fit(model, loader, {
    optimizer,
    loss: crossEntropy,
    epochs,
    scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }),
    schedulerInterval: 'epoch',
    validation: { loader: new DataLoader(val, { batchSize: 100 }) },
    progress: false,
  });
  optimizer.dispose();
  for (const t of [x, y, valIdx, trainIdx, ...train.tensors, ...val.tensors, ...model.parameters()]) t.dispose();
  return {
    'convergence-linear.svg': plotHistory(history, { title: 'MLP on two spirals' }),
    'convergence-log.svg': plotHistory(history, { title: 'MLP on two spirals', logScaleLoss: true }),
  };
}
