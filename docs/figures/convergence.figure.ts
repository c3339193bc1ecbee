/**
 * docs/convergence.md's training curves: a real `fit` of a small MLP on two interleaved spirals (a held-out
 * validation split, cosine-annealed learning rate), drawn by plotHistory with a linear and a log-scale loss.
 */
import {
  AdamW, CosineAnnealingLR, DataLoader, Generator, Linear, ReLU, Sequential, TensorDataset, crossEntropy, fit, manualSeed, plotHistory, tensor,
} from '@nn/all';
import { makeSpirals } from '../../examples/src/spirals.js';

export default async function figures(): Promise<Record<string, string>> {
  manualSeed(0);
  const { x, y } = makeSpirals(200, new Generator(1)); // 400 points, labels 0 and 1
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
