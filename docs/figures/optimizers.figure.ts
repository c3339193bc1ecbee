/**
 * docs/optimizers.md's comparison: the same small MLP from the same initial weights, fit to y = sin(x) on 64
 * points with full-batch steps by SGD, SGD with momentum, Adam and AdamW; the training loss on a log axis.
 */
import { Adam, AdamW, Linear, SGD, Sequential, Tanh, backward, linspace, manualSeed, mseLoss, plotCurves, tidy, type Parameter } from '@nn/all';

const STEPS = 300;

function lossCurve(makeOptimizer: (params: Parameter[]) => { zeroGrad(): void; step(): unknown; dispose(): void }): number[] {
  manualSeed(0); // the same initial weights for every optimizer
  const model = new Sequential(new Linear(1, 32), new Tanh(), new Linear(32, 1));
  const optimizer = makeOptimizer([...model.parameters()]);
  const x = linspace(-3, 3, 64).reshape([64, 1]);
  const y = x.sin();
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    optimizer.zeroGrad();
    const loss = tidy(() => {
      const l = mseLoss(model.call(x), y);
      backward(l);
      return l;
    });
    losses.push(loss.item());
    loss.dispose();
    optimizer.step();
  }
  optimizer.dispose();
  for (const t of [x, y, ...model.parameters()]) t.dispose();
  return losses;
}

export default async function figures(): Promise<Record<string, string>> {
  const curves = {
    'SGD (lr 0.1)': lossCurve((p) => new SGD(p, { lr: 0.1 })),
    'SGD, momentum 0.9': lossCurve((p) => new SGD(p, { lr: 0.1, momentum: 0.9 })),
    'Adam (lr 0.01)': lossCurve((p) => new Adam(p, { lr: 0.01 })),
    'AdamW (wd 0.1)': lossCurve((p) => new AdamW(p, { lr: 0.01, weightDecay: 0.1 })),
  };
  return { 'optimizers-loss.svg': plotCurves(curves, { title: 'training loss, MLP 1-32-1 on sin(x)', xLabel: 'step', logScale: true, width: 560 }) };
}
