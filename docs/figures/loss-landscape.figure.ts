/**
 * docs/loss-landscape.md's figure: the loss of the spirals MLP on the straight line from its initial to its
 * trained weights (Goodfellow et al. 2015), on the training points, drawn by plotCurves.
 */
import { AdamW, DataLoader, Generator, Linear, ReLU, Sequential, TensorDataset, crossEntropy, dispose, fit, lossAlongLine, manualSeed, plotCurves } from '@nn/all';
import { makeSpirals } from '../../examples/src/spirals.js';

export default async function figures(): Promise<Record<string, string>> {
  manualSeed(0);
  const { x, y } = makeSpirals(200, new Generator(1)); // 400 points, labels 0 and 1
  const data = new TensorDataset(x, y);
  const model = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 2));
  const initial = model.stateDict();
  const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
  await fit(model, new DataLoader(data, { batchSize: 40, shuffle: true, generator: new Generator(0) }), {
    optimizer, loss: crossEntropy, epochs: 40, progress: false,
  });
  const trained = model.stateDict();
  const line = await lossAlongLine(model, initial, trained, crossEntropy, new DataLoader(data, { batchSize: 400 }), { points: 41 });
  optimizer.dispose();
  dispose([x, y, initial, trained, model.parameters()]);
  return {
    'loss-landscape-line.svg': plotCurves({ 'training loss': line.loss }, { x: line.alpha, xLabel: 'α  (0: initial weights, 1: trained)', title: 'MLP on two spirals: loss along the line' }),
  };
}
